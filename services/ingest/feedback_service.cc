#include "services/ingest/feedback_service.h"

#include "common/log/log.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "services/ingest/outbox_relay.h"

namespace voc::ingest {

std::string FeedbackIdFor(voc::v1::Channel channel, const std::string& external_id) {
  return StableId(ChannelName(channel) + ":" + external_id);
}

FeedbackService::FeedbackService(IngestStore& store, const Clock& clock,
                                 FeedbackValidator validator, OutboxRelay* relay)
    : store_(store), clock_(clock), validator_(std::move(validator)), relay_(relay) {}

SubmitOutcome FeedbackService::Submit(voc::v1::Feedback feedback) {
  std::vector<voc::v1::Feedback> one;
  one.push_back(std::move(feedback));
  return std::move(SubmitBatch(std::move(one)).front());
}

std::vector<SubmitOutcome> FeedbackService::SubmitBatch(std::vector<voc::v1::Feedback> feedbacks) {
  std::vector<SubmitOutcome> outcomes(feedbacks.size());
  std::vector<voc::v1::Feedback> to_store;
  std::vector<std::size_t> stored_index;  // to_store[i] answers outcomes[stored_index[i]]
  const auto received = ToProto(clock_.Now());

  for (std::size_t i = 0; i < feedbacks.size(); ++i) {
    auto& feedback = feedbacks[i];
    if (auto error = validator_.Validate(feedback)) {
      outcomes[i].error = std::move(error);
      continue;
    }
    feedback.set_id(FeedbackIdFor(feedback.channel(), feedback.external_id()));
    feedback.set_name("feedback/" + feedback.id());
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
  if (to_store.empty()) return outcomes;

  auto results = store_.InsertOrGet(to_store);
  bool stored_new = false;
  for (std::size_t j = 0; j < results.size(); ++j) {
    auto& outcome = outcomes[stored_index[j]];
    outcome.feedback = std::move(results[j].feedback);
    outcome.duplicate = results[j].duplicate;
    stored_new = stored_new || !outcome.duplicate;
    voc::log::Info(outcome.duplicate ? "feedback_duplicate" : "feedback_stored",
                   {{"feedback_id", outcome.feedback.id()},
                    {"channel", ChannelName(outcome.feedback.channel())}});
  }
  if (stored_new && relay_ != nullptr) relay_->Notify();
  return outcomes;
}

}  // namespace voc::ingest
