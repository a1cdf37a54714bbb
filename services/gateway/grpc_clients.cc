#include "services/gateway/grpc_clients.h"

#include "common/util/time.h"

namespace voc::gateway {
namespace {

// gRPC and abseil share the canonical code numbers; the message is passed on
// as the service wrote it (it names the field or resource).
absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

GrpcBackend::GrpcBackend(GrpcBackendOptions options, const Clock& wall_clock)
    : options_(std::move(options)),
      wall_clock_(wall_clock),
      tracking_(v1::TrackingService::NewStub(options_.tracking)),
      ingest_(v1::IngestService::NewStub(options_.ingest)),
      dev_clock_(v1::DevClockService::NewStub(options_.tracking)),
      tasks_(v1::CaseTaskService::NewStub(options_.tracking)),
      projects_(v1::ProjectWorkflowService::NewStub(options_.tracking)) {
  if (options_.triage) triage_ = v1::TriageService::NewStub(options_.triage);
  if (options_.verification) verification_ = v1::VerificationService::NewStub(options_.verification);
  if (options_.notify) notify_ = v1::NotifyService::NewStub(options_.notify);
}

template <typename Response, typename Stub, typename Request, typename Rpc>
absl::StatusOr<Response> GrpcBackend::Call(Stub* stub, const char* service, Rpc rpc,
                                           const Request& request) const {
  if (stub == nullptr) return absl::UnavailableError(std::string(service) + " is not configured");
  grpc::ClientContext context;
  // A deadline is a real-time budget for the call, not system time: it is
  // deliberately measured on the wall clock even in dev mode.
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  Response response;
  grpc::Status status = (stub->*rpc)(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::ListCasesResponse> GrpcBackend::ListCases(const v1::ListCasesRequest& request) {
  return Call<v1::ListCasesResponse>(tracking_.get(), "tracking", &v1::TrackingService::Stub::ListCases, request);
}

absl::StatusOr<v1::Case> GrpcBackend::GetCase(const std::string& name) {
  v1::GetCaseRequest request;
  request.set_name(name);
  return Call<v1::Case>(tracking_.get(), "tracking", &v1::TrackingService::Stub::GetCase, request);
}

absl::StatusOr<v1::Feedback> GrpcBackend::GetFeedback(const std::string& name) {
  v1::GetFeedbackRequest request;
  request.set_name(name);
  return Call<v1::Feedback>(ingest_.get(), "ingest", &v1::IngestService::Stub::GetFeedback, request);
}

absl::StatusOr<v1::Case> GrpcBackend::AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) {
  return Call<v1::Case>(tracking_.get(), "tracking", &v1::TrackingService::Stub::AcknowledgeCase, request);
}

absl::StatusOr<v1::Case> GrpcBackend::LogCallback(const v1::LogCallbackRequest& request) {
  return Call<v1::Case>(tracking_.get(), "tracking", &v1::TrackingService::Stub::LogCallback, request);
}

absl::StatusOr<v1::Case> GrpcBackend::ResolveCase(const v1::ResolveCaseRequest& request) {
  return Call<v1::Case>(tracking_.get(), "tracking", &v1::TrackingService::Stub::ResolveCase, request);
}

absl::StatusOr<v1::ListClustersResponse> GrpcBackend::ListClusters(const v1::ListClustersRequest& request) {
  return Call<v1::ListClustersResponse>(triage_.get(), "triage", &v1::TriageService::Stub::ListClusters, request);
}

absl::StatusOr<v1::ListEmergingSignalsResponse> GrpcBackend::ListEmergingSignals(
    const v1::ListEmergingSignalsRequest& request) {
  return Call<v1::ListEmergingSignalsResponse>(triage_.get(), "triage",
                                               &v1::TriageService::Stub::ListEmergingSignals, request);
}

absl::StatusOr<v1::ListTopicsResponse> GrpcBackend::ListTopics(const v1::ListTopicsRequest& request) {
  return Call<v1::ListTopicsResponse>(triage_.get(), "triage", &v1::TriageService::Stub::ListTopics, request);
}

absl::StatusOr<v1::ListDeliveriesResponse> GrpcBackend::ListDeliveries(const v1::ListDeliveriesRequest& request) {
  return Call<v1::ListDeliveriesResponse>(notify_.get(), "notify", &v1::NotifyService::Stub::ListDeliveries, request);
}

absl::StatusOr<v1::SearchKnowledgeResponse> GrpcBackend::SearchKnowledge(
    const v1::SearchKnowledgeRequest& request) {
  return Call<v1::SearchKnowledgeResponse>(verification_.get(), "verification",
                                           &v1::VerificationService::Stub::SearchKnowledge, request);
}

GatewayBackend::ClockReading GrpcBackend::Now() {
  if (!options_.dev_clock) return {wall_clock_.Now(), "wall_clock"};
  auto reply = Call<v1::GetTimeResponse>(dev_clock_.get(), "tracking", &v1::DevClockService::Stub::GetTime,
                                         v1::GetTimeRequest());
  if (!reply.ok()) return {wall_clock_.Now(), "wall_clock_fallback"};
  return {FromProto(reply->now()), "tracking_dev_clock"};
}

// ---- issue 11 (tasks): tasks on cases and improvement projects, all on
// tracking's channel.

absl::StatusOr<v1::Task> GrpcBackend::AddTask(const v1::AddTaskRequest& request) {
  return Call<v1::Task>(tasks_.get(), "tracking", &v1::CaseTaskService::Stub::AddTask, request);
}
absl::StatusOr<v1::Task> GrpcBackend::UpdateTaskState(const v1::UpdateTaskStateRequest& request) {
  return Call<v1::Task>(tasks_.get(), "tracking", &v1::CaseTaskService::Stub::UpdateTaskState, request);
}
absl::StatusOr<v1::ListTasksResponse> GrpcBackend::ListTasks(const v1::ListTasksRequest& request) {
  return Call<v1::ListTasksResponse>(tasks_.get(), "tracking", &v1::CaseTaskService::Stub::ListTasks,
                                     request);
}
absl::StatusOr<v1::ListProjectsResponse> GrpcBackend::ListProjects(const v1::ListProjectsRequest& request) {
  return Call<v1::ListProjectsResponse>(tracking_.get(), "tracking",
                                        &v1::TrackingService::Stub::ListProjects, request);
}
absl::StatusOr<v1::Project> GrpcBackend::GetProject(const std::string& name) {
  v1::GetProjectRequest request;
  request.set_name(name);
  // The workflow's GetProject adds the committee's decision.
  return Call<v1::Project>(projects_.get(), "tracking", &v1::ProjectWorkflowService::Stub::GetProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::ProposeProject(const v1::CreateProjectRequest& request) {
  return Call<v1::Project>(projects_.get(), "tracking", &v1::ProjectWorkflowService::Stub::ProposeProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::DecideProject(const v1::DecideProjectRequest& request) {
  return Call<v1::Project>(projects_.get(), "tracking", &v1::ProjectWorkflowService::Stub::DecideProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::StartProject(const v1::StartProjectRequest& request) {
  return Call<v1::Project>(projects_.get(), "tracking", &v1::ProjectWorkflowService::Stub::StartProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::AddActionItem(const v1::AddActionItemRequest& request) {
  return Call<v1::Project>(projects_.get(), "tracking", &v1::ProjectWorkflowService::Stub::AddActionItem,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::UpdateActionItem(const v1::UpdateActionItemRequest& request) {
  return Call<v1::Project>(projects_.get(), "tracking",
                           &v1::ProjectWorkflowService::Stub::UpdateActionItem, request);
}
absl::StatusOr<v1::Project> GrpcBackend::CompleteActionItem(const v1::CompleteActionItemRequest& request) {
  return Call<v1::Project>(tracking_.get(), "tracking", &v1::TrackingService::Stub::CompleteActionItem,
                           request);
}

}  // namespace voc::gateway
