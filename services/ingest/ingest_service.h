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
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/outbox_relay.h"
#include "services/ingest/feedback_validator.h"
#include "services/ingest/group_commit.h"
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
  // after every commit that stored something new. Single submissions are
  // group-committed (group_commit.h) with `group_commit`.
  IngestService(IngestStore& store, const Clock& clock, FeedbackValidator validator,
                storage::OutboxRelay* relay, GroupCommitOptions group_commit = {});
  ~IngestService();

  // Validates and stores one feedback; returns after the row is committed.
  // The id is StableId("<channel>:<external_id>"), received_time is now and
  // occurred_time defaults to it. A (channel, external_id) seen before
  // yields the stored feedback with duplicate = true and is not queued
  // again. Concurrent calls share one transaction (group commit); each
  // still gets its own answer, and an invalid one fails before it joins.
  absl::StatusOr<SubmitResult> Submit(v1::Feedback feedback);

  // Submit without blocking the caller: `done` runs once the answer is
  // known - at once (on this thread) for invalid input, else on the group
  // committer's thread after the commit.
  using SubmitDone = std::function<void(absl::StatusOr<SubmitResult>)>;
  void SubmitAsync(v1::Feedback feedback, SubmitDone done);

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
  // Validates `feedback` and fills what ingest assigns (id, name, times).
  absl::Status Prepare(v1::Feedback& feedback, const google::protobuf::Timestamp& received) const;
  // Stores prepared feedback in one transaction and wakes the relay. The
  // items are moved into the results when stored, untouched on an error.
  absl::StatusOr<std::vector<StoreResult>> Store(std::vector<v1::Feedback>& prepared);
  // The group committer's commit: one transaction for the group; when that
  // fails for another reason than an outage, each item alone, so only the
  // item at fault fails.
  absl::StatusOr<std::vector<absl::StatusOr<SubmitResult>>> CommitGroup(std::vector<v1::Feedback>& group);

  IngestStore& store_;
  const Clock& clock_;
  FeedbackValidator validator_;
  storage::OutboxRelay* relay_;
  // Last: its thread commits through the members above.
  std::unique_ptr<GroupCommitter<v1::Feedback, SubmitResult>> committer_;
};

// INVALID_ARGUMENT "feedbacks: N items exceed the limit of 1000 per batch"
// when `items` is over api::kMaxBatchSize. The gRPC adapter checks it before
// parsing the items, IngestService again.
absl::Status CheckBatchSize(std::size_t items);

// The id ingest assigns to (channel, external_id).
std::string FeedbackIdFor(v1::Channel channel, const std::string& external_id);

}  // namespace voc::ingest
