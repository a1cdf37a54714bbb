// Assignment's logic: turns each triaged feedback into cases in action
// tracking, stores the decisions, and alerts red-line owners at once (and,
// issue 11, the owning department of a new P1 case: new_p1).
// Knows nothing of gRPC or the queue (AssignmentGrpc and AssignmentConsumer
// adapt it); every method returns an absl::Status (common/status/status.h).
//
// Idempotent (the queue delivers at least once):
//   - decisions already stored for a feedback are reused, never re-routed
//     (so a rules reload cannot open a second, different case);
//   - cases are created with deterministic request ids, so a crash between
//     creating a case and storing the decision re-creates nothing;
//   - a red-line or new_p1 alert is marked sent only after the notifier accepted it,
//     and a failed alert fails the message (UNAVAILABLE) so redelivery
//     retries it.
//
// Thread-safe: Handle() and HandleBatch() may run on several threads;
// InstallRouter() swaps the router atomically (in-flight messages finish with
// the old one).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "services/assignment/ports.h"
#include "services/assignment/routing/router.h"
#include "services/assignment/store/assignment_store.h"
#include "voc/v1/assignment.pb.h"

namespace voc::assignment {

struct RuleFiles {
  std::string directory;  // org.directory, config/directory.yaml
  std::string routing;    // config/routing.yaml
};

// Loads the directory and the rules. INVALID_ARGUMENT "<file>:<line>:
// <problem>" for the first problem in either file.
absl::StatusOr<std::shared_ptr<const Router>> LoadRouter(const RuleFiles& files);

class AssignmentService {
 public:
  AssignmentService(AssignmentStore& store, const Clock& clock, CaseCreator& cases,
                    Notifier& notifier, std::shared_ptr<const Router> router, RuleFiles files = {})
      : store_(store), clock_(clock), cases_(cases), notifier_(notifier),
        router_(std::move(router)), files_(std::move(files)) {}

  // Routes one triaged feedback, opens its cases, stores the decisions and
  // sends pending red-line alerts. OK once everything is stored and sent.
  // INVALID_ARGUMENT when the feedback has no id; UNAVAILABLE when
  // tracking, the database or the notifier is down (retry the message);
  // other codes from tracking as it answered.
  absl::Status Handle(const v1::TriagedFeedback& triaged);
  // Handle for a batch, with one round trip to tracking (CreateCases) for
  // all its cases and one transaction for all its decisions; one status per
  // feedback, in order, each as Handle would answer it. A case tracking
  // refuses fails its own feedback only; tracking or the database being
  // down fails every feedback not done yet with UNAVAILABLE.
  std::vector<absl::Status> HandleBatch(const std::vector<const v1::TriagedFeedback*>& batch);

  // `feedback` may be "feedback/{id}", "feedback/{id}/assignment" or a bare
  // id. INVALID_ARGUMENT naming `feedback` when it is none of them;
  // NOT_FOUND before the feedback is routed.
  absl::StatusOr<v1::Assignment> GetAssignment(const std::string& feedback);
  // GetAssignment for `caller` (issue 9; the RPC): a caller who reads every
  // case (cases:read|write, analyst, executive) or all feedback
  // (feedback:read) sees any assignment, NOT_FOUND as above; a person sees
  // one with a decision for their department or naming them. Anyone else
  // gets PERMISSION_DENIED, whether or not the feedback was routed (AIP-193).
  absl::StatusOr<v1::Assignment> GetAssignment(const auth::Principal& caller, const std::string& feedback);

  // Re-reads both files into a new router without installing it:
  // FAILED_PRECONDITION "<file>:<line>: <problem>" on a bad file (the
  // request is fine; the files on disk are not). RoutingRuleEditor::
  // ReloadRules decides whether that is a new routing version (issue 9).
  absl::StatusOr<std::shared_ptr<const Router>> RouterFromFiles() const;
  // The router in force, and a new one swapped in atomically (in-flight
  // messages finish with the old one). Who may install what is the
  // RoutingRuleEditor's to decide.
  std::shared_ptr<const Router> router() const;
  void InstallRouter(std::shared_ptr<const Router> next);
  const RuleFiles& files() const { return files_; }
  // Departments, people and rules in force.
  v1::ReloadRulesResponse CurrentCounts() const;

 private:
  // A feedback whose cases all opened, and the decisions to store for it.
  struct Decided {
    std::size_t index;  // in the batch
    StoredAssignment assignment;
  };
  // The steps of HandleBatch; each sets results[i] for the feedbacks it
  // finishes (or fails) and hands the rest on.
  // The position of each feedback id's first message (first_of[i] for the
  // others; a message without a feedback id fails here).
  std::vector<std::size_t> FirstOfEachFeedback(const std::vector<const v1::TriagedFeedback*>& batch,
                                               std::vector<absl::Status>& results,
                                               std::vector<std::size_t>& first_of);
  // Finishes the alerts of feedbacks decided before; returns the others.
  std::vector<std::size_t> FinishDecided(const std::vector<const v1::TriagedFeedback*>& batch,
                                         const std::vector<std::size_t>& indexes,
                                         std::vector<absl::Status>& results);
  // Routes the feedbacks and opens all their cases with one CreateCases.
  std::vector<Decided> OpenCases(const std::vector<const v1::TriagedFeedback*>& batch,
                                 const std::vector<std::size_t>& indexes,
                                 std::vector<absl::Status>& results);
  // Stores the decisions in one transaction, then sends their alerts.
  void StoreAndNotify(const std::vector<Decided>& decided, std::vector<absl::Status>& results);
  // Sends the alerts of stored decisions not yet notified: red lines, then
  // new P1 cases. UNAVAILABLE at the first one the notifier refuses (the
  // message is retried; the ones sent are marked and not sent again).
  absl::Status NotifyPending(const StoredAssignment& assignment);
  absl::Status NotifyRedLines(const StoredAssignment& assignment);
  // new_p1 (issue 11): one alert per P1 case that is not a red line, to the
  // owning department through voc-notify's subscription rules.
  absl::Status NotifyNewP1(const StoredAssignment& assignment);
  // notifier_.Send, with a throwing notifier counted as a failed delivery.
  bool SendOrLog(const Notification& n, const std::string& feedback_id);

  AssignmentStore& store_;
  const Clock& clock_;
  CaseCreator& cases_;
  Notifier& notifier_;
  mutable std::mutex router_mu_;
  std::shared_ptr<const Router> router_;
  RuleFiles files_;
};

}  // namespace voc::assignment
