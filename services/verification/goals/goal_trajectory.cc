#include "services/verification/goals/goal_trajectory.h"

#include <algorithm>

namespace voc::verification {

double ExpectedOn(const GoalLine& line, reports::DayNumber day) {
  const double span = static_cast<double>(line.deadline_day - line.start_day);
  if (span <= 0) return line.target;
  const double progress = std::clamp(static_cast<double>(day - line.start_day) / span, 0.0, 1.0);
  return line.baseline + (line.target - line.baseline) * progress;
}

int DirectionOf(const GoalLine& line) {
  if (line.target > line.baseline) return 1;
  if (line.target < line.baseline) return -1;
  return 0;
}

Standing Evaluate(const GoalLine& line, reports::DayNumber day, std::optional<double> value, bool met_before) {
  Standing s;
  s.expected = ExpectedOn(line, day);
  const int direction = DirectionOf(line);
  // "At or beyond" in the goal's direction: multiplying by the direction
  // turns a goal to lower the figure into one to raise it. The tolerance
  // keeps a value exactly on the line (interpolated in floating point) on it.
  auto at_or_beyond = [direction](double v, double mark) { return direction * (v - mark) >= -1e-9; };
  if (met_before) {
    s.status = v1::GOAL_STATUS_MET;
  } else if (day > line.deadline_day) {
    // Reaching the target after the deadline does not meet the goal.
    s.status = v1::GOAL_STATUS_MISSED;
  } else if (!value) {
    s.status = v1::GOAL_STATUS_NO_DATA;
  } else if (at_or_beyond(*value, line.target)) {
    s.status = v1::GOAL_STATUS_MET;
  } else if (at_or_beyond(*value, s.expected)) {
    s.status = v1::GOAL_STATUS_ON_TRACK;
  } else {
    s.status = v1::GOAL_STATUS_AT_RISK;
  }
  return s;
}

}  // namespace voc::verification
