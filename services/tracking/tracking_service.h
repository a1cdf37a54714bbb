// Action tracking's logic: cases (hot loop) and improvement projects (cold
// loop). Validates requests, applies the CaseStateMachine, records history
// and queues events; knows nothing of gRPC. Every method returns an
// absl::Status (common/status/status.h): INVALID_ARGUMENT naming the field,
// NOT_FOUND naming the resource, FAILED_PRECONDITION naming the state,
// ABORTED after losing a race too often, UNAVAILABLE when the database is
// down (so assignment's consumer retries a CreateCase instead of
// dead-lettering its message).
//
// Issue 9: every method takes the caller (common/auth) and decides with
// common/auth/policy.h what it may see and do (case_access.h): PERMISSION_DENIED
// otherwise, and for a case that does not exist unless the caller reads
// every case (AIP-193); lists hold only the caller's view; every history
// row, callback and resolution records caller.Actor(), never a request's
// `actor`; the customer's words are de-identified for callers outside the
// case's department (`masker`).
//
// Thread safety: every method may be called from several threads at once;
// concurrent changes of one case are resolved by the store's conditional
// updates (a loser re-reads and re-checks the transition).
#pragma once

#include <absl/status/statusor.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "services/tracking/case_access.h"
#include "services/tracking/case_clocks.h"
#include "services/tracking/case_state_machine.h"
#include "services/tracking/sla_policy_source.h"
#include "common/storage/outbox_relay.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

class TrackingService {
 public:
  // `relay` may be null (tests without a queue); events then stay in the
  // outbox until a relay drains them. `policies` may be null (no SLA
  // policies: every CreateCase must then fix its due moment); `directory`
  // may be null (ReassignCase then takes any owner).
  TrackingService(TrackingStore& store, const Clock& clock, storage::OutboxRelay* relay = nullptr,
                  SlaPolicySource* policies = nullptr,
                  std::shared_ptr<const org::OrgDirectory> directory = nullptr,
                  TextMasker masker = {})
      : store_(store), clock_(clock), relay_(relay), policies_(policies),
        directory_(std::move(directory)), masker_(std::move(masker)) {}

  // Idempotent on request_id. Starts the case's SLA clocks from
  // reference_time (the feedback's arrival; never after now) by the policy
  // for kind x priority x department x channel: first response and
  // resolution. case.due_time or `sla` when set fix the resolution due
  // instead (a 24x7 override); without a matching policy one of them is
  // required. INVALID_ARGUMENT names the field.
  absl::StatusOr<v1::Case> CreateCase(const auth::Principal& caller, const v1::CreateCaseRequest& request);
  // What became of one request of CreateCases: the case as stored (or the
  // item's own error, e.g. INVALID_ARGUMENT naming the field), and whether
  // its request_id had been served before.
  struct CaseOutcome {
    absl::StatusOr<v1::Case> c;
    bool duplicate = false;
  };
  // Up to api::kMaxCreateCasesBatchSize requests in one transaction, each
  // exactly like CreateCase: one outcome per request, in order. The call
  // fails whole only for too many items (INVALID_ARGUMENT "requests") or a
  // storage error (UNAVAILABLE: nothing of the batch was stored).
  absl::StatusOr<std::vector<CaseOutcome>> CreateCases(const auth::Principal& caller, const v1::CreateCasesRequest& request);
  // With history.
  absl::StatusOr<v1::Case> GetCase(const auth::Principal& caller, const std::string& name);
  absl::StatusOr<v1::ListCasesResponse> ListCases(const auth::Principal& caller, const v1::ListCasesRequest& request);
  absl::StatusOr<v1::Case> AcknowledgeCase(const auth::Principal& caller, const v1::AcknowledgeCaseRequest& request);
  absl::StatusOr<v1::Case> LogCallback(const auth::Principal& caller, const v1::LogCallbackRequest& request);
  absl::StatusOr<v1::Case> ResolveCase(const auth::Principal& caller, const v1::ResolveCaseRequest& request);
  absl::StatusOr<v1::Case> ReassignCase(const auth::Principal& caller, const v1::ReassignCaseRequest& request);
  absl::StatusOr<v1::Case> CloseCase(const auth::Principal& caller, const v1::CloseCaseRequest& request);
  // waiting_on_customer -> in_progress; the resolution clock resumes.
  absl::StatusOr<v1::Case> ResumeCase(const auth::Principal& caller, const v1::ResumeCaseRequest& request);
  // Re-targets the open clocks by the new priority's policy (history).
  absl::StatusOr<v1::Case> ChangePriority(const auth::Principal& caller, const v1::ChangePriorityRequest& request);
  // FAILED_PRECONDITION without a policy file; the loader's status (the
  // policies in force stay) when the file has a mistake.
  absl::StatusOr<v1::ReloadSlaPoliciesResponse> ReloadSlaPolicies(const auth::Principal& caller);
  // Issue 10 item 4: confirmed / false alarm on a red-line case, with a
  // reason; history row "red_line_marked" and event red_line_marked.
  // Those who may act on the case, and analysts (auth::CanWriteRules).
  absl::StatusOr<v1::Case> MarkRedLine(const auth::Principal& caller, const v1::MarkRedLineRequest& request);

  // Idempotent on request_id when one is given. Stores a proposal (state
  // proposed, the caller its proposer): it starts only once the VoC
  // committee approved it (ProjectWorkflowService). Items' owners are
  // checked against the directory.
  absl::StatusOr<v1::Project> CreateProject(const auth::Principal& caller, const v1::CreateProjectRequest& request);
  absl::StatusOr<v1::Project> GetProject(const auth::Principal& caller, const std::string& name);
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const auth::Principal& caller, const v1::ListProjectsRequest& request);
  // Completing an item twice is harmless (returns the project unchanged).
  // FAILED_PRECONDITION while the project has not started (proposed,
  // approved, rejected).
  absl::StatusOr<v1::Project> CompleteActionItem(const auth::Principal& caller, const v1::CompleteActionItemRequest& request);
  absl::StatusOr<v1::Project> ReopenProject(const auth::Principal& caller, const v1::ReopenProjectRequest& request);

 private:
  // Fills the parts of a change specific to one RPC.
  using ChangeBuilder = std::function<void(const v1::Case& current, CaseChange& change)>;
  // Loads the case, checks `event` against the state machine and applies
  // the change; retries when a concurrent change won the race.
  // Whether the caller may make this change to the case as loaded (or
  // missing): case_access.h's CheckCaseAct, or ReassignCase's own rule.
  using Permission = std::function<absl::Status(const absl::StatusOr<v1::Case>& loaded)>;
  absl::StatusOr<v1::Case> Transition(const std::string& name, CaseEvent event,
                                      const Permission& may, const ChangeBuilder& build);
  // CheckCaseAct for `action`, as a Permission.
  Permission MayAct(const auth::Principal& caller, const std::string& name,
                    std::string_view action) const;
  // The case as `caller` may see it: clocks shown, text de-identified
  // outside its department.
  absl::StatusOr<v1::Case> ShownTo(const auth::Principal& caller, absl::StatusOr<v1::Case> c);
  // The project with history, for a caller already allowed to see it.
  absl::StatusOr<v1::Project> LoadProject(const std::string& id);
  // CreateCase and CreateCases: validates every request, then stores the
  // valid new ones and looks up the served ones in one store call.
  absl::StatusOr<std::vector<CaseOutcome>> CreateBatch(
      const auth::Principal& caller, const std::vector<const v1::CreateCaseRequest*>& requests);
  std::int64_t NowMs() const;
  void PublishPendingEvents();
  std::shared_ptr<const sla::SlaPolicies> Policies() const;
  // Fills the clocks' used / remaining / overdue as of now.
  void ShowClocks(v1::Case& c, const sla::SlaPolicies* policies, std::int64_t now_ms) const;
  absl::StatusOr<v1::Case> Shown(absl::StatusOr<v1::Case> c);
  // INVALID_ARGUMENT naming the field when the new owner is not in the
  // directory or not in the department named (or kept).
  absl::Status CheckOwner(const v1::Owner& requested, const std::string& kept_department) const;

  TrackingStore& store_;
  const Clock& clock_;
  storage::OutboxRelay* relay_;
  SlaPolicySource* policies_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  TextMasker masker_;
};


}  // namespace voc::tracking
