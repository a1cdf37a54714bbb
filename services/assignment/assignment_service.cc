#include "services/assignment/assignment_service.h"

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
  const std::string& feedback_id = triaged.feedback().id();
  if (feedback_id.empty()) return status::InvalidArgument("feedback.id", "is required");

  VOC_ASSIGN_OR_RETURN(const auto already, store_.Load(feedback_id));
  if (already) return NotifyPending(*already);

  const auto plans = router()->Route(triaged);
  StoredAssignment assignment;
  assignment.feedback_id = feedback_id;
  assignment.assign_ms = ToMillis(clock_.Now());
  for (const PlannedCase& plan : plans) {
    const absl::StatusOr<std::string> created = cases_.CreateCase(plan.request);
    if (!created.ok()) {
      log::Warn("case_create_failed", {{"feedback_id", feedback_id},
                                       {"code", absl::StatusCodeToString(created.status().code())},
                                       {"error", std::string(created.status().message())}});
      return created.status();
    }
    const v1::Owner primary =
        plan.request.case_().owners_size() ? plan.request.case_().owners(0) : v1::Owner();
    assignment.decisions.push_back({plan.kind, primary.department(), primary.person(), *created,
                                    plan.reason, plan.notify, false});
    log::Info("feedback_assigned", {{"feedback_id", feedback_id},
                                    {"kind", plan.kind},
                                    {"case", *created},
                                    {"department", primary.department()},
                                    {"person", primary.person()}});
  }
  VOC_RETURN_IF_ERROR(store_.Save(assignment).status());
  // Whoever stored first (this call or a concurrent twin) defines the
  // decisions; finish their alerts.
  VOC_ASSIGN_OR_RETURN(const auto stored, store_.Load(feedback_id));
  if (!stored) return absl::InternalError("assignment for " + feedback_id + " was not stored");
  return NotifyPending(*stored);
}

absl::Status AssignmentService::NotifyPending(const StoredAssignment& assignment) {
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

absl::StatusOr<v1::ReloadRulesResponse> AssignmentService::ReloadRules() {
  auto fresh = LoadRouter(files_);
  if (!fresh.ok()) {
    log::Warn("routing_rules_reload_failed", {{"error", std::string(fresh.status().message())}});
    return absl::FailedPreconditionError(fresh.status().message());
  }
  {
    std::lock_guard lock(router_mu_);
    router_ = *std::move(fresh);
  }
  log::Info("routing_rules_reloaded", {{"directory", files_.directory}, {"routing", files_.routing}});
  return CurrentCounts();
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
