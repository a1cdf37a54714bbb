#include "services/verification/goals/goal_validation.h"

#include <cmath>
#include <set>
#include <string>

#include "common/reports/periods.h"
#include "common/status/status.h"
#include "proto/api/resource_names.h"

namespace voc::verification {
namespace {

bool IsVoiceMetric(v1::GoalMetric m) {
  return m == v1::GOAL_METRIC_NPS || m == v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE;
}

absl::Status CheckScope(const v1::Goal& goal) {
  const v1::GoalScope& scope = goal.scope();
  const v1::GoalMetric metric = goal.metric();
  if (metric == v1::GOAL_METRIC_PROJECTS_VERIFIED) {
    if (scope.projects().empty()) return status::InvalidArgument("goal.scope.projects", "required for PROJECTS_VERIFIED");
    std::set<std::string> seen;
    for (const auto& name : scope.projects()) {
      const std::string id = api::IdFromName(name, "projects/");
      if (id.empty()) return status::InvalidArgument("goal.scope.projects", "expected \"projects/{id}\", got \"" + name + "\"");
      if (!seen.insert(id).second) return status::InvalidArgument("goal.scope.projects", "\"" + name + "\" named twice");
    }
    if (!scope.product().empty() || !scope.region().empty() || !scope.department().empty() || !scope.topic().empty()) {
      return status::InvalidArgument("goal.scope", "PROJECTS_VERIFIED takes only projects");
    }
    return absl::OkStatus();
  }
  if (!scope.projects().empty()) return status::InvalidArgument("goal.scope.projects", "only for PROJECTS_VERIFIED");
  if (IsVoiceMetric(metric)) {
    if (metric == v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE && scope.topic().empty()) {
      return status::InvalidArgument("goal.scope.topic", "required for TOPIC_COMPLAINT_SHARE");
    }
    if (!scope.topic().empty() && !scope.department().empty()) {
      return status::InvalidArgument("goal.scope.department",
                                     "not with scope.topic (triage's figures slice by one of them)");
    }
    return absl::OkStatus();
  }
  // Hot-loop rate and first-response compliance: tracking reports by department.
  if (!scope.product().empty()) return status::InvalidArgument("goal.scope.product", "not used by the loop metrics");
  if (!scope.region().empty()) return status::InvalidArgument("goal.scope.region", "not used by the loop metrics");
  if (!scope.topic().empty()) return status::InvalidArgument("goal.scope.topic", "not used by the loop metrics");
  return absl::OkStatus();
}

absl::Status CheckRange(const char* field, double value, double low, double high) {
  if (!std::isfinite(value)) return status::InvalidArgument(field, "must be a finite number");
  if (value < low || value > high) {
    return status::InvalidArgument(field, "must be in " + std::to_string(static_cast<long long>(low)) + " .. " +
                                              std::to_string(static_cast<long long>(high)));
  }
  return absl::OkStatus();
}

absl::Status CheckNumbers(const v1::Goal& goal) {
  double low = 0, high = 100;
  if (goal.metric() == v1::GOAL_METRIC_NPS) low = -100;
  if (goal.metric() == v1::GOAL_METRIC_PROJECTS_VERIFIED) high = static_cast<double>(goal.scope().projects_size());
  VOC_RETURN_IF_ERROR(CheckRange("goal.baseline", goal.baseline(), low, high));
  VOC_RETURN_IF_ERROR(CheckRange("goal.target", goal.target(), low, high));
  if (goal.baseline() == goal.target()) return status::InvalidArgument("goal.target", "must differ from baseline");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Goal> ValidateNewGoal(const v1::Goal& goal) {
  if (goal.title().empty()) return status::InvalidArgument("goal.title", "required");
  if (goal.title().size() > kMaxGoalTitleBytes) {
    return status::InvalidArgument("goal.title", "at most " + std::to_string(kMaxGoalTitleBytes) + " bytes");
  }
  if (goal.metric() == v1::GOAL_METRIC_UNSPECIFIED || !v1::GoalMetric_IsValid(goal.metric())) {
    return status::InvalidArgument("goal.metric", "required: one of GoalMetric");
  }
  VOC_RETURN_IF_ERROR(CheckScope(goal));
  const auto start = reports::ParseDay(goal.start_day());
  if (!start) return status::InvalidArgument("goal.start_day", "expected a day \"YYYY-MM-DD\"");
  const auto deadline = reports::ParseDay(goal.deadline_day());
  if (!deadline) return status::InvalidArgument("goal.deadline_day", "expected a day \"YYYY-MM-DD\"");
  if (*deadline <= *start) return status::InvalidArgument("goal.deadline_day", "must be after start_day");
  v1::Goal out = goal;
  if (out.window_days() == 0) out.set_window_days(kDefaultGoalWindowDays);
  if (out.window_days() < 1 || out.window_days() > kMaxGoalWindowDays) {
    return status::InvalidArgument("goal.window_days", "must be 1 .. " + std::to_string(kMaxGoalWindowDays));
  }
  VOC_RETURN_IF_ERROR(CheckNumbers(out));
  return out;
}

}  // namespace voc::verification
