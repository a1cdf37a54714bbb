// TriageWorker: the queue side of triage. Consumes voc:feedback, runs the
// processor, and publishes the result to voc:triaged for assignment and
// verification. At-least-once: a redelivered feedback finds its stored
// result and is published again; downstream handlers are idempotent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/queue/stream.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"

namespace voc::triage {

// At start: replays the stored negative feedback of the days the detector
// keeps (WeakSignalDetector::KeptDays(), 36 by default, up to `now_ms` plus a
// day for clocks ahead) into its daily series. Returns the documents replayed.
std::size_t RestoreSignalHistory(TriageStore& store, WeakSignalDetector& signals, std::int64_t now_ms);

class TriageWorker {
 public:
  // `signals` may be null.
  TriageWorker(TriageProcessor& processor, WeakSignalDetector* signals, queue::RedisOptions redis,
               queue::ConsumerOptions consumer);

  // The handler, public for tests: parse, process, publish.
  absl::Status Handle(const queue::StreamMessage& message);

  void Run() { consumer_.Run(); }
  void Stop() { consumer_.Stop(); }
  int PollOnce() { return consumer_.PollOnce(); }

 private:
  TriageProcessor& processor_;
  WeakSignalDetector* signals_;
  queue::StreamProducer producer_;
  queue::StreamConsumer consumer_;
};

}  // namespace voc::triage
