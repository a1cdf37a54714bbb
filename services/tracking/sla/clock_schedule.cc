#include "services/tracking/sla/clock_schedule.h"

#include <algorithm>
#include <cmath>

namespace voc::tracking {
namespace {

// The earliest moment m in [lo, due] with Between(m, due) <= left. Between
// is non-increasing in m, so bisection finds it to the millisecond in ~40
// calls whatever the calendar.
sla::TimeMs EarliestWithAtMostLeft(const sla::BusinessCalendar& calendar, sla::TimeMs lo,
                                   sla::TimeMs due, sla::DurationMs left) {
  if (lo >= due || calendar.Between(lo, due) <= left) return std::min(lo, due);
  sla::TimeMs bad = lo;   // Between(bad, due) > left
  sla::TimeMs good = due; // Between(good, due) == 0 <= left
  while (good - bad > 1) {
    const sla::TimeMs mid = bad + (good - bad) / 2;
    if (calendar.Between(mid, due) <= left) {
      good = mid;
    } else {
      bad = mid;
    }
  }
  return good;
}

// Business time a warning leaves before the due moment.
sla::DurationMs LeftAtWarning(const sla::WarningPoint& warning, sla::DurationMs target_ms) {
  if (warning.before > 0) return warning.before;
  return static_cast<sla::DurationMs>(
      std::llround(static_cast<double>(target_ms) * (1.0 - warning.fraction)));
}

}  // namespace

std::string WarningPointName(const std::string& warning_id) { return "warn:" + warning_id; }
std::string LevelPointName(int level) { return "level:" + std::to_string(level); }

std::vector<ScheduledPoint> ScheduledPoints(const ClockRow& row, const sla::ClockTarget& target,
                                            const sla::BusinessCalendar& calendar) {
  std::vector<ScheduledPoint> points;
  if (row.met_ms.has_value() || !row.due_ms.has_value()) return points;
  const sla::TimeMs due = *row.due_ms;

  for (const sla::WarningPoint& warning : target.warnings) {
    ScheduledPoint point;
    point.name = WarningPointName(warning.id);
    point.kind = PointKind::kWarning;
    point.warning = &warning;
    const sla::DurationMs left = LeftAtWarning(warning, row.target_ms);
    const sla::TimeMs start = std::min(row.started_ms, due);
    // Passed before the current running stretch (or at its start): due at
    // once. Otherwise the moment lies inside the running stretch, where
    // Between counts exactly what the clock counts.
    point.at_ms = left >= row.target_ms - row.used_ms
                      ? start
                      : EarliestWithAtMostLeft(calendar, start, due, left);
    points.push_back(point);
  }
  ScheduledPoint breach;
  breach.name = kBreachPoint;
  breach.kind = PointKind::kBreach;
  breach.at_ms = due;
  points.push_back(breach);
  for (const sla::EscalationLevel& level : target.escalation) {
    ScheduledPoint point;
    point.name = LevelPointName(level.level);
    point.kind = PointKind::kEscalation;
    point.level = &level;
    // Level moments count from the breach in business time, so a level due
    // "4h after" a Friday-evening breach comes on Monday, not on Saturday.
    point.at_ms = level.after_breach > 0 ? calendar.Add(due, level.after_breach) : due;
    points.push_back(point);
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const ScheduledPoint& a, const ScheduledPoint& b) { return a.at_ms < b.at_ms; });
  return points;
}

std::optional<sla::TimeMs> NextCheckMs(const ClockRow& row, const sla::ClockTarget& target,
                                       const sla::BusinessCalendar& calendar,
                                       const std::set<std::string>& fired_points) {
  for (const ScheduledPoint& point : ScheduledPoints(row, target, calendar)) {
    if (!fired_points.contains(point.name)) return point.at_ms;  // sorted: the first is the earliest
  }
  return std::nullopt;
}

}  // namespace voc::tracking
