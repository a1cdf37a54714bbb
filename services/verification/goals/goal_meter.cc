#include "services/verification/goals/goal_meter.h"

#include <vector>

#include "common/status/status.h"
#include "proto/api/resource_names.h"

namespace voc::verification {
namespace {

// The trailing window of `goal` ending on `day`, as a voice filter.
v1::VoiceFilter WindowFilter(const v1::Goal& goal, reports::DayNumber day) {
  v1::VoiceFilter filter;
  filter.set_start_day(reports::FormatDay(day - goal.window_days() + 1));
  filter.set_end_day(reports::FormatDay(day));
  filter.set_product(goal.scope().product());
  filter.set_region(goal.scope().region());
  filter.set_department(goal.scope().department());
  filter.set_topic(goal.scope().topic());
  return filter;
}

GoalFigure NoValue(std::int64_t basis, std::string note) { return GoalFigure{std::nullopt, basis, std::move(note)}; }

}  // namespace

absl::StatusOr<GoalFigure> GoalMeter::Measure(const v1::Goal& goal, reports::DayNumber day) {
  switch (goal.metric()) {
    case v1::GOAL_METRIC_NPS:
      return Nps(goal, day);
    case v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE:
      return ComplaintShare(goal, day);
    case v1::GOAL_METRIC_HOT_LOOP_RATE:
    case v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE:
      return Loop(goal, day);
    case v1::GOAL_METRIC_PROJECTS_VERIFIED:
      return ProjectsVerified(goal, day);
    default:
      return absl::InternalError("goals/" + goal.id() + ": unknown metric");
  }
}

absl::StatusOr<GoalFigure> GoalMeter::Nps(const v1::Goal& goal, reports::DayNumber day) {
  VOC_ASSIGN_OR_RETURN(const v1::VoiceTrend trend, voice_.GetVoiceTrend(WindowFilter(goal, day)));
  const v1::NpsFigure& nps = trend.total().nps();
  if (!nps.shown()) {
    return NoValue(nps.answers(), "fewer than " + std::to_string(nps.min_answers()) + " NPS answers (" +
                                      std::to_string(nps.answers()) + ")");
  }
  return GoalFigure{nps.nps(), nps.answers(), ""};
}

absl::StatusOr<GoalFigure> GoalMeter::ComplaintShare(const v1::Goal& goal, reports::DayNumber day) {
  const v1::VoiceFilter with_topic = WindowFilter(goal, day);
  v1::VoiceFilter all = with_topic;
  all.clear_topic();
  VOC_ASSIGN_OR_RETURN(const v1::VoiceTrend all_trend, voice_.GetVoiceTrend(all));
  const std::int64_t negative = all_trend.total().negative();
  if (negative == 0) return NoValue(0, "no negative feedback in the window");
  VOC_ASSIGN_OR_RETURN(const v1::VoiceTrend topic_trend, voice_.GetVoiceTrend(with_topic));
  return GoalFigure{100.0 * static_cast<double>(topic_trend.total().negative()) / static_cast<double>(negative),
                    negative, ""};
}

absl::StatusOr<GoalFigure> GoalMeter::Loop(const v1::Goal& goal, reports::DayNumber day) {
  v1::GetLoopReportRequest request;
  request.set_start_day(reports::FormatDay(day - goal.window_days() + 1));
  request.set_end_day(reports::FormatDay(day));
  request.set_department(goal.scope().department());
  VOC_ASSIGN_OR_RETURN(const v1::LoopReport report, loop_.GetLoopReport(request));
  if (goal.metric() == v1::GOAL_METRIC_HOT_LOOP_RATE) {
    const auto& hot = report.hot_loop();
    const std::int64_t decided = hot.detractor_cases() - hot.awaiting();
    if (decided <= 0) return NoValue(0, "no detractor callback decided in the window");
    return GoalFigure{100.0 * hot.rate(), decided, ""};
  }
  std::int64_t due = 0, met = 0;
  for (const auto& row : report.rows()) {
    due += row.first_response().due();
    met += row.first_response().met();
  }
  if (due == 0) return NoValue(0, "no first response due in the window");
  return GoalFigure{100.0 * static_cast<double>(met) / static_cast<double>(due), due, ""};
}

absl::StatusOr<GoalFigure> GoalMeter::ProjectsVerified(const v1::Goal& goal, reports::DayNumber day) {
  std::vector<std::string> ids;
  for (const auto& name : goal.scope().projects()) ids.push_back(api::IdFromName(name, "projects/"));
  // Verdicts up to the end of the day, so re-evaluating a past day gives
  // the count it had then.
  VOC_ASSIGN_OR_RETURN(const std::int64_t verified,
                       store_.CountVerifiedProjects(ids, reports::DayStartMs(day + 1, utc_offset_minutes_)));
  return GoalFigure{static_cast<double>(verified), static_cast<std::int64_t>(ids.size()), ""};
}

}  // namespace voc::verification
