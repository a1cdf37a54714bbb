#include "services/verification/goals/goal_scheduler.h"

#include "common/status/status.h"

namespace voc::verification {

absl::StatusOr<std::optional<GoalRunResult>> GoalScheduler::RunIfDue(TimePoint now) {
  std::lock_guard lock(mu_);
  if (last_run_ && now - *last_run_ < interval_) return std::nullopt;
  const reports::DayNumber today = service_.DayOf(now);
  GoalRunResult total;
  for (const reports::DayNumber day : {today - 1, today}) {
    VOC_ASSIGN_OR_RETURN(GoalRunResult run, service_.EvaluateDay(day));
    total.evaluated += run.evaluated;
    for (auto& error : run.errors) total.errors.push_back(std::move(error));
  }
  last_run_ = now;
  return std::optional<GoalRunResult>(std::move(total));
}

}  // namespace voc::verification
