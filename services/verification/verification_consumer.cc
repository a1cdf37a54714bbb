#include "services/verification/verification_consumer.h"

#include "common/queue/disposition.h"
#include "common/queue/stream.h"
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

absl::Status VerificationConsumer::HandleOutreach(const queue::StreamMessage& message) {
  const std::string* event = Field(message, "event");
  if (event == nullptr || *event != queue::kCampaignVerdictEvent) return absl::OkStatus();  // not ours
  const std::string* payload = Field(message, "payload");
  if (payload == nullptr) return status::InvalidArgument("payload", "campaign_verdict message without payload");
  v1::CampaignVerdict verdict;
  if (!verdict.ParseFromString(*payload)) return status::InvalidArgument("payload", "not a voc.v1.CampaignVerdict");
  return service_.OnCampaignVerdict(verdict);
}

std::vector<absl::Status> VerificationConsumer::HandleOutreachBatch(const std::vector<queue::StreamMessage>& batch) {
  return HandleBatch(batch, &VerificationConsumer::HandleOutreach);
}

absl::Status VerificationConsumer::HandleNotifyOutcome(const queue::StreamMessage& message) {
  const std::string* event = Field(message, "event");
  if (event == nullptr || *event != kResurveyNotificationKind) return absl::OkStatus();  // not ours
  const std::string* request_id = Field(message, "request_id");
  const std::string* state = Field(message, "state");
  constexpr std::string_view kPrefix = "resurvey:";
  if (request_id == nullptr || request_id->rfind(kPrefix, 0) != 0 || request_id->size() == kPrefix.size()) {
    return status::InvalidArgument("request_id", "a re-survey outcome needs request_id \"resurvey:<id>\"");
  }
  if (state == nullptr || (*state != "delivered" && *state != "failed")) {
    return status::InvalidArgument("state", "a re-survey outcome needs state delivered or failed");
  }
  const std::string* error = Field(message, "last_error");
  return service_.OnInvitationOutcome(request_id->substr(kPrefix.size()), *state == "delivered",
                                      error == nullptr ? "" : *error);
}

std::vector<absl::Status> VerificationConsumer::HandleNotifyOutcomeBatch(
    const std::vector<queue::StreamMessage>& batch) {
  return HandleBatch(batch, &VerificationConsumer::HandleNotifyOutcome);
}

std::vector<absl::Status> VerificationConsumer::HandleTrackingBatch(const std::vector<queue::StreamMessage>& batch) {
  return HandleBatch(batch, &VerificationConsumer::HandleTracking);
}

std::vector<absl::Status> VerificationConsumer::HandleTriagedBatch(const std::vector<queue::StreamMessage>& batch) {
  return HandleBatch(batch, &VerificationConsumer::HandleTriaged);
}

std::vector<absl::Status> VerificationConsumer::HandleBatch(const std::vector<queue::StreamMessage>& batch,
                                                            Handle handle) {
  const absl::Status stored = service_.InOneTransaction([&] {
    for (const auto& message : batch) VOC_RETURN_IF_ERROR((this->*handle)(message));
    return absl::OkStatus();
  });
  if (stored.ok()) return std::vector<absl::Status>(batch.size(), absl::OkStatus());
  // Nothing of the batch was stored. An outage would meet every message:
  // the whole batch waits for the retry.
  if (queue::DispositionOf(stored) == queue::Disposition::kRetry) {
    return std::vector<absl::Status>(batch.size(), stored);
  }
  // One message failed: find it, one transaction per message; stop at an
  // outage (the consumer leaves that message and the later ones pending).
  std::vector<absl::Status> statuses;
  statuses.reserve(batch.size());
  for (const auto& message : batch) {
    if (!statuses.empty() && queue::DispositionOf(statuses.back()) == queue::Disposition::kRetry) {
      statuses.push_back(statuses.back());
    } else {
      statuses.push_back((this->*handle)(message));
    }
  }
  return statuses;
}

}  // namespace voc::verification
