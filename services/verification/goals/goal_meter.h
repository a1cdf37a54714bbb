// A goal's figure for one day (issue 12): asks the figure sources
// (goal_figures.h) or verification's own checks for the window ending on
// the day, and says what the value rests on:
//   NPS                        total.nps.nps of GetVoiceTrend over the scope
//                              (product, region, department or topic); no
//                              value while it is not shown (too few answers);
//                              basis = answers.
//   TOPIC_COMPLAINT_SHARE      100 * negative with the topic / negative
//                              without it (same product and region); no
//                              value without negative feedback; basis = the
//                              negative feedback.
//   HOT_LOOP_RATE              100 * hot_loop.rate of GetLoopReport (the
//                              scope's department); no value when no
//                              detractor case is decided; basis = decided
//                              detractor cases.
//   FIRST_RESPONSE_COMPLIANCE  100 * sum of first_response.met / due over
//                              the report's rows; no value when nothing was
//                              due; basis = due.
//   PROJECTS_VERIFIED          how many named projects have a VERIFIED check
//                              by the day's end; basis = named projects.
// An error of a source comes back as is (the goal is retried later).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/reports/periods.h"
#include "services/verification/goals/goal_figures.h"
#include "services/verification/goals/goal_store.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

struct GoalFigure {
  std::optional<double> value;
  std::int64_t basis = 0;
  std::string note;  // why there is no value, in English
};

class GoalMeter {
 public:
  GoalMeter(VoiceTrendSource& voice, LoopReportSource& loop, GoalStore& store, int utc_offset_minutes)
      : voice_(voice), loop_(loop), store_(store), utc_offset_minutes_(utc_offset_minutes) {}

  // REQUIRES: `goal` passed validation (goal_validation.h).
  absl::StatusOr<GoalFigure> Measure(const v1::Goal& goal, reports::DayNumber day);

 private:
  absl::StatusOr<GoalFigure> Nps(const v1::Goal& goal, reports::DayNumber day);
  absl::StatusOr<GoalFigure> ComplaintShare(const v1::Goal& goal, reports::DayNumber day);
  absl::StatusOr<GoalFigure> Loop(const v1::Goal& goal, reports::DayNumber day);
  absl::StatusOr<GoalFigure> ProjectsVerified(const v1::Goal& goal, reports::DayNumber day);

  VoiceTrendSource& voice_;
  LoopReportSource& loop_;
  GoalStore& store_;
  int utc_offset_minutes_;
};

}  // namespace voc::verification
