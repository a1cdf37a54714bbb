#include "services/gateway/grpc_clients.h"

#include "common/auth/metadata.h"
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
    : wall_clock_(wall_clock) {
  auto stubs = std::make_shared<Stubs>();
  stubs->tracking = v1::TrackingService::NewStub(options.tracking);
  stubs->ingest = v1::IngestService::NewStub(options.ingest);
  stubs->dev_clock = v1::DevClockService::NewStub(options.tracking);
  stubs->tasks = v1::CaseTaskService::NewStub(options.tracking);
  stubs->projects = v1::ProjectWorkflowService::NewStub(options.tracking);
  stubs->loop_reports = v1::LoopReportService::NewStub(options.tracking);
  if (options.triage) {
    stubs->triage = v1::TriageService::NewStub(options.triage);
    stubs->voice_reports = v1::VoiceReportService::NewStub(options.triage);
    stubs->root_causes = v1::RootCauseService::NewStub(options.triage);
  }
  if (options.verification) {
    stubs->verification = v1::VerificationService::NewStub(options.verification);
    // Issue 12 (programme): verification serves these beside it.
    stubs->outcomes = v1::OutcomeReportService::NewStub(options.verification);
    stubs->goals = v1::GoalService::NewStub(options.verification);
    stubs->digests = v1::DigestService::NewStub(options.verification);
  }
  if (options.notify) stubs->notify = v1::NotifyService::NewStub(options.notify);
  if (options.entities) stubs->outreach = v1::OutreachService::NewStub(options.entities);
  options_ = std::make_shared<const GrpcBackendOptions>(std::move(options));
  stubs_ = std::move(stubs);
}

GrpcBackend::GrpcBackend(std::shared_ptr<const GrpcBackendOptions> options, std::shared_ptr<const Stubs> stubs,
                         const Clock& wall_clock, Caller caller)
    : options_(std::move(options)), stubs_(std::move(stubs)), wall_clock_(wall_clock), caller_(std::move(caller)) {}

std::shared_ptr<GatewayBackend> GrpcBackend::ActingFor(const Caller& caller) {
  return std::shared_ptr<GrpcBackend>(new GrpcBackend(options_, stubs_, wall_clock_, caller));
}

template <typename Response, typename Stub, typename Request, typename Rpc>
absl::StatusOr<Response> GrpcBackend::Call(Stub* stub, const char* service, Rpc rpc,
                                           const Request& request) const {
  if (stub == nullptr) return absl::UnavailableError(std::string(service) + " is not configured");
  grpc::ClientContext context;
  // A deadline is a real-time budget for the call, not system time: it is
  // deliberately measured on the wall clock even in dev mode.
  context.set_deadline(std::chrono::system_clock::now() + options_->deadline);
  // The channel carries the gateway's own token; these say for whom
  // (honoured because the gateway holds act_as_person).
  if (caller_.is_person()) context.AddMetadata(auth::kActingForHeader, caller_.person_id);
  if (!caller_.client_address.empty()) context.AddMetadata(auth::kClientAddressHeader, caller_.client_address);
  Response response;
  grpc::Status status = (stub->*rpc)(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::ListCasesResponse> GrpcBackend::ListCases(const v1::ListCasesRequest& request) {
  return Call<v1::ListCasesResponse>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::ListCases, request);
}

absl::StatusOr<v1::Case> GrpcBackend::GetCase(const std::string& name) {
  v1::GetCaseRequest request;
  request.set_name(name);
  return Call<v1::Case>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::GetCase, request);
}

absl::StatusOr<v1::Feedback> GrpcBackend::GetFeedback(const std::string& name) {
  v1::GetFeedbackRequest request;
  request.set_name(name);
  return Call<v1::Feedback>(stubs_->ingest.get(), "ingest", &v1::IngestService::Stub::GetFeedback, request);
}

absl::StatusOr<v1::Case> GrpcBackend::AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) {
  return Call<v1::Case>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::AcknowledgeCase, request);
}

absl::StatusOr<v1::Case> GrpcBackend::LogCallback(const v1::LogCallbackRequest& request) {
  return Call<v1::Case>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::LogCallback, request);
}

absl::StatusOr<v1::Case> GrpcBackend::ResolveCase(const v1::ResolveCaseRequest& request) {
  return Call<v1::Case>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::ResolveCase, request);
}

absl::StatusOr<v1::ListClustersResponse> GrpcBackend::ListClusters(const v1::ListClustersRequest& request) {
  return Call<v1::ListClustersResponse>(stubs_->triage.get(), "triage", &v1::TriageService::Stub::ListClusters, request);
}

absl::StatusOr<v1::ListEmergingSignalsResponse> GrpcBackend::ListEmergingSignals(
    const v1::ListEmergingSignalsRequest& request) {
  return Call<v1::ListEmergingSignalsResponse>(stubs_->triage.get(), "triage",
                                               &v1::TriageService::Stub::ListEmergingSignals, request);
}

absl::StatusOr<v1::ListTopicsResponse> GrpcBackend::ListTopics(const v1::ListTopicsRequest& request) {
  return Call<v1::ListTopicsResponse>(stubs_->triage.get(), "triage", &v1::TriageService::Stub::ListTopics, request);
}

absl::StatusOr<v1::ListDeliveriesResponse> GrpcBackend::ListDeliveries(const v1::ListDeliveriesRequest& request) {
  return Call<v1::ListDeliveriesResponse>(stubs_->notify.get(), "notify", &v1::NotifyService::Stub::ListDeliveries, request);
}

absl::StatusOr<v1::SearchKnowledgeResponse> GrpcBackend::SearchKnowledge(
    const v1::SearchKnowledgeRequest& request) {
  return Call<v1::SearchKnowledgeResponse>(stubs_->verification.get(), "verification",
                                           &v1::VerificationService::Stub::SearchKnowledge, request);
}

GatewayBackend::ClockReading GrpcBackend::Now() {
  if (!options_->dev_clock) return {wall_clock_.Now(), "wall_clock"};
  auto reply = Call<v1::GetTimeResponse>(stubs_->dev_clock.get(), "tracking", &v1::DevClockService::Stub::GetTime,
                                         v1::GetTimeRequest());
  if (!reply.ok()) return {wall_clock_.Now(), "wall_clock_fallback"};
  return {FromProto(reply->now()), "tracking_dev_clock"};
}

// ---- issue 11 (tasks): tasks on cases and improvement projects, all on
// tracking's channel.

absl::StatusOr<v1::Case> GrpcBackend::MarkRedLine(const v1::MarkRedLineRequest& request) {
  return Call<v1::Case>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::MarkRedLine, request);
}

absl::StatusOr<v1::Task> GrpcBackend::AddTask(const v1::AddTaskRequest& request) {
  return Call<v1::Task>(stubs_->tasks.get(), "tracking", &v1::CaseTaskService::Stub::AddTask, request);
}
absl::StatusOr<v1::Task> GrpcBackend::UpdateTaskState(const v1::UpdateTaskStateRequest& request) {
  return Call<v1::Task>(stubs_->tasks.get(), "tracking", &v1::CaseTaskService::Stub::UpdateTaskState, request);
}
absl::StatusOr<v1::ListTasksResponse> GrpcBackend::ListTasks(const v1::ListTasksRequest& request) {
  return Call<v1::ListTasksResponse>(stubs_->tasks.get(), "tracking", &v1::CaseTaskService::Stub::ListTasks,
                                     request);
}
absl::StatusOr<v1::ListProjectsResponse> GrpcBackend::ListProjects(const v1::ListProjectsRequest& request) {
  return Call<v1::ListProjectsResponse>(stubs_->tracking.get(), "tracking",
                                        &v1::TrackingService::Stub::ListProjects, request);
}
absl::StatusOr<v1::Project> GrpcBackend::GetProject(const std::string& name) {
  v1::GetProjectRequest request;
  request.set_name(name);
  // The workflow's GetProject adds the committee's decision.
  return Call<v1::Project>(stubs_->projects.get(), "tracking", &v1::ProjectWorkflowService::Stub::GetProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::ProposeProject(const v1::CreateProjectRequest& request) {
  return Call<v1::Project>(stubs_->projects.get(), "tracking", &v1::ProjectWorkflowService::Stub::ProposeProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::DecideProject(const v1::DecideProjectRequest& request) {
  return Call<v1::Project>(stubs_->projects.get(), "tracking", &v1::ProjectWorkflowService::Stub::DecideProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::StartProject(const v1::StartProjectRequest& request) {
  return Call<v1::Project>(stubs_->projects.get(), "tracking", &v1::ProjectWorkflowService::Stub::StartProject,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::AddActionItem(const v1::AddActionItemRequest& request) {
  return Call<v1::Project>(stubs_->projects.get(), "tracking", &v1::ProjectWorkflowService::Stub::AddActionItem,
                           request);
}
absl::StatusOr<v1::Project> GrpcBackend::UpdateActionItem(const v1::UpdateActionItemRequest& request) {
  return Call<v1::Project>(stubs_->projects.get(), "tracking",
                           &v1::ProjectWorkflowService::Stub::UpdateActionItem, request);
}
absl::StatusOr<v1::Project> GrpcBackend::CompleteActionItem(const v1::CompleteActionItemRequest& request) {
  return Call<v1::Project>(stubs_->tracking.get(), "tracking", &v1::TrackingService::Stub::CompleteActionItem,
                           request);
}

// ---- issue 12: reports. Voice figures from triage, loop figures from tracking.

absl::StatusOr<v1::VoiceTrend> GrpcBackend::GetVoiceTrend(const v1::GetVoiceTrendRequest& request) {
  return Call<v1::VoiceTrend>(stubs_->voice_reports.get(), "triage", &v1::VoiceReportService::Stub::GetVoiceTrend,
                              request);
}
absl::StatusOr<v1::ListVoiceFeedbackResponse> GrpcBackend::ListVoiceFeedback(
    const v1::ListVoiceFeedbackRequest& request) {
  return Call<v1::ListVoiceFeedbackResponse>(stubs_->voice_reports.get(), "triage",
                                             &v1::VoiceReportService::Stub::ListVoiceFeedback, request);
}
absl::StatusOr<v1::ListTopTopicsResponse> GrpcBackend::ListTopTopics(const v1::ListTopTopicsRequest& request) {
  return Call<v1::ListTopTopicsResponse>(stubs_->voice_reports.get(), "triage",
                                         &v1::VoiceReportService::Stub::ListTopTopics, request);
}
absl::StatusOr<v1::LoopReport> GrpcBackend::GetLoopReport(const v1::GetLoopReportRequest& request) {
  return Call<v1::LoopReport>(stubs_->loop_reports.get(), "tracking", &v1::LoopReportService::Stub::GetLoopReport,
                              request);
}

// ---- issue 12: the programme (outcomes, goals, digests), all on
// verification's channel; verification decides who may read or create.

absl::StatusOr<v1::OutcomeReport> GrpcBackend::GetOutcomeReport(const v1::GetOutcomeReportRequest& request) {
  return Call<v1::OutcomeReport>(stubs_->outcomes.get(), "verification",
                                 &v1::OutcomeReportService::Stub::GetOutcomeReport, request);
}
absl::StatusOr<v1::ListGoalsResponse> GrpcBackend::ListGoals(const v1::ListGoalsRequest& request) {
  return Call<v1::ListGoalsResponse>(stubs_->goals.get(), "verification", &v1::GoalService::Stub::ListGoals, request);
}
absl::StatusOr<v1::Goal> GrpcBackend::GetGoal(const v1::GetGoalRequest& request) {
  return Call<v1::Goal>(stubs_->goals.get(), "verification", &v1::GoalService::Stub::GetGoal, request);
}
absl::StatusOr<v1::ListGoalHistoryResponse> GrpcBackend::ListGoalHistory(const v1::ListGoalHistoryRequest& request) {
  return Call<v1::ListGoalHistoryResponse>(stubs_->goals.get(), "verification",
                                           &v1::GoalService::Stub::ListGoalHistory, request);
}
absl::StatusOr<v1::Goal> GrpcBackend::CreateGoal(const v1::CreateGoalRequest& request) {
  return Call<v1::Goal>(stubs_->goals.get(), "verification", &v1::GoalService::Stub::CreateGoal, request);
}
absl::StatusOr<v1::Goal> GrpcBackend::ArchiveGoal(const v1::ArchiveGoalRequest& request) {
  return Call<v1::Goal>(stubs_->goals.get(), "verification", &v1::GoalService::Stub::ArchiveGoal, request);
}
absl::StatusOr<v1::ListDigestsResponse> GrpcBackend::ListDigests(const v1::ListDigestsRequest& request) {
  return Call<v1::ListDigestsResponse>(stubs_->digests.get(), "verification", &v1::DigestService::Stub::ListDigests,
                                       request);
}
absl::StatusOr<v1::Digest> GrpcBackend::GetDigest(const v1::GetDigestRequest& request) {
  return Call<v1::Digest>(stubs_->digests.get(), "verification", &v1::DigestService::Stub::GetDigest, request);
}

// ---- issue 9: voc-identity's web sessions.

GrpcSessionAuthority::GrpcSessionAuthority(std::shared_ptr<grpc::Channel> identity,
                                           std::chrono::milliseconds deadline)
    : identity_(v1::IdentityService::NewStub(identity)), deadline_(deadline) {}

namespace {
template <typename Response, typename Stub, typename Request, typename Rpc>
absl::StatusOr<Response> CallIdentity(Stub* stub, Rpc rpc, const Request& request,
                                      std::chrono::milliseconds deadline) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  Response response;
  grpc::Status status = (stub->*rpc)(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}
}  // namespace

absl::StatusOr<v1::LoginResponse> GrpcSessionAuthority::Login(const v1::LoginRequest& request) {
  return CallIdentity<v1::LoginResponse>(identity_.get(), &v1::IdentityService::Stub::Login, request, deadline_);
}
absl::StatusOr<v1::LoginResponse> GrpcSessionAuthority::StartProxySession(
    const v1::StartProxySessionRequest& request) {
  return CallIdentity<v1::LoginResponse>(identity_.get(), &v1::IdentityService::Stub::StartProxySession, request,
                                         deadline_);
}
absl::StatusOr<v1::Session> GrpcSessionAuthority::CheckSession(const std::string& session_id) {
  v1::CheckSessionRequest request;
  request.set_session_id(session_id);
  return CallIdentity<v1::Session>(identity_.get(), &v1::IdentityService::Stub::CheckSession, request, deadline_);
}
absl::Status GrpcSessionAuthority::Logout(const std::string& session_id) {
  v1::LogoutRequest request;
  request.set_session_id(session_id);
  return CallIdentity<v1::LogoutResponse>(identity_.get(), &v1::IdentityService::Stub::Logout, request, deadline_)
      .status();
}

absl::StatusOr<v1::FindRootCausesResponse> GrpcBackend::FindRootCauses(const v1::FindRootCausesRequest& request) {
  return Call<v1::FindRootCausesResponse>(stubs_->root_causes.get(), "triage",
                                          &v1::RootCauseService::Stub::FindRootCauses, request);
}

// ---- issue 13: outreach (voc-entities)
absl::StatusOr<v1::ListCampaignsResponse> GrpcBackend::ListCampaigns(const v1::ListCampaignsRequest& request) {
  return Call<v1::ListCampaignsResponse>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::ListCampaigns,
                                         request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::GetCampaign(const v1::GetCampaignRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::GetCampaign, request);
}
absl::StatusOr<v1::Segment> GrpcBackend::GetSegment(const v1::GetSegmentRequest& request) {
  return Call<v1::Segment>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::GetSegment, request);
}
absl::StatusOr<v1::SegmentPreview> GrpcBackend::PreviewSegment(const v1::PreviewSegmentRequest& request) {
  return Call<v1::SegmentPreview>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::PreviewSegment,
                                  request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::ApproveCampaign(const v1::CampaignActionRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::ApproveCampaign, request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::RejectCampaign(const v1::CampaignActionRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::RejectCampaign, request);
}
absl::StatusOr<v1::Segment> GrpcBackend::CreateSegment(const v1::CreateSegmentRequest& request) {
  return Call<v1::Segment>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::CreateSegment, request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::CreateCampaign(const v1::CreateCampaignRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::CreateCampaign, request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::SubmitCampaign(const v1::CampaignActionRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::SubmitCampaign, request);
}
absl::StatusOr<v1::Campaign> GrpcBackend::CancelCampaign(const v1::CampaignActionRequest& request) {
  return Call<v1::Campaign>(stubs_->outreach.get(), "entities", &v1::OutreachService::Stub::CancelCampaign, request);
}

}  // namespace voc::gateway
