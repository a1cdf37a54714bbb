#include "services/assignment/assignment_consumer.h"

#include "common/log/log.h"

namespace voc::assignment {
namespace {

// The triaged feedback a message carries, or why it carries none.
absl::StatusOr<v1::TriagedFeedback> Parse(const queue::StreamMessage& message) {
  const auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload");
  v1::TriagedFeedback triaged;
  if (!triaged.ParseFromString(payload->second)) {
    return absl::DataLossError("payload is not a voc.v1.TriagedFeedback");
  }
  return triaged;
}

}  // namespace

absl::Status AssignmentConsumer::Handle(const queue::StreamMessage& message) {
  return HandleBatch({message}).front();
}

std::vector<absl::Status> AssignmentConsumer::HandleBatch(
    const std::vector<queue::StreamMessage>& messages) {
  std::vector<absl::Status> results(messages.size());
  std::vector<absl::StatusOr<v1::TriagedFeedback>> parsed;
  parsed.reserve(messages.size());
  std::vector<const v1::TriagedFeedback*> batch;
  std::vector<std::size_t> batch_index;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    parsed.push_back(Parse(messages[i]));
    if (!parsed.back().ok()) {
      results[i] = parsed.back().status();
      continue;
    }
    batch.push_back(&*parsed.back());
    batch_index.push_back(i);
  }
  const std::vector<absl::Status> handled = service_.HandleBatch(batch);
  for (std::size_t k = 0; k < batch.size(); ++k) results[batch_index[k]] = handled[k];
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (results[i].ok()) continue;
    const std::string feedback_id = parsed[i].ok() ? parsed[i]->feedback().id() : "";
    log::Warn("assignment_failed", {{"feedback_id", feedback_id},
                                    {"message_id", messages[i].id},
                                    {"code", absl::StatusCodeToString(results[i].code())},
                                    {"error", std::string(results[i].message())}});
  }
  return results;
}

}  // namespace voc::assignment
