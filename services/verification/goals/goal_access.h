// Who may call which GoalService RPC (issue 12; docs/api.md, "Programme
// goals"). Each answers OK or PERMISSION_DENIED naming what the caller lacks.
//   create, archive   an analyst or an admin (keys: admin);
//   read              goals are scoped like the figures they track
//                     (auth::VisibleFigures): a company-wide goal (no
//                     department) to anyone who may see any figures, a
//                     department's goal to those who see that department;
//   EvaluateGoals     an operator's act: admin or cases:write.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <optional>
#include <set>
#include <string>

#include "common/auth/principal.h"

namespace voc::verification {

absl::Status MayManageGoals(const auth::Principal& caller);
// A goal of `department` ("" = company-wide).
absl::Status MayReadGoal(const auth::Principal& caller, const std::string& department);
absl::Status MayEvaluateGoals(const auth::Principal& caller);

// The departments whose goals a list returns to `caller`: nullopt for
// every department, else a set holding "" (company-wide goals) and the
// caller's departments. PERMISSION_DENIED when the caller sees no figures.
absl::StatusOr<std::optional<std::set<std::string>>> VisibleGoalDepartments(const auth::Principal& caller);

}  // namespace voc::verification
