#include "services/ingest/ingest_service.h"

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
                             storage::OutboxRelay* relay)
    : store_(store), clock_(clock), validator_(std::move(validator)), relay_(relay) {}

absl::StatusOr<SubmitResult> IngestService::Submit(v1::Feedback feedback) {
  std::vector<v1::Feedback> one;
  one.push_back(std::move(feedback));
  VOC_ASSIGN_OR_RETURN(auto results, SubmitBatch(std::move(one)));
  return std::move(results.front());
}

absl::StatusOr<std::vector<absl::StatusOr<SubmitResult>>> IngestService::SubmitBatch(
    std::vector<v1::Feedback> feedbacks) {
  VOC_RETURN_IF_ERROR(CheckBatchSize(feedbacks.size()));
  std::vector<absl::StatusOr<SubmitResult>> results(feedbacks.size());
  std::vector<v1::Feedback> to_store;
  std::vector<std::size_t> stored_index;  // to_store[i] answers results[stored_index[i]]
  const auto received = ToProto(clock_.Now());

  for (std::size_t i = 0; i < feedbacks.size(); ++i) {
    auto& feedback = feedbacks[i];
    if (absl::Status invalid = validator_.Validate(feedback); !invalid.ok()) {
      results[i] = std::move(invalid);
      continue;
    }
    feedback.set_id(FeedbackIdFor(feedback.channel(), feedback.external_id()));
    feedback.set_name(api::ResourceName(api::kFeedback, feedback.id()));
    *feedback.mutable_received_time() = received;
    // Stored rows cannot tell an empty customer from none: answer the same
    // way on the first submission as on a duplicate.
    if (feedback.has_customer() && feedback.customer().ByteSizeLong() == 0) {
      feedback.clear_customer();
    }
    if (!feedback.has_occurred_time() || IsUnset(feedback.occurred_time())) {
      *feedback.mutable_occurred_time() = received;
    }
    to_store.push_back(std::move(feedback));
    stored_index.push_back(i);
  }
  if (to_store.empty()) return results;

  VOC_ASSIGN_OR_RETURN(auto stored, store_.InsertOrGet(to_store));
  bool stored_new = false;
  for (std::size_t j = 0; j < stored.size(); ++j) {
    SubmitResult result{std::move(stored[j].feedback), stored[j].duplicate};
    stored_new = stored_new || !result.duplicate;
    log::Info(result.duplicate ? "feedback_duplicate" : "feedback_stored",
              {{"feedback_id", result.feedback.id()}, {"channel", api::ChannelName(result.feedback.channel())}});
    results[stored_index[j]] = std::move(result);
  }
  if (stored_new && relay_ != nullptr) relay_->Notify();
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
