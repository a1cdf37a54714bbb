#include "services/assignment/assignment_service.h"

#include "common/config/config.h"

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::assignment {

std::shared_ptr<const Router> LoadRouter(const RuleFiles& files) {
  auto loaded = org::OrgDirectory::Load(files.directory);
  if (!loaded.ok()) throw ConfigError(std::string(loaded.status().message()));
  auto directory = std::make_shared<const org::OrgDirectory>(*std::move(loaded));
  auto rules = std::make_shared<const RoutingRules>(RoutingRules::LoadFile(files.routing, *directory));
  return std::make_shared<const Router>(directory, rules);
}

std::shared_ptr<const Router> AssignmentService::router() const {
  std::lock_guard lock(router_mu_);
  return router_;
}

HandleOutcome AssignmentService::Handle(const v1::TriagedFeedback& triaged) {
  const std::string& feedback_id = triaged.feedback().id();
  if (feedback_id.empty()) return {false, "triaged feedback has no feedback.id"};

  if (auto stored = store_.Load(feedback_id)) return NotifyPending(*stored);

  const auto plans = router()->Route(triaged);
  StoredAssignment assignment;
  assignment.feedback_id = feedback_id;
  assignment.assign_ms = ToMillis(clock_.Now());
  for (const PlannedCase& plan : plans) {
    const CreateCaseOutcome created = cases_.CreateCase(plan.request);
    if (!created.ok) {
      log::Warn("case_create_failed", {{"feedback_id", feedback_id}, {"error", created.error}});
      return {false, created.error, created.transient};
    }
    const v1::Owner primary =
        plan.request.case_().owners_size() ? plan.request.case_().owners(0) : v1::Owner();
    assignment.decisions.push_back({plan.kind, primary.department(), primary.person(),
                                    created.case_name, plan.reason, plan.notify, false});
    log::Info("feedback_assigned", {{"feedback_id", feedback_id},
                                    {"kind", plan.kind},
                                    {"case", created.case_name},
                                    {"department", primary.department()},
                                    {"person", primary.person()}});
  }
  store_.Save(assignment);
  // Whoever stored first (this call or a concurrent twin) defines the
  // decisions; finish their alerts.
  auto stored = store_.Load(feedback_id);
  if (!stored) return {false, "assignment for " + feedback_id + " was not stored"};
  return NotifyPending(*stored);
}

HandleOutcome AssignmentService::NotifyPending(const StoredAssignment& assignment) {
  for (const StoredDecision& d : assignment.decisions) {
    if (d.notified || d.notify.empty()) continue;
    Notification n;
    n.kind = d.kind;
    n.recipients = d.notify;
    n.case_id = d.case_name;
    n.subject = "Red-line feedback needs you now: " + d.case_name;
    n.body = "Feedback " + assignment.feedback_id + " hit a red line. " + d.reason +
             ". Open " + d.case_name + " in VoC Loop.";
    bool sent = false;
    try {
      sent = notifier_.Send(n);
    } catch (const std::exception& e) {
      log::Error("notifier_threw", {{"feedback_id", assignment.feedback_id}, {"error", e.what()}});
    }
    if (!sent) return {false, "notification for " + d.case_name + " failed; will retry", true};
    store_.MarkNotified(assignment.feedback_id, d.kind);
    log::Info("red_line_notified", {{"feedback_id", assignment.feedback_id}, {"case", d.case_name}});
  }
  return {};
}

absl::Status AssignmentService::HandleMessage(const queue::StreamMessage& message) {
  auto payload = message.fields.find("payload");
  if (payload == message.fields.end()) return absl::InvalidArgumentError("message has no payload");
  v1::TriagedFeedback triaged;
  if (!triaged.ParseFromString(payload->second)) {
    return absl::InvalidArgumentError("payload is not a voc.v1.TriagedFeedback");
  }
  try {
    const HandleOutcome outcome = Handle(triaged);
    if (outcome.ok) return absl::OkStatus();
    return outcome.transient ? absl::UnavailableError(outcome.error) : absl::InvalidArgumentError(outcome.error);
  } catch (const std::exception& e) {
    log::Error("assignment_failed", {{"feedback_id", triaged.feedback().id()}, {"error", e.what()}});
    return absl::InvalidArgumentError(e.what());
  }
}

std::optional<v1::Assignment> AssignmentService::GetAssignment(const std::string& feedback_id) {
  auto stored = store_.Load(feedback_id);
  if (!stored) return std::nullopt;
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

AssignmentService::ReloadCounts AssignmentService::ReloadRules() {
  auto fresh = LoadRouter(files_);  // throws before anything is replaced
  {
    std::lock_guard lock(router_mu_);
    router_ = fresh;
  }
  log::Info("routing_rules_reloaded", {{"directory", files_.directory}, {"routing", files_.routing}});
  return CurrentCounts();
}

AssignmentService::ReloadCounts AssignmentService::CurrentCounts() const {
  auto r = router();
  return {static_cast<int>(r->directory().department_count()),
          static_cast<int>(r->directory().person_count()), r->rules().rule_count()};
}

}  // namespace voc::assignment
