#include "common/auth/audit.h"

#include <sodium.h>

#include <mutex>

#include "common/log/log.h"
#include "common/queue/stream.h"
#include "common/util/time.h"
#include "voc/v1/identity.pb.h"

namespace voc::auth {
namespace {

std::string RandomEventId() {
  if (sodium_init() < 0) return "ae-unavailable";  // idempotent; LogAuditSink may be the first user
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string("ae-") + hex;
}

}  // namespace

void LogAuditSink::Record(const AuditRecord& r) {
  log::Info("audit", {{"kind", r.kind},
                      {"principal", r.principal},
                      {"via", r.via},
                      {"service", service_},
                      {"method", r.method},
                      {"resource", r.resource},
                      {"client_address", r.client_address},
                      {"detail", r.detail}});
}

v1::AuditEvent LogAuditSink::ToEvent(const AuditRecord& r) const {
  v1::AuditEvent event;
  event.set_id(RandomEventId());
  *event.mutable_time() = ToProto(clock_.Now());
  event.set_kind(r.kind);
  event.set_principal(r.principal);
  event.set_via(r.via);
  event.set_service(service_);
  event.set_method(r.method);
  event.set_resource(r.resource);
  event.set_client_address(r.client_address);
  event.set_detail(r.detail);
  return event;
}

struct StreamAuditSink::Impl {
  std::mutex mu;  // StreamProducer is not thread-safe
  queue::StreamProducer producer;
  explicit Impl(queue::RedisOptions redis) : producer(std::move(redis), kAuditStream) {}
};

StreamAuditSink::StreamAuditSink(std::string service, const Clock& clock, queue::RedisOptions redis)
    : LogAuditSink(std::move(service), clock), impl_(std::make_unique<Impl>(std::move(redis))) {
  if (sodium_init() < 0) log::Error("audit_sodium_init_failed");
}

StreamAuditSink::~StreamAuditSink() = default;

void StreamAuditSink::Record(const AuditRecord& r) {
  LogAuditSink::Record(r);
  const v1::AuditEvent event = ToEvent(r);
  std::lock_guard lock(impl_->mu);
  if (!impl_->producer.Publish({{"event", event.SerializeAsString()}})) {
    log::Warn("audit_stream_unavailable", {{"kind", r.kind}, {"error", impl_->producer.last_error()}});
  }
}

}  // namespace voc::auth
