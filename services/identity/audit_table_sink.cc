#include "services/identity/audit_table_sink.h"

#include "common/log/log.h"
#include "common/util/ids.h"
#include "common/util/time.h"

namespace voc::identity {

void TableAuditSink::Record(const auth::AuditRecord& r) {
  LogAuditSink::Record(r);
  v1::AuditEvent event;
  event.set_id("ae-" + NewId() + NewId());
  *event.mutable_time() = ToProto(clock_.Now());
  event.set_kind(r.kind);
  event.set_principal(r.principal);
  event.set_via(r.via);
  event.set_service(service_);
  event.set_method(r.method);
  event.set_resource(r.resource);
  event.set_client_address(r.client_address);
  event.set_detail(r.detail);
  if (auto stored = store_.InsertAuditEvents({event}); !stored.ok()) {
    log::Warn("audit_event_not_stored", {{"kind", r.kind}, {"error", std::string(stored.status().message())}});
  }
}

}  // namespace voc::identity
