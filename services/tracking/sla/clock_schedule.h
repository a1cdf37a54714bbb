// When the SLA sweeper must next look at a case's clock (issue 11).
//
// A clock (first response or resolution) has points along it: warnings
// ("warn:<id>", at a fraction of the target or a business time before the
// due moment), the breach ("breach", at the due moment) and the escalation
// levels ("level:<n>", a business time after the breach). Each point fires
// at most once; the sweeper records fired points in `sla_fired`.
//
// This file only computes moments; it reads no database and no clock, so
// clocks (which writes `case_clocks.next_check_ms` on every clock change),
// the sweeper (after it fires) and the task watchers share one answer.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/sla/sla_policy.h"

namespace voc::tracking {

// One row of `case_clocks` (tracking migration 3).
struct ClockRow {
  std::string case_id;
  std::string clock;                        // "first_response" | "resolution"
  std::string policy_id;
  std::string calendar_id;
  sla::DurationMs target_ms = 0;            // business time allowed
  // When the current running stretch began (the start, or the last resume
  // or re-target): the earliest moment a warning can be placed at.
  sla::TimeMs started_ms = 0;
  // The wall-clock moment at which the business time used reaches target_ms
  // if the clock keeps running; nullopt while paused.
  std::optional<sla::TimeMs> due_ms;
  sla::DurationMs used_ms = 0;              // business time used before the current running stretch
  std::optional<sla::TimeMs> paused_since_ms;
  std::optional<sla::TimeMs> met_ms;
  bool breached = false;
  std::optional<sla::TimeMs> next_check_ms;  // nullopt: nothing left to do
};

// Clock names as stored.
inline constexpr char kFirstResponseClock[] = "first_response";
inline constexpr char kResolutionClock[] = "resolution";

// Point names as stored in sla_fired.point and used in notification ids.
inline constexpr char kBreachPoint[] = "breach";
std::string WarningPointName(const std::string& warning_id);  // "warn:<id>"
std::string LevelPointName(int level);                        // "level:<n>"

enum class PointKind { kWarning, kBreach, kEscalation };

// One point of a running clock and the wall-clock moment it is reached.
struct ScheduledPoint {
  std::string name;       // "warn:75pct", "breach", "level:2"
  PointKind kind = PointKind::kWarning;
  sla::TimeMs at_ms = 0;
  const sla::WarningPoint* warning = nullptr;       // kind == kWarning
  const sla::EscalationLevel* level = nullptr;      // kind == kEscalation
};

// Every point of the clock with its moment, earliest first (ties keep the
// order warnings, breach, levels). Empty when the clock is met or paused
// (no due moment). Pointers refer into `target`, which must outlive the result.
//
// A warning's moment is the earliest moment at which the business time left
// before due_ms is at most what the warning leaves (target_ms * (1 -
// fraction), or `before`); it is found by bisection on Between, so it is
// right for any calendar and for clocks that were paused (whose running
// stretch start is not stored). A warning whose moment was already passed
// before a pause comes out at started_ms, i.e. due at once. A level's moment
// is Add(due_ms, after_breach).
std::vector<ScheduledPoint> ScheduledPoints(const ClockRow& row, const sla::ClockTarget& target,
                                            const sla::BusinessCalendar& calendar);

// The earliest moment of a point not in `fired_points`; nullopt when the
// clock is met, paused, or every point has fired.
std::optional<sla::TimeMs> NextCheckMs(const ClockRow& row, const sla::ClockTarget& target,
                                       const sla::BusinessCalendar& calendar,
                                       const std::set<std::string>& fired_points);

}  // namespace voc::tracking
