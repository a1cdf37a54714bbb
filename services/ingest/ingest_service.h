// The ingest logic without gRPC: validate, assign id and times, store
// durably, wake the outbox relay; and read stored feedback back. Errors are
// statuses (common/status/status.h): INVALID_ARGUMENT "field: problem" for
// bad input (nothing is stored then), NOT_FOUND naming the feedback, and the
// store's UNAVAILABLE / ABORTED / INTERNAL when the database failed.
// Thread-safe.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/outbox_relay.h"
#include "services/ingest/feedback_validator.h"
#include "services/ingest/store/ingest_store.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/ingest.pb.h"

namespace voc::ingest {

struct SubmitResult {
  // The stored feedback: the new row, or the one an earlier submission of
  // the same (channel, external_id) stored.
  v1::Feedback feedback;
  bool duplicate = false;
};

class IngestService {
 public:
  // `relay` may be null (tests without a queue); otherwise it is notified
  // after every submission that stored something new.
  IngestService(IngestStore& store, const Clock& clock, FeedbackValidator validator,
                storage::OutboxRelay* relay);

  // Validates and stores one feedback; returns after the row is committed.
  // The id is StableId("<channel>:<external_id>"), received_time is now and
  // occurred_time defaults to it. A (channel, external_id) seen before
  // yields the stored feedback with duplicate = true and is not queued
  // again.
  absl::StatusOr<SubmitResult> Submit(v1::Feedback feedback);

  // Each item is validated on its own (its own INVALID_ARGUMENT in the
  // result, in input order); the valid ones are stored in one transaction.
  // The outer status fails when the batch is too big (INVALID_ARGUMENT
  // naming feedbacks) or the store failed (then nothing of it is stored).
  absl::StatusOr<std::vector<absl::StatusOr<SubmitResult>>> SubmitBatch(std::vector<v1::Feedback> feedbacks);

  // `name` is "feedback/{id}" or the bare id.
  absl::StatusOr<v1::Feedback> GetFeedback(std::string_view name);

  // Newest first (received time, then id), filtered by customer and
  // channel, paged by opaque tokens (common/rpc/page_token.h) that carry
  // the last item's received time and id: a walk over the pages returns
  // each feedback once even while new feedback arrives.
  absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(const v1::ListFeedbackRequest& request);

  const FeedbackValidator& validator() const { return validator_; }

 private:
  IngestStore& store_;
  const Clock& clock_;
  FeedbackValidator validator_;
  storage::OutboxRelay* relay_;
};

// INVALID_ARGUMENT "feedbacks: N items exceed the limit of 1000 per batch"
// when `items` is over api::kMaxBatchSize. The gRPC adapter checks it before
// parsing the items, IngestService again.
absl::Status CheckBatchSize(std::size_t items);

// The id ingest assigns to (channel, external_id).
std::string FeedbackIdFor(v1::Channel channel, const std::string& external_id);

}  // namespace voc::ingest
