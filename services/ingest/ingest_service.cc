#include "services/ingest/ingest_service.h"

#include <google/protobuf/unknown_field_set.h>

#include <utility>

#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/limits.h"
#include "proto/api/resource_names.h"

namespace voc::ingest {

std::string FeedbackIdFor(v1::Channel channel, const std::string& external_id) {
  return StableId(api::ChannelName(channel) + ":" + external_id);
}

absl::Status CheckBatchSize(std::size_t items) {
  if (items <= api::kMaxBatchSize) return absl::OkStatus();
  return status::InvalidArgument("feedbacks", std::to_string(items) + " items exceed the limit of " +
                                                  std::to_string(api::kMaxBatchSize) + " per batch");
}

IngestService::IngestService(IngestStore& store, const Clock& clock, FeedbackValidator validator,
                             storage::OutboxRelay* relay, GroupCommitOptions group_commit)
    : store_(store),
      clock_(clock),
      validator_(std::move(validator)),
      relay_(relay),
      committer_(std::make_unique<GroupCommitter<v1::Feedback, SubmitResult>>(
          group_commit, [this](std::vector<v1::Feedback>& group) { return CommitGroup(group); })) {}

// The committer goes first: it answers what is queued through the store.
IngestService::~IngestService() { committer_.reset(); }

namespace {

void DropUnknownFields(google::protobuf::Message& message) {
  const auto* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) reflection->MutableUnknownFields(&message)->Clear();
}

}  // namespace

absl::Status IngestService::Prepare(v1::Feedback& feedback, const google::protobuf::Timestamp& received) const {
  VOC_RETURN_IF_ERROR(validator_.Validate(feedback));
  // What is answered and relayed is what is stored: no fields this version
  // does not know, times in whole milliseconds (the columns' precision), so
  // the relay's copy from memory and one read back from the table agree.
  // (Only these two messages can carry any; DiscardUnknownFields() would
  // walk every field through reflection.)
  DropUnknownFields(feedback);
  if (feedback.has_customer()) DropUnknownFields(*feedback.mutable_customer());
  feedback.set_id(FeedbackIdFor(feedback.channel(), feedback.external_id()));
  feedback.set_name(api::ResourceName(api::kFeedback, feedback.id()));
  *feedback.mutable_received_time() = received;
  // Stored rows cannot tell an empty customer from none: answer the same
  // way on the first submission as on a duplicate.
  if (const auto& c = feedback.customer(); feedback.has_customer() && c.id().empty() && c.value_tier().empty() &&
                                            c.account_manager().empty() && c.store().empty() && c.region().empty()) {
    feedback.clear_customer();
  }
  if (!feedback.has_occurred_time() || IsUnset(feedback.occurred_time())) {
    *feedback.mutable_occurred_time() = received;
  } else {
    *feedback.mutable_occurred_time() = MillisToProto(ProtoToMillis(feedback.occurred_time()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoreResult>> IngestService::Store(std::vector<v1::Feedback>& prepared) {
  VOC_ASSIGN_OR_RETURN(auto stored, store_.InsertOrGet(prepared));
  bool stored_new = false;
  const bool debug = log::DebugEnabled();
  for (const auto& result : stored) {
    stored_new = stored_new || !result.duplicate;
    // Per feedback at debug level only: at thousands a second the counters
    // (metrics) tell the story, a line each would cost more than the insert
    // (and so would building its fields when the line is dropped).
    if (!debug) continue;
    log::Debug(result.duplicate ? "feedback_duplicate" : "feedback_stored",
               {{"feedback_id", result.feedback.id()}, {"channel", api::ChannelName(result.feedback.channel())}});
  }
  if (stored_new && relay_ != nullptr) relay_->Notify();
  return stored;
}

absl::StatusOr<std::vector<absl::StatusOr<SubmitResult>>> IngestService::CommitGroup(
    std::vector<v1::Feedback>& group) {
  std::vector<absl::StatusOr<SubmitResult>> results;
  results.reserve(group.size());
  auto stored = Store(group);
  if (stored.ok()) {
    for (auto& one : *stored) results.push_back(SubmitResult{std::move(one.feedback), one.duplicate});
    return results;
  }
  // An outage fails the whole group; anything else may be one item's fault.
  if (absl::IsUnavailable(stored.status()) || group.size() == 1) return stored.status();
  for (auto& feedback : group) {
    std::vector<v1::Feedback> one;
    one.push_back(std::move(feedback));
    auto alone = Store(one);
    if (!alone.ok()) {
      results.push_back(alone.status());
      continue;
    }
    results.push_back(SubmitResult{std::move(alone->front().feedback), alone->front().duplicate});
  }
  return results;
}

void IngestService::SubmitAsync(v1::Feedback feedback, SubmitDone done) {
  if (absl::Status invalid = Prepare(feedback, MillisToProto(ToMillis(clock_.Now()))); !invalid.ok()) {
    done(std::move(invalid));
    return;
  }
  committer_->Submit(std::move(feedback), std::move(done));
}

absl::StatusOr<SubmitResult> IngestService::Submit(v1::Feedback feedback) {
  VOC_RETURN_IF_ERROR(Prepare(feedback, MillisToProto(ToMillis(clock_.Now()))));
  return committer_->SubmitAndWait(std::move(feedback));
}

absl::StatusOr<std::vector<absl::StatusOr<SubmitResult>>> IngestService::SubmitBatch(
    std::vector<v1::Feedback> feedbacks) {
  VOC_RETURN_IF_ERROR(CheckBatchSize(feedbacks.size()));
  std::vector<absl::StatusOr<SubmitResult>> results(feedbacks.size());
  std::vector<v1::Feedback> to_store;
  std::vector<std::size_t> stored_index;  // to_store[i] answers results[stored_index[i]]
  to_store.reserve(feedbacks.size());
  stored_index.reserve(feedbacks.size());
  const auto received = MillisToProto(ToMillis(clock_.Now()));

  for (std::size_t i = 0; i < feedbacks.size(); ++i) {
    if (absl::Status invalid = Prepare(feedbacks[i], received); !invalid.ok()) {
      results[i] = std::move(invalid);
      continue;
    }
    to_store.push_back(std::move(feedbacks[i]));
    stored_index.push_back(i);
  }
  if (to_store.empty()) return results;

  VOC_ASSIGN_OR_RETURN(auto stored, Store(to_store));
  for (std::size_t j = 0; j < stored.size(); ++j) {
    results[stored_index[j]] = SubmitResult{std::move(stored[j].feedback), stored[j].duplicate};
  }
  return results;
}

absl::StatusOr<v1::Feedback> IngestService::GetFeedback(std::string_view name) {
  const std::string id = api::IdFromName(name, api::kFeedback);
  if (id.empty()) return status::InvalidArgument("name", "expected \"feedback/{id}\"");
  VOC_ASSIGN_OR_RETURN(auto feedback, store_.Get(id));
  if (!feedback) return status::NotFound(api::ResourceName(api::kFeedback, id));
  return std::move(*feedback);
}

absl::StatusOr<v1::ListFeedbackResponse> IngestService::ListFeedback(const v1::ListFeedbackRequest& request) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  if (!v1::Channel_IsValid(request.channel())) {
    return status::InvalidArgument("channel", "unknown channel " + std::to_string(request.channel()));
  }
  std::optional<FeedbackCursor> after;
  if (page.after) after = FeedbackCursor{page.after->after_key, page.after->after_id};
  const FeedbackFilter filter{request.customer_id(), request.channel()};
  VOC_ASSIGN_OR_RETURN(auto feedbacks, store_.List(filter, page.size, after));

  v1::ListFeedbackResponse response;
  for (auto& feedback : feedbacks) *response.add_feedbacks() = std::move(feedback);
  if (response.feedbacks_size() > 0) {
    const v1::Feedback& last = response.feedbacks(response.feedbacks_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(
        request, page, response.feedbacks_size(), rpc::PageCursor{ProtoToMillis(last.received_time()), last.id()}));
  }
  return response;
}

}  // namespace voc::ingest
