#include "services/verification/goals/goal_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::verification {
namespace {

bool SeesAnyFigures(const auth::CaseVisibility& v) { return v.all || !v.departments.empty(); }

}  // namespace

absl::Status MayManageGoals(const auth::Principal& caller) {
  if (auth::IsAdmin(caller)) return absl::OkStatus();
  if (caller.is_person()) {
    if (caller.HasRole(auth::Role::kAnalyst)) return absl::OkStatus();
    return auth::Denied("manage programme goals (analysts and admins only)");
  }
  return auth::MissingScope(auth::kAdmin);
}

absl::Status MayReadGoal(const auth::Principal& caller, const std::string& department) {
  const auth::CaseVisibility visible = auth::VisibleFigures(caller);
  if (department.empty() ? SeesAnyFigures(visible) : (visible.all || visible.departments.count(department) > 0)) {
    return absl::OkStatus();
  }
  if (!caller.is_person()) return auth::MissingScope(auth::kAnalyticsRead);
  return auth::Denied(department.empty() ? "read programme goals" : "read the goals of department " + department);
}

absl::Status MayEvaluateGoals(const auth::Principal& caller) {
  if (caller.HasScope(auth::kCasesWrite) || auth::IsAdmin(caller)) return absl::OkStatus();
  if (caller.is_person()) return auth::Denied("evaluate the programme goals (admins only)");
  return auth::MissingScope(auth::kCasesWrite);
}

absl::StatusOr<std::optional<std::set<std::string>>> VisibleGoalDepartments(const auth::Principal& caller) {
  const auth::CaseVisibility visible = auth::VisibleFigures(caller);
  if (visible.all) return std::optional<std::set<std::string>>();
  if (!SeesAnyFigures(visible)) return MayReadGoal(caller, "");
  std::set<std::string> departments = visible.departments;
  departments.insert("");
  return std::optional<std::set<std::string>>(std::move(departments));
}

}  // namespace voc::verification
