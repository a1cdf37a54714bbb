// Where a programme goal stands on a day (issue 12), pure: the straight
// line from the baseline on start_day to the target on deadline_day, and
// the status the day's value gives against it. The goal's direction is the
// sign of target - baseline, so a goal to lower a complaint share (target
// below baseline) is read the same way as one to raise NPS:
//
//   MET       the value reached the target (at or beyond it in the goal's
//             direction) on or before the deadline, or an earlier day was
//             already MET: a met goal stays met;
//   MISSED    the day is after the deadline and the goal was never met;
//   NO_DATA   no value for the day (too few answers, nothing to divide by);
//   ON_TRACK  the value is at or beyond the line's expected value;
//   AT_RISK   behind it, deadline not passed.
#pragma once

#include <optional>

#include "common/reports/periods.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

struct GoalLine {
  double baseline = 0;
  double target = 0;
  reports::DayNumber start_day = 0;
  reports::DayNumber deadline_day = 0;  // REQUIRES: after start_day
};

// The line's value on `day`: baseline before start_day, target after
// deadline_day, linear in between.
double ExpectedOn(const GoalLine& line, reports::DayNumber day);

// +1 when the goal is to raise the figure, -1 to lower it (0 only for a
// baseline equal to the target, which validation refuses).
int DirectionOf(const GoalLine& line);

struct Standing {
  v1::GoalStatus status = v1::GOAL_STATUS_NOT_EVALUATED;
  double expected = 0;
};

// The status of `day` for `value` (nullopt: no figure). `met_before`: an
// earlier day's evaluation was MET.
Standing Evaluate(const GoalLine& line, reports::DayNumber day, std::optional<double> value, bool met_before);

}  // namespace voc::verification
