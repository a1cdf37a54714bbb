// The outbox relay: the only writer of voc:feedback. A submission stores the
// feedback (queued_ms NULL) and wakes the relay; the relay appends every
// stored-but-unqueued row to the stream in pipelined batches and only then
// sets queued_ms. When Redis is down the rows wait in the table and the
// relay retries every `interval`, so nothing stored is left unprocessed.
//
// Replicas sharing one PostgreSQL database each run a relay: a batch's rows
// are locked from the claim until they are marked and the others skip them
// (FOR UPDATE SKIP LOCKED, common/storage/outbox.h), so each row is appended
// by one relay. Rows Redis did not accept stay unqueued for the next pass.
//
// Delivery is still at-least-once: a crash between the XADD and the UPDATE
// appends a feedback again on the next pass; triage's handler is idempotent
// on feedback_id.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/queue/stream.h"
#include "services/ingest/store/ingest_store.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

// Where relayed feedback goes. Called from the relay thread only.
class FeedbackPublisher {
 public:
  virtual ~FeedbackPublisher() = default;
  // Appends the batch in order; returns how many of the first items were
  // appended (0 when the queue is unreachable).
  virtual std::size_t Publish(const std::vector<voc::v1::Feedback>& batch) = 0;
};

// voc:feedback on Redis: fields feedback_id and payload (serialized Feedback).
class RedisFeedbackPublisher final : public FeedbackPublisher {
 public:
  explicit RedisFeedbackPublisher(voc::queue::RedisOptions options);
  std::size_t Publish(const std::vector<voc::v1::Feedback>& batch) override;

 private:
  voc::queue::StreamProducer producer_;
};

struct RelayOptions {
  // How often unqueued rows are retried when nothing wakes the relay
  // (`services.ingest.relay_interval_ms`). Real time, not the injected
  // clock: it paces retries against Redis, it is no business deadline.
  std::chrono::milliseconds interval{1000};
  // Rows per pipelined XADD round trip (`services.ingest.relay_batch_size`).
  int batch_size = 200;
};

class OutboxRelay {
 public:
  OutboxRelay(IngestStore& store, FeedbackPublisher& publisher, const Clock& clock,
              RelayOptions options = {});
  ~OutboxRelay();  // stops the thread

  // Starts the background thread: one pass at once, then one per interval
  // and one after each Notify().
  void Start();
  // Finishes the pass in progress and joins the thread. Idempotent.
  void Stop();
  // Asks for a pass soon (after a submission stored new rows). Cheap and
  // thread-safe. After a failed pass the relay waits out the interval
  // instead, so a Redis outage does not turn every RPC into a retry.
  void Notify();

  // Relays until no unqueued rows are left or a publish fails. Returns how
  // many rows were queued. Called by the thread; public for tests.
  std::size_t RelayPending();
  bool last_pass_failed() const {
    std::lock_guard lock(mu_);
    return last_pass_failed_;
  }

 private:
  void Loop();

  IngestStore& store_;
  FeedbackPublisher& publisher_;
  const Clock& clock_;
  RelayOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  bool last_pass_failed_ = false;
  std::thread thread_;
};

}  // namespace voc::ingest
