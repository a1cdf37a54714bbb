#include "services/verification/verification_consumer.h"

#include "common/status/status.h"

namespace voc::verification {
namespace {

const std::string* Field(const queue::StreamMessage& message, const char* name) {
  auto it = message.fields.find(name);
  return it == message.fields.end() ? nullptr : &it->second;
}

}  // namespace

absl::Status VerificationConsumer::HandleTracking(const queue::StreamMessage& message) {
  const std::string* event = Field(message, "event");
  const std::string* payload = Field(message, "payload");
  if (event == nullptr || payload == nullptr) {
    return status::InvalidArgument("message", "tracking message without event or payload");
  }
  if (*event == "project_closed" || *event == "project_reopened") {
    v1::Project project;
    if (!project.ParseFromString(*payload)) {
      return status::InvalidArgument("payload", "not a voc.v1.Project");
    }
    return *event == "project_closed" ? service_.OnProjectClosed(project)
                                      : service_.OnProjectReopened(project);
  }
  if (*event == "case_resolved") {
    v1::Case resolved;
    if (!resolved.ParseFromString(*payload)) return status::InvalidArgument("payload", "not a voc.v1.Case");
    return service_.OnCaseResolved(resolved);
  }
  return absl::OkStatus();  // other events are not ours
}

absl::Status VerificationConsumer::HandleTriaged(const queue::StreamMessage& message) {
  const std::string* payload = Field(message, "payload");
  if (payload == nullptr) return status::InvalidArgument("payload", "triaged message without payload");
  v1::TriagedFeedback triaged;
  if (!triaged.ParseFromString(*payload)) {
    return status::InvalidArgument("payload", "not a voc.v1.TriagedFeedback");
  }
  return service_.OnTriaged(triaged);
}

}  // namespace voc::verification
