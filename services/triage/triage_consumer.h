// TriageConsumer: the queue side of triage. Consumes voc:feedback in
// batches (queue::StreamBatchHandler: one read of the stream at a time),
// asks TriageService to triage the batch (analysed, then stored in one
// transaction), and publishes the results to voc:triaged for assignment and
// verification in one pipelined round trip. The stream consumer acks the
// OK ones after this returns, i.e. after the commit and the publish.
// At-least-once: a redelivered feedback finds its stored result and is
// published again; downstream handlers are idempotent. Several replicas
// share the consumer group "triage" (see TriageProcessor).
//
// What happens to a message is the status Handle returns, mapped once by
// queue::DispositionOf: a database or queue outage (UNAVAILABLE) is retried
// for as long as it lasts and never dead-lettered; a message that is not a
// feedback (INVALID_ARGUMENT) is dead-lettered after max_deliveries.
#pragma once

#include <absl/status/status.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/queue/stream.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/ports.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_service.h"

namespace voc::triage {

// At start: replays the stored negative feedback of the days the detector
// keeps (WeakSignalDetector::KeptDays(), 36 by default, up to `now_ms` plus a
// day for clocks ahead) into its daily series. Returns the documents replayed.
absl::StatusOr<std::size_t> RestoreSignalHistory(TriageStore& store, WeakSignalDetector& signals,
                                                 std::int64_t now_ms);

class TriageConsumer {
 public:
  TriageConsumer(TriageService& service, TriagedPublisher& publisher, queue::RedisOptions redis,
                 queue::ConsumerOptions consumer);

  // The handler, public for tests: parse -> triage -> publish, one status
  // per message in order. A message that is not a feedback fails alone
  // (INVALID_ARGUMENT); a storage outage fails the batch (UNAVAILABLE); a
  // short publish fails the messages not published (UNAVAILABLE).
  std::vector<absl::Status> HandleBatch(const std::vector<queue::StreamMessage>& messages);
  // One message (HandleBatch of one).
  absl::Status Handle(const queue::StreamMessage& message);

  void Run() { consumer_.Run(); }
  void Stop() { consumer_.Stop(); }
  int PollOnce() { return consumer_.PollOnce(); }

 private:
  TriageService& service_;
  TriagedPublisher& publisher_;
  queue::StreamConsumer consumer_;
};

}  // namespace voc::triage
