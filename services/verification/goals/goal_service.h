// Programme goals (issue 12): "NPS of Xingchen E7 from 12 to 17 by
// 2027-06-30". Analysts create and archive them; everyone who may see the
// figures a goal tracks reads it with its daily history (goal_access.h);
// EvaluateDay measures every active goal once a day (GoalScheduler) and
// stores its standing against the straight line baseline -> target
// (goal_trajectory.h).
//
// Evaluating a day: every active goal whose start day is on or before it,
// except those already settled (a MET or MISSED recorded) when the day is
// more than a day past their deadline. One evaluation per goal and day;
// evaluating a day again replaces it. A goal whose figure cannot be read
// now (a source error) keeps what it had for that day and is named in
// `errors`, to be tried again on the next run: it never gets a status from
// a figure it did not get.
// Errors (common/status/status.h): INVALID_ARGUMENT names the field;
// NOT_FOUND names the goal; PERMISSION_DENIED (goal_access.h); UNAVAILABLE
// while the database is down.
// Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/reports/periods.h"
#include "services/verification/goals/goal_meter.h"
#include "services/verification/goals/goal_store.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

struct GoalSettings {
  int utc_offset_minutes = reports::kDefaultReportUtcOffsetMinutes;
};

struct GoalRunResult {
  int evaluated = 0;
  std::vector<std::string> errors;  // "goals/{id}: <why>"
};

class GoalService {
 public:
  GoalService(Clock& clock, GoalStore& store, GoalMeter& meter, GoalSettings settings)
      : clock_(clock), store_(store), meter_(meter), settings_(settings) {}
  GoalService(const GoalService&) = delete;
  GoalService& operator=(const GoalService&) = delete;

  // --- the API (GoalGrpc); each checks the caller (goal_access.h) ---
  // created_by is the caller (Principal::Actor), whatever the request says.
  absl::StatusOr<v1::Goal> CreateGoal(const auth::Principal& caller, const v1::CreateGoalRequest& request);
  absl::StatusOr<v1::Goal> GetGoal(const auth::Principal& caller, const v1::GetGoalRequest& request);
  absl::StatusOr<v1::ListGoalsResponse> ListGoals(const auth::Principal& caller, const v1::ListGoalsRequest& request);
  absl::StatusOr<v1::ListGoalHistoryResponse> ListGoalHistory(const auth::Principal& caller,
                                                              const v1::ListGoalHistoryRequest& request);
  // Archiving an archived goal returns it unchanged.
  absl::StatusOr<v1::Goal> ArchiveGoal(const auth::Principal& caller, const v1::ArchiveGoalRequest& request);
  // The day given, or today by the service clock (the caller is checked by
  // GoalGrpc: MayEvaluateGoals).
  absl::StatusOr<v1::EvaluateGoalsResponse> EvaluateGoals(const v1::EvaluateGoalsRequest& request);

  // --- the scheduler ---
  absl::StatusOr<GoalRunResult> EvaluateDay(reports::DayNumber day);
  // The report day of `now`.
  reports::DayNumber DayOf(TimePoint now) const;

 private:
  // The goal named `name`, if the caller may read it (PERMISSION_DENIED for
  // a missing one unless the caller sees every department).
  absl::StatusOr<v1::Goal> ReadableGoal(const auth::Principal& caller, const std::string& name);
  // Evaluates one goal for `day`; false when it was skipped (settled).
  absl::StatusOr<bool> EvaluateGoal(const v1::Goal& goal, reports::DayNumber day, GoalRunResult& result);

  Clock& clock_;
  GoalStore& store_;
  GoalMeter& meter_;
  GoalSettings settings_;
};

}  // namespace voc::verification
