// The ingest logic without gRPC: validate, assign id and times, store
// durably, wake the outbox relay. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/ingest/feedback_validator.h"
#include "services/ingest/store/ingest_store.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

class OutboxRelay;

struct SubmitOutcome {
  // Set when the feedback was rejected; nothing was stored then.
  std::optional<FieldError> error;
  // The stored feedback (valid only without error).
  voc::v1::Feedback feedback;
  bool duplicate = false;
};

class FeedbackService {
 public:
  // `relay` may be null (tests without a queue); otherwise it is woken
  // after every submission that stored something new.
  FeedbackService(IngestStore& store, const Clock& clock, FeedbackValidator validator,
                  OutboxRelay* relay);

  // Validates and stores one feedback; returns after the row is committed.
  // The id is StableId("<channel>:<external_id>"), received_time is now and
  // occurred_time defaults to it. A (channel, external_id) seen before
  // yields the stored feedback with duplicate = true and is not queued
  // again. Throws on a storage failure.
  SubmitOutcome Submit(voc::v1::Feedback feedback);

  // Each item is validated on its own; the valid ones are stored in one
  // transaction. Results are in input order. Throws on a storage failure
  // (then nothing of the batch is stored).
  std::vector<SubmitOutcome> SubmitBatch(std::vector<voc::v1::Feedback> feedbacks);

  std::optional<voc::v1::Feedback> Get(const std::string& id) { return store_.Get(id); }
  std::vector<voc::v1::Feedback> List(const FeedbackFilter& filter, int limit, long offset) {
    return store_.List(filter, limit, offset);
  }

  const FeedbackValidator& validator() const { return validator_; }

  // The most a batch may hold.
  static constexpr int kMaxBatchSize = 1000;

 private:
  IngestStore& store_;
  const Clock& clock_;
  FeedbackValidator validator_;
  OutboxRelay* relay_;
};

// The id ingest assigns to (channel, external_id).
std::string FeedbackIdFor(voc::v1::Channel channel, const std::string& external_id);

}  // namespace voc::ingest
