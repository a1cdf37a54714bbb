// When the programme goals are evaluated (issue 12): RunIfDue, called often
// (verification's PeriodicWorker), evaluates yesterday and today in the
// report time zone at most once per `interval`
// (services.verification.goal_evaluation_interval_minutes, default 60).
// Yesterday is evaluated again so its final figures replace the partial
// ones of its last run, and a restart or a day the service was down catches
// up on the first run. A run that fails (the database is down) is not
// counted: the next call tries again. Goals whose figure could not be read
// are tried again on the next run.
// Thread safety: RunIfDue may be called from several threads; runs do not
// overlap.
#pragma once

#include <absl/status/statusor.h>

#include <mutex>
#include <optional>

#include "common/clock/clock.h"
#include "services/verification/goals/goal_service.h"

namespace voc::verification {

inline constexpr int kDefaultGoalEvaluationIntervalMinutes = 60;

class GoalScheduler {
 public:
  GoalScheduler(GoalService& service, Duration interval) : service_(service), interval_(interval) {}

  // nullopt when not due yet; else what the run did (both days together).
  absl::StatusOr<std::optional<GoalRunResult>> RunIfDue(TimePoint now);

 private:
  GoalService& service_;
  const Duration interval_;
  std::mutex mu_;
  std::optional<TimePoint> last_run_;  // guarded by mu_
};

}  // namespace voc::verification
