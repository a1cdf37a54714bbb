// What the gateway's routes need from the services, as one small interface
// so the routes are tested with a fake (tests/unit/gateway/fake_backend.h)
// and run over gRPC (grpc_clients.h).
//
// Errors: each call returns the called service's status unchanged (its code
// and message, e.g. INVALID_ARGUMENT "page_token: ..."), which the router
// turns into the HTTP status and JSON error (json_mapping.h); UNAVAILABLE when
// the service cannot be reached or is not configured, DEADLINE_EXCEEDED when
// it did not answer in time.
// Thread safety: every method is called concurrently from the HTTP worker
// threads.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <memory>
#include <set>
#include <string>

#include "common/clock/clock.h"
#include "voc/v1/identity.pb.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"
#include "voc/v1/triage.pb.h"
#include "voc/v1/verification.pb.h"
#include "voc/v1/notify.pb.h"
#include "voc/v1/reports.pb.h"
#include "voc/v1/programme.pb.h"
#include "voc/v1/rootcause.pb.h"
#include "voc/v1/outreach.pb.h"

namespace voc::gateway {

// Who a request is for (issue 9): the logged-in person of its session, and
// the browser's address. Every backend call made for the request carries
// them (x-voc-acting-for, x-voc-client-address), so the services decide and
// record that person. No person: the gateway's own calls (readiness, the
// clock) and in-process tests of the routes.
struct Caller {
  std::string person_id;
  std::string client_address;
  // From the session, for the page (the services resolve roles themselves).
  std::set<std::string> roles;
  std::set<std::string> departments;

  bool is_person() const { return !person_id.empty(); }
  // Analysts, executives and admins read every department; the others see
  // their own departments only.
  bool SeesEveryDepartment() const {
    return !is_person() || roles.count("analyst") || roles.count("executive") || roles.count("admin");
  }
};

class GatewayBackend {
 public:
  virtual ~GatewayBackend() = default;

  // This backend with every call made for `caller`. The default (fakes that
  // do not care) is this backend itself.
  virtual std::shared_ptr<GatewayBackend> ActingFor(const Caller&) {
    return std::shared_ptr<GatewayBackend>(std::shared_ptr<GatewayBackend>(), this);
  }

  // Tracking: cases; ingest: the feedback behind a case.
  virtual absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) = 0;
  virtual absl::StatusOr<v1::Case> GetCase(const std::string& name) = 0;
  virtual absl::StatusOr<v1::Feedback> GetFeedback(const std::string& name) = 0;
  virtual absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& request) = 0;
  virtual absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& request) = 0;
  virtual absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& request) = 0;

  // Triage: similar-complaint clusters (filtered by topic or department and
  // paged by triage), weak signals, and the active taxonomy's topics with
  // their names and departments (one page of ListTopics).
  virtual absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest& request) = 0;
  virtual absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest& request) = 0;
  virtual absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest& request) = 0;
  // Verification: the knowledge base of verified projects and resolved cases.
  virtual absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(
      const v1::SearchKnowledgeRequest& request) = 0;

  // Notify (issue 11): the delivery log of a case. Not every backend has
  // it, so the default says so.
  virtual absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(const v1::ListDeliveriesRequest&) {
    return absl::UnavailableError("notify is not configured");
  }

  // ---- issue 10 item 4 ("marks"): a red-line case marked confirmed or a
  // false alarm (TrackingService.MarkRedLine). UNIMPLEMENTED unless a
  // backend provides it.
  virtual absl::StatusOr<v1::Case> MarkRedLine(const v1::MarkRedLineRequest&) { return Unimplemented("MarkRedLine"); }

  // ---- issue 11 (tasks): tasks on cases and improvement projects
  // (tracking's CaseTaskService, ProjectWorkflowService and its project
  // RPCs). UNIMPLEMENTED unless a backend provides them, so fakes written
  // before them keep compiling.
  virtual absl::StatusOr<v1::Task> AddTask(const v1::AddTaskRequest&) { return Unimplemented("AddTask"); }
  virtual absl::StatusOr<v1::Task> UpdateTaskState(const v1::UpdateTaskStateRequest&) {
    return Unimplemented("UpdateTaskState");
  }
  virtual absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest&) {
    return Unimplemented("ListTasks");
  }
  virtual absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest&) {
    return Unimplemented("ListProjects");
  }
  virtual absl::StatusOr<v1::Project> GetProject(const std::string&) { return Unimplemented("GetProject"); }
  virtual absl::StatusOr<v1::Project> ProposeProject(const v1::CreateProjectRequest&) {
    return Unimplemented("ProposeProject");
  }
  virtual absl::StatusOr<v1::Project> DecideProject(const v1::DecideProjectRequest&) {
    return Unimplemented("DecideProject");
  }
  virtual absl::StatusOr<v1::Project> StartProject(const v1::StartProjectRequest&) {
    return Unimplemented("StartProject");
  }
  virtual absl::StatusOr<v1::Project> AddActionItem(const v1::AddActionItemRequest&) {
    return Unimplemented("AddActionItem");
  }
  virtual absl::StatusOr<v1::Project> UpdateActionItem(const v1::UpdateActionItemRequest&) {
    return Unimplemented("UpdateActionItem");
  }
  virtual absl::StatusOr<v1::Project> CompleteActionItem(const v1::CompleteActionItemRequest&) {
    return Unimplemented("CompleteActionItem");
  }

  // ---- issue 12: the Dashboard's figures. Triage's VoiceReportService
  // (feedback volume, sentiment, NPS, top topics) and tracking's
  // LoopReportService (SLA compliance, backlog, hot loop); each service scopes
  // the figures to the person. UNIMPLEMENTED unless a backend provides them.
  virtual absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::GetVoiceTrendRequest&) {
    return Unimplemented("GetVoiceTrend");
  }
  virtual absl::StatusOr<v1::ListTopTopicsResponse> ListTopTopics(const v1::ListTopTopicsRequest&) {
    return Unimplemented("ListTopTopics");
  }
  virtual absl::StatusOr<v1::ListVoiceFeedbackResponse> ListVoiceFeedback(const v1::ListVoiceFeedbackRequest&) {
    return Unimplemented("ListVoiceFeedback");
  }
  virtual absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest&) {
    return Unimplemented("GetLoopReport");
  }

  // ---- issue 12: the programme (verification's OutcomeReportService,
  // GoalService and DigestService): outcomes, goals and the weekly digest.
  // The services decide who may read and create; UNIMPLEMENTED unless a
  // backend provides them.
  virtual absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest&) {
    return Unimplemented("GetOutcomeReport");
  }
  virtual absl::StatusOr<v1::ListGoalsResponse> ListGoals(const v1::ListGoalsRequest&) {
    return Unimplemented("ListGoals");
  }
  virtual absl::StatusOr<v1::Goal> GetGoal(const v1::GetGoalRequest&) { return Unimplemented("GetGoal"); }
  virtual absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const v1::ListGoalHistoryRequest&) {
    return Unimplemented("ListGoalHistory");
  }
  virtual absl::StatusOr<v1::Goal> CreateGoal(const v1::CreateGoalRequest&) { return Unimplemented("CreateGoal"); }
  virtual absl::StatusOr<v1::Goal> ArchiveGoal(const v1::ArchiveGoalRequest&) { return Unimplemented("ArchiveGoal"); }
  virtual absl::StatusOr<v1::ListDigestsResponse> ListDigests(const v1::ListDigestsRequest&) {
    return Unimplemented("ListDigests");
  }
  virtual absl::StatusOr<v1::Digest> GetDigest(const v1::GetDigestRequest&) { return Unimplemented("GetDigest"); }

  // ---- issue 13: root causes in joined operational data (triage's
  // RootCauseService; triage decides who may). UNIMPLEMENTED unless a
  // backend provides it.
  virtual absl::StatusOr<v1::FindRootCausesResponse> FindRootCauses(const v1::FindRootCausesRequest&) {
    return Unimplemented("FindRootCauses");
  }

  // ---- issue 13: proactive outreach (voc-entities' OutreachService; it
  // decides who may: approve and reject only the campaign's department
  // head). UNIMPLEMENTED unless a backend provides them.
  virtual absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest&) {
    return Unimplemented("ListCampaigns");
  }
  virtual absl::StatusOr<v1::Campaign> GetCampaign(const v1::GetCampaignRequest&) {
    return Unimplemented("GetCampaign");
  }
  virtual absl::StatusOr<v1::Segment> GetSegment(const v1::GetSegmentRequest&) { return Unimplemented("GetSegment"); }
  virtual absl::StatusOr<v1::SegmentPreview> PreviewSegment(const v1::PreviewSegmentRequest&) {
    return Unimplemented("PreviewSegment");
  }
  virtual absl::StatusOr<v1::Campaign> ApproveCampaign(const v1::CampaignActionRequest&) {
    return Unimplemented("ApproveCampaign");
  }
  virtual absl::StatusOr<v1::Campaign> RejectCampaign(const v1::CampaignActionRequest&) {
    return Unimplemented("RejectCampaign");
  }
  // The page's campaign form (a segment saved, a draft made, submitted or
  // cancelled for the person).
  virtual absl::StatusOr<v1::Segment> CreateSegment(const v1::CreateSegmentRequest&) {
    return Unimplemented("CreateSegment");
  }
  virtual absl::StatusOr<v1::Campaign> CreateCampaign(const v1::CreateCampaignRequest&) {
    return Unimplemented("CreateCampaign");
  }
  virtual absl::StatusOr<v1::Campaign> SubmitCampaign(const v1::CampaignActionRequest&) {
    return Unimplemented("SubmitCampaign");
  }
  virtual absl::StatusOr<v1::Campaign> CancelCampaign(const v1::CampaignActionRequest&) {
    return Unimplemented("CancelCampaign");
  }

  struct ClockReading {
    TimePoint now;
    // "tracking_dev_clock", "wall_clock", or "wall_clock_fallback" when
    // dev mode is on but tracking could not be asked.
    std::string source;
  };
  // The system's current time: tracking's dev clock in dev mode, so SLA
  // countdowns agree with the service that owns them; else the wall clock.
  // Never fails (falls back to the wall clock).
  virtual ClockReading Now() = 0;

 private:
  static absl::Status Unimplemented(const char* rpc) {
    return absl::UnimplementedError(std::string(rpc) + " is not available from this backend");
  }
};

// voc-identity's web sessions (issue 9), as the gateway uses them. Errors are
// identity's statuses: UNAUTHENTICATED for a wrong password, an unknown or
// disabled account and a dead session; RESOURCE_EXHAUSTED while throttled;
// UNAVAILABLE when identity cannot be reached.
class SessionAuthority {
 public:
  virtual ~SessionAuthority() = default;
  virtual absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request) = 0;
  virtual absl::StatusOr<v1::LoginResponse> StartProxySession(const v1::StartProxySessionRequest& request) = 0;
  virtual absl::StatusOr<v1::Session> CheckSession(const std::string& session_id) = 0;
  virtual absl::Status Logout(const std::string& session_id) = 0;
};

}  // namespace voc::gateway
