// voc-identity's own security events (logins, logouts, account and key
// changes): the structured log line, then a row of audit_events directly (no
// round trip through voc.audit). A store error is logged, never returned:
// auditing must not fail the login it records.
#pragma once

#include "common/auth/audit.h"
#include "services/identity/store/identity_store.h"

namespace voc::identity {

class TableAuditSink final : public auth::LogAuditSink {
 public:
  TableAuditSink(IdentityStore& store, const Clock& clock) : LogAuditSink("identity", clock), store_(store) {}
  void Record(const auth::AuditRecord& record) override;

 private:
  IdentityStore& store_;
};

}  // namespace voc::identity
