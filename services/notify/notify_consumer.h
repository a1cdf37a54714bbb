// Reads voc.notify.requests in batches: each read is expanded and stored in
// one transaction (requests and deliveries), and only then acked by the
// stream consumer, so a request acked is a request stored. A redelivered
// entry finds its id stored and adds nothing.
#pragma once

#include <absl/status/status.h>

#include <vector>

#include "common/clock/clock.h"
#include "common/queue/stream.h"
#include "services/notify/expander.h"
#include "services/notify/store/notify_store.h"

namespace voc::notify {

// INVALID_ARGUMENT naming the field for an entry that is not a request.
absl::StatusOr<v1::NotificationRequest> ParseRequestEntry(const queue::StreamMessage& message);

class NotifyConsumer {
 public:
  NotifyConsumer(NotifyStore& store, const Expander& expander, const Clock& clock)
      : store_(store), expander_(expander), clock_(clock) {}

  // One status per message (queue::StreamBatchHandler): a malformed entry
  // INVALID_ARGUMENT (dead-lettered), the database being down UNAVAILABLE
  // for every well-formed one (retried).
  std::vector<absl::Status> HandleBatch(const std::vector<queue::StreamMessage>& batch);

 private:
  NotifyStore& store_;
  const Expander& expander_;
  const Clock& clock_;
};

}  // namespace voc::notify
