// Security events (issue 9): denied attempts, refused credentials, logins,
// logouts, account and key changes, rule changes, erasures. Each is one
// structured log line ("audit", always) and, where Redis is configured, an
// entry on the stream voc.audit that voc-identity stores in its audit table
// (`voc audit list`). The log line is the record when Redis is down.
#pragma once

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/queue/redis_client.h"
#include "voc/v1/identity.pb.h"

namespace voc::auth {

inline constexpr char kAuditStream[] = "voc.audit";  // field `event`: a serialised voc.v1.AuditEvent

struct AuditRecord {
  std::string kind;       // AuditEvent.kind: "permission_denied", "login", ...
  std::string principal;  // Principal::id, or "" when unknown
  std::string via;
  std::string method;     // "/voc.v1.TrackingService/ResolveCase"
  std::string resource;   // "cases/42"
  std::string client_address;
  std::string detail;     // a short reason; never a secret or customer text
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Never fails the caller: a sink that cannot publish logs it.
  virtual void Record(const AuditRecord& record) = 0;
};

// Writes the log line only (tests; a process without Redis).
class LogAuditSink : public AuditSink {
 public:
  LogAuditSink(std::string service, const Clock& clock) : service_(std::move(service)), clock_(clock) {}
  void Record(const AuditRecord& record) override;

 protected:
  // The record as the audit table stores it: a fresh random id, the clock's
  // time and this service's name (the stream and identity's own table).
  v1::AuditEvent ToEvent(const AuditRecord& record) const;

  std::string service_;
  const Clock& clock_;
};

// The log line, then XADD voc.audit (event id: random, so identity stores a
// re-delivered entry once).
class StreamAuditSink final : public LogAuditSink {
 public:
  StreamAuditSink(std::string service, const Clock& clock, queue::RedisOptions redis);
  ~StreamAuditSink() override;
  void Record(const AuditRecord& record) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc::auth
