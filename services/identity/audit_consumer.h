// Other services' security events (issue 9): common/auth's StreamAuditSink
// appends them to voc.audit (field `event`, a serialised v1::AuditEvent);
// voc-identity reads the stream in group "identity" and stores each batch in
// one transaction. Idempotent: an event id is stored once, so a redelivered
// entry changes nothing.
#pragma once

#include <absl/status/status.h>

#include <vector>

#include "common/queue/stream.h"
#include "services/identity/store/identity_store.h"

namespace voc::identity {

inline constexpr char kAuditGroup[] = "identity";

class AuditConsumer {
 public:
  explicit AuditConsumer(IdentityStore& store) : store_(store) {}
  // One status per message: INVALID_ARGUMENT for an entry without a
  // readable `event` (dead-lettered), the store's status for the others.
  std::vector<absl::Status> HandleBatch(const std::vector<queue::StreamMessage>& batch);

 private:
  IdentityStore& store_;
};

}  // namespace voc::identity
