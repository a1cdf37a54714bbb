#include "services/identity/audit_table_sink.h"

#include "common/log/log.h"

namespace voc::identity {

void TableAuditSink::Record(const auth::AuditRecord& r) {
  LogAuditSink::Record(r);
  if (auto stored = store_.InsertAuditEvents({ToEvent(r)}); !stored.ok()) {
    log::Warn("audit_event_not_stored", {{"kind", r.kind}, {"error", std::string(stored.status().message())}});
  }
}

}  // namespace voc::identity
