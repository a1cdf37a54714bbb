#include "services/verification/goals/goal_figures_grpc.h"

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

TriageVoiceTrendSource::TriageVoiceTrendSource(std::shared_ptr<grpc::Channel> channel,
                                               std::chrono::milliseconds deadline)
    : stub_(v1::VoiceReportService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<v1::VoiceTrend> TriageVoiceTrendSource::GetVoiceTrend(const v1::VoiceFilter& filter) {
  v1::GetVoiceTrendRequest request;
  *request.mutable_filter() = filter;
  // Weekly points keep the answer small: a goal reads only the total.
  request.set_granularity(v1::REPORT_GRANULARITY_WEEK);
  v1::VoiceTrend response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->GetVoiceTrend(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "triage GetVoiceTrend");
  return response;
}

TrackingLoopReportSource::TrackingLoopReportSource(std::shared_ptr<grpc::Channel> channel,
                                                   std::chrono::milliseconds deadline)
    : stub_(v1::LoopReportService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<v1::LoopReport> TrackingLoopReportSource::GetLoopReport(const v1::GetLoopReportRequest& request) {
  v1::LoopReport response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  grpc::Status status = stub_->GetLoopReport(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "tracking GetLoopReport");
  return response;
}

}  // namespace voc::verification
