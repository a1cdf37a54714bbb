#include "services/verification/grpc_clients.h"

#include "common/util/time.h"

namespace voc::verification {
namespace {

// A deadline is a budget of real time for one call, not system time, so it is
// measured on the wall clock even when the service runs on a dev clock.
void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds deadline) {
  context.set_deadline(std::chrono::system_clock::now() + deadline);
}

// gRPC and abseil share the canonical code numbers.
absl::Status FromGrpc(const grpc::Status& status, const char* call) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      std::string(call) + ": " + status.error_message());
}

}  // namespace

TriageComplaintCounter::TriageComplaintCounter(std::shared_ptr<grpc::Channel> channel,
                                               std::chrono::milliseconds deadline)
    : stub_(v1::TriageService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<ComplaintCounter::Counts> TriageComplaintCounter::Count(TimePoint start, TimePoint end,
                                                                       const std::string& topic) {
  v1::CountFeedbackRequest request;
  *request.mutable_start_time() = ToProto(start);
  *request.mutable_end_time() = ToProto(end);
  request.set_topic(topic);
  v1::CountFeedbackResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->CountFeedback(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "triage CountFeedback");
  return Counts{response.topic_negative_count(), response.negative_count()};
}

TrackingProjectReopener::TrackingProjectReopener(std::shared_ptr<grpc::Channel> channel,
                                                 std::chrono::milliseconds deadline)
    : stub_(v1::TrackingService::NewStub(channel)), deadline_(deadline) {}

absl::Status TrackingProjectReopener::Reopen(const std::string& project_name,
                                             const std::string& evidence) {
  v1::ReopenProjectRequest request;
  request.set_name(project_name);
  request.set_actor("system:verification");
  request.set_evidence(evidence);
  v1::Project response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->ReopenProject(&context, request, &response);
  if (status.ok()) return absl::OkStatus();
  return FromGrpc(status, "tracking ReopenProject");
}

}  // namespace voc::verification
