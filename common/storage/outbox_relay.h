// The outbox relay, the same for every outbox (ingest's unqueued feedback,
// tracking's events): a change stores its row in the same transaction as the
// data, and the relay moves stored rows to the queue afterwards, batch by
// batch (common/storage/outbox.h says how a batch is claimed), so nothing is
// lost while the queue is down.
//
// It runs on a PeriodicWorker: a pass at start, one every `interval`, and one
// soon after Notify() (a change just stored rows). After a failed pass (the
// queue or the database is down) it waits out the interval instead of
// answering every Notify(), so an outage does not turn each request into a
// retry. Passes never overlap: RelayPending() from another thread (tracking
// relays right after each change) waits for the running one.
//
// Delivery stays at-least-once; consumers are idempotent.
//
// Metrics (common/metrics/loop_metrics.h), labelled with the outbox's name:
// rows published, passes failed, and the backlog when count_backlog is set.
#pragma once

#include <absl/status/statusor.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/metrics/registry.h"
#include "common/service/periodic_worker.h"
#include "common/storage/outbox.h"

namespace voc::storage {

struct OutboxRelayOptions {
  // For logs: "feedback", "tracking_events".
  std::string name = "outbox";
  // How often pending rows are retried when nothing wakes the relay. Real
  // time, not the injected clock: it paces retries against the queue, it is
  // no business deadline. <= 0 turns the background loop off (RelayPending()
  // still works).
  std::chrono::milliseconds interval{1000};
  // Rows per batch (one pipelined round trip to the queue).
  int batch_size = 200;
  // Counts the rows stored and not yet queued (a store's CountUnqueued), for
  // the voc_outbox_backlog gauge at scrape time; unset: no gauge.
  std::function<absl::StatusOr<std::int64_t>()> count_backlog;
};

class OutboxRelay {
 public:
  // Relays one batch of at most `batch_size` rows: claims, publishes, marks
  // (usually a store method bound to a queue::Publisher). UNAVAILABLE or any
  // error ends the pass; published < claimed means the queue refused the rest.
  using RelayBatch = std::function<absl::StatusOr<OutboxBatch>(int batch_size)>;

  OutboxRelay(OutboxRelayOptions options, RelayBatch relay_batch);
  ~OutboxRelay();  // Stop()s
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Starts the background loop. Idempotent.
  void Start();
  // Finishes the pass in progress and stops the loop. Idempotent.
  void Stop();
  // Asks for a pass soon. Cheap and thread-safe; ignored while the last pass
  // failed (the interval paces retries then).
  void Notify();

  // Relays batch after batch until nothing is pending, a batch comes back
  // short, or a batch fails. Returns the rows published. Thread-safe.
  std::size_t RelayPending();
  bool last_pass_failed() const { return last_pass_failed_.load(); }

 private:
  void BackgroundPass();

  OutboxRelayOptions options_;
  RelayBatch relay_batch_;
  std::mutex pass_mu_;  // one pass at a time
  std::atomic<bool> last_pass_failed_{false};
  bool failure_logged_ = false;  // guarded by pass_mu_: log an outage once, and its end
  metrics::Counter& rows_published_;
  metrics::Counter& passes_failed_;
  metrics::CollectorHandle backlog_gauge_;  // before worker_: unregistered after the worker stops
  PeriodicWorker worker_;
};

}  // namespace voc::storage
