#include "services/assignment/assignment_service.h"

#include <algorithm>
#include <map>

#include "common/auth/policy.h"
#include "common/log/log.h"
#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::assignment {

absl::StatusOr<std::shared_ptr<const Router>> LoadRouter(const RuleFiles& files) {
  VOC_ASSIGN_OR_RETURN(org::OrgDirectory loaded, org::OrgDirectory::Load(files.directory));
  auto directory = std::make_shared<const org::OrgDirectory>(std::move(loaded));
  VOC_ASSIGN_OR_RETURN(RoutingRules rules, RoutingRules::LoadFile(files.routing, *directory));
  return std::make_shared<const Router>(directory,
                                        std::make_shared<const RoutingRules>(std::move(rules)));
}

std::shared_ptr<const Router> AssignmentService::router() const {
  std::lock_guard lock(router_mu_);
  return router_;
}

absl::Status AssignmentService::Handle(const v1::TriagedFeedback& triaged) {
  return HandleBatch({&triaged}).front();
}

std::vector<absl::Status> AssignmentService::HandleBatch(
    const std::vector<const v1::TriagedFeedback*>& batch) {
  std::vector<absl::Status> results(batch.size());
  std::vector<std::size_t> first_of(batch.size());
  const std::vector<std::size_t> unique = FirstOfEachFeedback(batch, results, first_of);
  const std::vector<std::size_t> undecided = FinishDecided(batch, unique, results);
  std::vector<Decided> decided = OpenCases(batch, undecided, results);
  StoreAndNotify(decided, results);
  for (std::size_t i = 0; i < batch.size(); ++i) results[i] = results[first_of[i]];
  return results;
}

std::vector<std::size_t> AssignmentService::FirstOfEachFeedback(
    const std::vector<const v1::TriagedFeedback*>& batch, std::vector<absl::Status>& results,
    std::vector<std::size_t>& first_of) {
  std::vector<std::size_t> unique;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    first_of[i] = i;
    const std::string& feedback_id = batch[i]->feedback().id();
    if (feedback_id.empty()) {
      results[i] = status::InvalidArgument("feedback.id", "is required");
      continue;
    }
    // A copy of a message later in the same batch (a redelivery that caught
    // up with the first) shares the first one's result.
    const auto [first, inserted] = seen.emplace(feedback_id, i);
    if (!inserted) {
      first_of[i] = first->second;
      continue;
    }
    unique.push_back(i);
  }
  return unique;
}

std::vector<std::size_t> AssignmentService::FinishDecided(
    const std::vector<const v1::TriagedFeedback*>& batch, const std::vector<std::size_t>& indexes,
    std::vector<absl::Status>& results) {
  if (indexes.empty()) return {};
  std::vector<std::string> feedback_ids;
  for (std::size_t i : indexes) feedback_ids.push_back(batch[i]->feedback().id());
  const auto stored = store_.LoadMany(feedback_ids);
  if (!stored.ok()) {
    for (std::size_t i : indexes) results[i] = stored.status();
    return {};
  }
  std::vector<std::size_t> undecided;
  for (std::size_t i : indexes) {
    const auto found = stored->find(batch[i]->feedback().id());
    if (found == stored->end()) {
      undecided.push_back(i);
    } else {
      // Decided before: never re-routed (a rules reload cannot open a
      // second, different case); only unsent alerts are left to do.
      results[i] = NotifyPending(found->second);
    }
  }
  return undecided;
}

std::vector<AssignmentService::Decided> AssignmentService::OpenCases(
    const std::vector<const v1::TriagedFeedback*>& batch, const std::vector<std::size_t>& indexes,
    std::vector<absl::Status>& results) {
  if (indexes.empty()) return {};
  const auto current_router = router();
  std::vector<std::vector<PlannedCase>> plans;
  std::vector<v1::CreateCaseRequest> requests;
  for (std::size_t i : indexes) {
    plans.push_back(current_router->Route(*batch[i]));
    for (const PlannedCase& plan : plans.back()) requests.push_back(plan.request);
  }
  std::vector<absl::StatusOr<std::string>> names;
  if (!requests.empty()) {
    auto created = cases_.CreateCases(requests);
    if (!created.ok()) {
      log::Warn("case_create_failed", {{"feedbacks", indexes.size()},
                                       {"code", absl::StatusCodeToString(created.status().code())},
                                       {"error", std::string(created.status().message())}});
      for (std::size_t i : indexes) results[i] = created.status();
      return {};
    }
    names = *std::move(created);
  }

  const std::int64_t assign_ms = ToMillis(clock_.Now());
  std::vector<Decided> decided;
  std::size_t next_name = 0;
  for (std::size_t k = 0; k < indexes.size(); ++k) {
    Decided d{indexes[k], {batch[indexes[k]]->feedback().id(), assign_ms, {}}};
    absl::Status refused;
    for (const PlannedCase& plan : plans[k]) {
      const absl::StatusOr<std::string>& name = names[next_name++];
      if (!name.ok()) {
        if (refused.ok()) refused = name.status();
        continue;
      }
      const v1::Owner primary =
          plan.request.case_().owners_size() ? plan.request.case_().owners(0) : v1::Owner();
      d.assignment.decisions.push_back({plan.kind, primary.department(), primary.person(), *name,
                                        plan.reason, plan.notify, false,
                                        static_cast<int>(plan.request.case_().priority()),
                                        plan.request.case_().title(), false});
    }
    if (!refused.ok()) {
      // Nothing stored for this feedback: its redelivery (after an outage)
      // or its dead letter (a refused request) is about it alone.
      log::Warn("case_create_failed", {{"feedback_id", d.assignment.feedback_id},
                                       {"code", absl::StatusCodeToString(refused.code())},
                                       {"error", std::string(refused.message())}});
      results[d.index] = refused;
      continue;
    }
    decided.push_back(std::move(d));
  }
  return decided;
}

void AssignmentService::StoreAndNotify(const std::vector<Decided>& decided,
                                       std::vector<absl::Status>& results) {
  if (decided.empty()) return;
  std::vector<StoredAssignment> assignments;
  for (const Decided& d : decided) assignments.push_back(d.assignment);
  const auto saved = store_.SaveMany(assignments);
  if (!saved.ok()) {
    for (const Decided& d : decided) results[d.index] = saved.status();
    return;
  }
  // Whoever stored a feedback first (this batch or a concurrent twin on
  // another replica) defines its decisions; finish their alerts.
  std::vector<std::string> lost;
  std::size_t cases = 0;
  for (std::size_t k = 0; k < decided.size(); ++k) {
    if (!(*saved)[k]) lost.push_back(decided[k].assignment.feedback_id);
    cases += decided[k].assignment.decisions.size();
  }
  absl::StatusOr<std::map<std::string, StoredAssignment>> twins;
  if (!lost.empty()) twins = store_.LoadMany(lost);
  for (std::size_t k = 0; k < decided.size(); ++k) {
    const Decided& d = decided[k];
    if ((*saved)[k]) {
      for (const StoredDecision& decision : d.assignment.decisions) {
        log::Debug("feedback_assigned", {{"feedback_id", d.assignment.feedback_id},
                                         {"kind", decision.kind},
                                         {"case", decision.case_name},
                                         {"department", decision.department},
                                         {"person", decision.person}});
      }
      results[d.index] = NotifyPending(d.assignment);
      continue;
    }
    if (!twins.ok()) {
      results[d.index] = twins.status();
      continue;
    }
    const auto found = twins->find(d.assignment.feedback_id);
    results[d.index] = found == twins->end()
                           ? absl::InternalError("assignment for " + d.assignment.feedback_id +
                                                 " was not stored")
                           : NotifyPending(found->second);
  }
  log::Info("feedback_assigned", {{"feedbacks", decided.size()}, {"cases", cases}});
}

absl::Status AssignmentService::NotifyPending(const StoredAssignment& assignment) {
  VOC_RETURN_IF_ERROR(NotifyRedLines(assignment));
  return NotifyNewP1(assignment);
}

bool AssignmentService::SendOrLog(const Notification& n, const std::string& feedback_id) {
  try {
    return notifier_.Send(n);
  } catch (const std::exception& e) {
    log::Error("notifier_threw", {{"feedback_id", feedback_id}, {"error", e.what()}});
    return false;
  }
}

namespace {

bool NeedsNewP1Alert(const StoredDecision& d) {
  // A red-line case is P1 too, but its red_line alert already reached the
  // heads who own it at once; a second alert would say the same thing.
  return d.priority == v1::PRIORITY_P1 && d.kind != kRedLine && !d.p1_notified;
}

Notification NewP1Alert(const StoredAssignment& assignment, const StoredDecision& d) {
  Notification n;
  n.kind = "new_p1";
  // No recipients of its own: voc-notify's subscription rules (new_p1 ->
  // heads_of: [$department]) pick the owning department's heads.
  n.case_id = d.case_name;
  n.department = d.department;
  n.id = "assignment:" + assignment.feedback_id + ":" + d.kind + ":new_p1";
  n.subject = "New P1 case: " + d.case_name;
  n.body = d.department + " has a new P1 case " + d.case_name + ": " + d.title + ". " + d.reason + ".";
  n.params = {{"feedback_id", assignment.feedback_id},
              {"case", d.case_name},
              {"case_title", d.title},
              {"priority", "P1"},
              {"case_kind", d.kind},
              {"owner_people", d.person},
              {"routing_reason", d.reason}};
  return n;
}

}  // namespace

absl::Status AssignmentService::NotifyNewP1(const StoredAssignment& assignment) {
  for (const StoredDecision& d : assignment.decisions) {
    if (!NeedsNewP1Alert(d)) continue;
    if (!SendOrLog(NewP1Alert(assignment, d), assignment.feedback_id)) {
      return absl::UnavailableError("new-P1 alert for " + d.case_name + " failed; will retry");
    }
    VOC_RETURN_IF_ERROR(store_.MarkP1Notified(assignment.feedback_id, d.kind));
    log::Info("new_p1_notified", {{"feedback_id", assignment.feedback_id},
                                  {"case", d.case_name},
                                  {"department", d.department}});
  }
  return absl::OkStatus();
}

absl::Status AssignmentService::NotifyRedLines(const StoredAssignment& assignment) {
  for (const StoredDecision& d : assignment.decisions) {
    if (d.notified || d.notify.empty()) continue;
    Notification n;
    n.kind = d.kind;
    n.recipients = d.notify;
    n.case_id = d.case_name;
    n.subject = "Red-line feedback needs you now: " + d.case_name;
    n.body = "Feedback " + assignment.feedback_id + " hit a red line. " + d.reason +
             ". Open " + d.case_name + " in VoC Loop.";
    // issue 11: voc-notify renders the alert from these in each recipient's
    // language, naming the owners by name (not "head of legal"); the id makes
    // a retried alert one request.
    n.id = "assignment:" + assignment.feedback_id + ":" + d.kind;
    n.department = d.department;
    std::string owners;
    for (const std::string& person : d.notify) owners += (owners.empty() ? "" : ",") + person;
    n.params = {{"feedback_id", assignment.feedback_id}, {"case", d.case_name}, {"owner_people", owners}};
    // Red lines (issue 10): the reason for the template (owned by notify).
    if (d.kind == kRedLine) n.params["red_line_reason"] = RedLineReasonOfDecision(d.reason);
    const bool sent = SendOrLog(n, assignment.feedback_id);
    // The notifier being down is an outage, not a bad message: retried
    // however long it lasts.
    if (!sent) return absl::UnavailableError("notification for " + d.case_name + " failed; will retry");
    VOC_RETURN_IF_ERROR(store_.MarkNotified(assignment.feedback_id, d.kind));
    log::Info("red_line_notified", {{"feedback_id", assignment.feedback_id}, {"case", d.case_name}});
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Assignment> AssignmentService::GetAssignment(const std::string& feedback) {
  std::string id = feedback;
  if (id.rfind("feedback/", 0) == 0) id = id.substr(9);
  const std::string suffix = "/assignment";
  if (id.size() > suffix.size() &&
      id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0) {
    id.resize(id.size() - suffix.size());
  }
  if (id.empty() || id.find('/') != std::string::npos) {
    return status::InvalidArgument("feedback", "must look like feedback/{id}");
  }
  VOC_ASSIGN_OR_RETURN(const auto stored, store_.Load(id));
  if (!stored) return status::NotFound("feedback/" + id + "/assignment");
  v1::Assignment out;
  out.set_feedback_id(stored->feedback_id);
  *out.mutable_assign_time() = MillisToProto(stored->assign_ms);
  for (const StoredDecision& d : stored->decisions) {
    v1::RoutingDecision* rd = out.add_decisions();
    rd->set_kind(d.kind);
    rd->set_department(d.department);
    rd->set_person(d.person);
    rd->set_case_name(d.case_name);
    rd->set_reason(d.reason);
  }
  return out;
}

namespace {

// Whether a person may see an assignment that is not company-wide reading
// for them: one of its cases is theirs to read (their department's, or
// they are its owner).
bool SeesAnyDecision(const auth::Principal& caller, const v1::Assignment& assignment) {
  return std::any_of(assignment.decisions().begin(), assignment.decisions().end(),
                     [&](const v1::RoutingDecision& d) {
                       return auth::CanReadCase(caller, auth::CaseScope{d.department(), {d.person()}});
                     });
}

}  // namespace

absl::StatusOr<v1::Assignment> AssignmentService::GetAssignment(const auth::Principal& caller,
                                                                const std::string& feedback) {
  auto found = GetAssignment(feedback);
  if (auth::ReadsAllCases(caller) || auth::CanReadFeedback(caller)) return found;
  // Look up first, then deny both a missing and a hidden one alike.
  const absl::StatusCode code = found.status().code();
  if (found.ok() ? SeesAnyDecision(caller, *found) : code != absl::StatusCode::kNotFound) return found;
  return auth::Denied("read the assignment of " + feedback);
}

absl::StatusOr<std::shared_ptr<const Router>> AssignmentService::RouterFromFiles() const {
  auto fresh = LoadRouter(files_);
  if (!fresh.ok()) {
    log::Warn("routing_rules_reload_failed", {{"error", std::string(fresh.status().message())}});
    return absl::FailedPreconditionError(fresh.status().message());
  }
  return fresh;
}

void AssignmentService::InstallRouter(std::shared_ptr<const Router> next) {
  std::lock_guard lock(router_mu_);
  router_ = std::move(next);
}

v1::ReloadRulesResponse AssignmentService::CurrentCounts() const {
  auto r = router();
  v1::ReloadRulesResponse counts;
  counts.set_departments(static_cast<int>(r->directory().department_count()));
  counts.set_people(static_cast<int>(r->directory().person_count()));
  counts.set_rules(r->rules().rule_count());
  return counts;
}

}  // namespace voc::assignment
