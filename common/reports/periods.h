// Reporting periods: the civil days and ISO weeks (Monday first) that
// report points are bucketed into, shared by every service's figures so a
// week means the same Monday-to-Sunday everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace voc::reports {

// Days since 1970-01-01 (may be negative).
using DayNumber = long;

// "YYYY-MM-DD" → day number; nullopt when malformed or not a real date
// (2026-02-30).
std::optional<DayNumber> ParseDay(std::string_view text);
std::string FormatDay(DayNumber day);

// The report day of a moment: the civil day at `utc_offset_minutes` east
// of UTC (480 for China Standard Time) that contains `unix_ms`.
DayNumber DayOfMoment(long long unix_ms, int utc_offset_minutes);
// The first moment (Unix ms) of `day` at that offset.
long long DayStartMs(DayNumber day, int utc_offset_minutes);

// The report time zone every service buckets its figures in unless
// configured (reports.utc_offset_minutes): UTC+8, China Standard Time,
// which has no daylight saving. A roll-up made at one offset is rebuilt
// after the offset changes (docs/operations.md).
inline constexpr int kDefaultReportUtcOffsetMinutes = 480;

// The Monday on or before `day`.
DayNumber WeekStart(DayNumber day);

// An inclusive range of days checked for a request: both days well formed,
// start not after end, at most `max_days` long. Errors name the field, e.g.
// "end_day: before start_day".
struct DayRange {
  DayNumber start = 0;
  DayNumber end = 0;
  long days() const { return end - start + 1; }
};
absl::StatusOr<DayRange> ParseDayRange(std::string_view start_day, std::string_view end_day,
                                       long max_days);

}  // namespace voc::reports
