#include "services/assignment/assignment_consumer.h"

#include "common/log/log.h"

namespace voc::assignment {

absl::Status AssignmentConsumer::Handle(const queue::StreamMessage& message) {
  const auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload");
  v1::TriagedFeedback triaged;
  if (!triaged.ParseFromString(payload->second)) {
    return absl::DataLossError("payload is not a voc.v1.TriagedFeedback");
  }
  const absl::Status handled = service_.Handle(triaged);
  if (!handled.ok()) {
    log::Warn("assignment_failed", {{"feedback_id", triaged.feedback().id()},
                                    {"code", absl::StatusCodeToString(handled.code())},
                                    {"error", std::string(handled.message())}});
  }
  return handled;
}

}  // namespace voc::assignment
