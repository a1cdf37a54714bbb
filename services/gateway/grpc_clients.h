// GatewayBackend over gRPC: tracking for cases (and its dev clock) and the
// loop report, ingest for feedback, triage for clusters, weak signals, topics
// and the voice report, verification for the knowledge base and the programme
// (outcomes, goals, digests). Every call has a deadline so a stuck service cannot
// hold an HTTP worker for long.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/gateway/ports.h"
#include "voc/v1/devclock.grpc.pb.h"
#include "voc/v1/identity.grpc.pb.h"
#include "voc/v1/ingest.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"
#include "voc/v1/rootcause.grpc.pb.h"
#include "voc/v1/verification.grpc.pb.h"
#include "voc/v1/notify.grpc.pb.h"
#include "voc/v1/reports.grpc.pb.h"
#include "voc/v1/programme.grpc.pb.h"
#include "voc/v1/outreach.grpc.pb.h"

namespace voc::gateway {

struct GrpcBackendOptions {
  std::shared_ptr<grpc::Channel> tracking;
  std::shared_ptr<grpc::Channel> ingest;
  // Dev mode: ask tracking's DevClockService for the time.
  bool dev_clock = false;
  std::chrono::milliseconds deadline{5000};
  // Null: calls to that service answer UNAVAILABLE ("... is not configured").
  std::shared_ptr<grpc::Channel> triage;
  std::shared_ptr<grpc::Channel> verification;
  std::shared_ptr<grpc::Channel> notify;  // issue 11: the delivery log
  std::shared_ptr<grpc::Channel> entities;  // issue 13: outreach campaigns
};

class GrpcBackend final : public GatewayBackend {
 public:
  // `wall_clock` is used outside dev mode, and in dev mode when tracking
  // cannot be asked.
  GrpcBackend(GrpcBackendOptions options, const Clock& wall_clock);

  // Shares this backend's channels and stubs; every call carries
  // x-voc-acting-for: <person> and x-voc-client-address (issue 9).
  std::shared_ptr<GatewayBackend> ActingFor(const Caller& caller) override;

  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) override;
  absl::StatusOr<v1::Case> GetCase(const std::string& name) override;
  absl::StatusOr<v1::Feedback> GetFeedback(const std::string& name) override;
  absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) override;
  absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& request) override;
  absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& request) override;
  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& request) override;
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest& request) override;
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& request) override;
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(
      const v1::SearchKnowledgeRequest& request) override;
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(const v1::ListDeliveriesRequest& request) override;
  ClockReading Now() override;
  // ---- issue 11 (tasks)
  absl::StatusOr<v1::Case> MarkRedLine(const v1::MarkRedLineRequest& request) override;  // issue 10
  absl::StatusOr<v1::Task> AddTask(const v1::AddTaskRequest& request) override;
  absl::StatusOr<v1::Task> UpdateTaskState(const v1::UpdateTaskStateRequest& request) override;
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request) override;
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest& request) override;
  absl::StatusOr<v1::Project> GetProject(const std::string& name) override;
  absl::StatusOr<v1::Project> ProposeProject(const v1::CreateProjectRequest& request) override;
  absl::StatusOr<v1::Project> DecideProject(const v1::DecideProjectRequest& request) override;
  absl::StatusOr<v1::Project> StartProject(const v1::StartProjectRequest& request) override;
  absl::StatusOr<v1::Project> AddActionItem(const v1::AddActionItemRequest& request) override;
  absl::StatusOr<v1::Project> UpdateActionItem(const v1::UpdateActionItemRequest& request) override;
  absl::StatusOr<v1::Project> CompleteActionItem(const v1::CompleteActionItemRequest& request) override;
  // ---- issue 12: reports (voice on triage's channel, loop on tracking's)
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest& request) override;
  absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest& request) override;
  absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const v1::ListVoiceFeedbackRequest& request) override;
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) override;
  // ---- issue 12: the programme, on verification's channel
  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& request) override;
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest& request) override;
  absl::StatusOr<v1::Goal> GetGoal(const v1::GetGoalRequest& request) override;
  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest& request) override;
  absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest& request) override;
  absl::StatusOr<v1::Goal> ArchiveGoal(const v1::ArchiveGoalRequest& request) override;
  absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest& request) override;
  absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest& request) override;
  // ---- issue 13: root causes, on triage's channel
  absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest& request) override;
  // ---- issue 13: outreach, on voc-entities' channel
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest& request) override;
  absl::StatusOr<v1::Campaign> GetCampaign(const v1::GetCampaignRequest& request) override;
  absl::StatusOr<v1::Segment> GetSegment(const v1::GetSegmentRequest& request) override;
  absl::StatusOr<v1::SegmentPreview> PreviewSegment(const v1::PreviewSegmentRequest& request) override;
  absl::StatusOr<v1::Campaign> ApproveCampaign(const v1::CampaignActionRequest& request) override;
  absl::StatusOr<v1::Campaign> RejectCampaign(const v1::CampaignActionRequest& request) override;
  absl::StatusOr<v1::Segment> CreateSegment(const v1::CreateSegmentRequest& request) override;
  absl::StatusOr<v1::Campaign> CreateCampaign(const v1::CreateCampaignRequest& request) override;
  absl::StatusOr<v1::Campaign> SubmitCampaign(const v1::CampaignActionRequest& request) override;
  absl::StatusOr<v1::Campaign> CancelCampaign(const v1::CampaignActionRequest& request) override;

 private:
  // Calls `rpc` on `stub` with a deadline; the reply or the server's status.
  template <typename Response, typename Stub, typename Request, typename Rpc>
  absl::StatusOr<Response> Call(Stub* stub, const char* service, Rpc rpc, const Request& request) const;

  // The stubs, shared by every request's view of the backend (stubs are
  // thread-safe).
  struct Stubs {
    std::unique_ptr<v1::TrackingService::Stub> tracking;
    std::unique_ptr<v1::IngestService::Stub> ingest;
    std::unique_ptr<v1::DevClockService::Stub> dev_clock;
    std::unique_ptr<v1::TriageService::Stub> triage;
    std::unique_ptr<v1::VerificationService::Stub> verification;
    std::unique_ptr<v1::NotifyService::Stub> notify;
    // Issue 11 (tasks): served by tracking beside TrackingService.
    std::unique_ptr<v1::CaseTaskService::Stub> tasks;
    std::unique_ptr<v1::ProjectWorkflowService::Stub> projects;
    // Issue 12: served by triage and tracking beside their main services.
    std::unique_ptr<v1::VoiceReportService::Stub> voice_reports;
    std::unique_ptr<v1::LoopReportService::Stub> loop_reports;
    // Issue 12 (programme): served by verification beside VerificationService.
    std::unique_ptr<v1::OutcomeReportService::Stub> outcomes;
    std::unique_ptr<v1::GoalService::Stub> goals;
    std::unique_ptr<v1::DigestService::Stub> digests;
    // Issue 13: served by triage beside TriageService.
    std::unique_ptr<v1::RootCauseService::Stub> root_causes;
    // Issue 13: served by voc-entities.
    std::unique_ptr<v1::OutreachService::Stub> outreach;
  };
  GrpcBackend(std::shared_ptr<const GrpcBackendOptions> options, std::shared_ptr<const Stubs> stubs,
              const Clock& wall_clock, Caller caller);

  std::shared_ptr<const GrpcBackendOptions> options_;
  std::shared_ptr<const Stubs> stubs_;
  const Clock& wall_clock_;
  Caller caller_;
};

// voc-identity's sessions over gRPC (the gateway's channel carries its own
// token; identity requires the `sessions` scope).
class GrpcSessionAuthority final : public SessionAuthority {
 public:
  GrpcSessionAuthority(std::shared_ptr<grpc::Channel> identity, std::chrono::milliseconds deadline);

  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request) override;
  absl::StatusOr<v1::LoginResponse> StartProxySession(const v1::StartProxySessionRequest& request) override;
  absl::StatusOr<v1::Session> CheckSession(const std::string& session_id) override;
  absl::Status Logout(const std::string& session_id) override;

 private:
  std::unique_ptr<v1::IdentityService::Stub> identity_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::gateway
