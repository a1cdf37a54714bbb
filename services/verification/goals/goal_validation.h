// What a new programme goal must say (issue 12). INVALID_ARGUMENT names the
// field ("goal.title: required"):
//   title         required, at most 200 bytes;
//   metric        one of GoalMetric;
//   scope         topic required for TOPIC_COMPLAINT_SHARE; projects
//                 ("projects/{id}", at least one, no repeats) required for
//                 PROJECTS_VERIFIED and nothing else there; the loop metrics
//                 take only a department; triage slices by topic or by
//                 department, so the voice metrics take one of the two;
//   start_day, deadline_day  "YYYY-MM-DD", the deadline after the start;
//   window_days   1 .. 400, 0 means 30 (not used by PROJECTS_VERIFIED);
//   baseline, target  finite, different, and in the metric's range
//                 (NPS -100 .. 100, percentages 0 .. 100, projects 0 .. n).
#pragma once

#include <absl/status/statusor.h>

#include "voc/v1/programme.pb.h"

namespace voc::verification {

inline constexpr int kDefaultGoalWindowDays = 30;
inline constexpr int kMaxGoalWindowDays = 400;
inline constexpr std::size_t kMaxGoalTitleBytes = 200;

// The goal as it will be stored (window_days defaulted), or the first
// problem found.
absl::StatusOr<v1::Goal> ValidateNewGoal(const v1::Goal& goal);

}  // namespace voc::verification
