// Sends due deliveries through their channels, one at a time, and records
// each try: delivered; a retryable error (channel.h) tried again after an
// exponential back-off with jitter; a permanent error, or the last allowed
// try failing, ends in the failed state with the last error. Final states
// are then published to voc.notify.outcomes (an outbox: the row is marked
// once Redis took it, so a crash publishes it again, never loses it).
//
// Crash safety: the due deliveries of a pass are claimed (their attempts
// counted, their next try moved a lease ahead, one transaction) before any
// is sent, and each outcome is stored right after its send, so a SIGKILL
// leaves only the message in flight sent-but-unrecorded: after the lease it
// is sent once more; the claimed-but-unsent ones are simply sent then.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/store/notify_store.h"

namespace voc::notify {

struct RetryPolicy {
  int max_attempts = 6;                          // then failed
  std::chrono::milliseconds initial{2000};       // the wait after the first failure
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{600000};
  double jitter = 0.2;                           // the wait is scaled by a factor in [1 - j, 1 + j]
  std::chrono::milliseconds lease{60000};        // how long a claimed delivery is left alone
};

// The wait before try `attempt + 1` after try `attempt` (1-based) failed;
// `random01` is in [0, 1).
std::chrono::milliseconds BackoffAfter(int attempt, const RetryPolicy& policy, double random01);

// Whether a channel's error may go away on a later try (channel.h).
bool IsRetryable(const absl::Status& status);

// Where final states go (voc.notify.outcomes in production). Returns how
// many of the prefix were taken.
class OutcomeSink {
 public:
  virtual ~OutcomeSink() = default;
  virtual std::size_t Publish(const std::vector<v1::DeliveryOutcome>& outcomes) = 0;
};

struct PassReport {
  int delivered = 0;
  int retried = 0;
  int failed = 0;
  int outcomes_published = 0;
};

// Thread safety: one RunOnce at a time per worker; several workers (or
// replicas) may share the store: claims decide who sends.
class DeliveryWorker {
 public:
  DeliveryWorker(NotifyStore& store, const DeliveryChannels& channels, const Clock& clock,
                 std::function<double()> random01, RetryPolicy policy, OutcomeSink* outcomes)
      : store_(store), channels_(channels), clock_(clock), random01_(std::move(random01)),
        policy_(policy), outcomes_(outcomes) {}

  // Sends up to `limit` due deliveries, then publishes final states.
  absl::StatusOr<PassReport> RunOnce(int limit = 256);

 private:
  std::int64_t NowMs() const;
  // Sends a delivery this worker claimed and records the outcome.
  absl::Status SendClaimed(const DeliveryRecord& delivery, PassReport* report);
  absl::Status PublishOutcomes(PassReport* report);

  NotifyStore& store_;
  const DeliveryChannels& channels_;
  const Clock& clock_;
  std::function<double()> random01_;
  RetryPolicy policy_;
  OutcomeSink* outcomes_;
};

}  // namespace voc::notify
