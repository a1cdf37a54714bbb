#include "services/verification/grpc_clients.h"

#include "common/util/time.h"

namespace voc::verification {
namespace {

// A deadline is a budget of real time for one call, not system time, so it is
// measured on the wall clock even when the service runs on a dev clock.
void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds deadline) {
  context.set_deadline(std::chrono::system_clock::now() + deadline);
}

std::string Describe(const grpc::Status& status) {
  return "gRPC " + std::to_string(static_cast<int>(status.error_code())) + ": " + status.error_message();
}

}  // namespace

TriageComplaintCounter::TriageComplaintCounter(std::shared_ptr<grpc::Channel> channel,
                                               std::chrono::milliseconds deadline)
    : stub_(v1::TriageService::NewStub(channel)), deadline_(deadline) {}

bool TriageComplaintCounter::Count(TimePoint start, TimePoint end, const std::string& topic,
                                   Counts* out, std::string* error) {
  v1::CountFeedbackRequest request;
  *request.mutable_start_time() = ToProto(start);
  *request.mutable_end_time() = ToProto(end);
  request.set_topic(topic);
  v1::CountFeedbackResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->CountFeedback(&context, request, &response);
  if (!status.ok()) {
    *error = "triage CountFeedback: " + Describe(status);
    return false;
  }
  out->topic_negative = response.topic_negative_count();
  out->negative = response.negative_count();
  return true;
}

TrackingProjectReopener::TrackingProjectReopener(std::shared_ptr<grpc::Channel> channel,
                                                 std::chrono::milliseconds deadline)
    : stub_(v1::TrackingService::NewStub(channel)), deadline_(deadline) {}

ProjectReopener::Outcome TrackingProjectReopener::Reopen(const std::string& project_name,
                                                         const std::string& evidence,
                                                         std::string* error) {
  v1::ReopenProjectRequest request;
  request.set_name(project_name);
  request.set_actor("system:verification");
  request.set_evidence(evidence);
  v1::Project response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->ReopenProject(&context, request, &response);
  if (status.ok()) return Outcome::kReopened;
  *error = "tracking ReopenProject: " + Describe(status);
  // Not closed (already reopened) or gone: reopening again would be wrong.
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
      status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return Outcome::kNotClosed;
  }
  return Outcome::kRetryLater;
}

IngestFeedbackLookup::IngestFeedbackLookup(std::shared_ptr<grpc::Channel> channel,
                                           std::chrono::milliseconds deadline)
    : stub_(v1::IngestService::NewStub(channel)), deadline_(deadline) {}

FeedbackLookup::Outcome IngestFeedbackLookup::Get(const std::string& feedback_id, v1::Feedback* out,
                                                  std::string* error) {
  v1::GetFeedbackRequest request;
  request.set_name("feedback/" + feedback_id);
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->GetFeedback(&context, request, out);
  if (status.ok()) return Outcome::kFound;
  *error = "ingest GetFeedback: " + Describe(status);
  return status.error_code() == grpc::StatusCode::NOT_FOUND ? Outcome::kNotFound : Outcome::kRetryLater;
}

}  // namespace voc::verification
