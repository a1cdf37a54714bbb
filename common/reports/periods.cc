#include "common/reports/periods.h"

#include <chrono>
#include <cstdio>

#include "absl/status/status.h"

namespace voc::reports {
namespace {

bool TwoDigits(std::string_view s, int& out) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
  out = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

}  // namespace

std::optional<DayNumber> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  int month = 0, day = 0;
  if (!TwoDigits(text.substr(5, 2), month) || !TwoDigits(text.substr(8, 2), day)) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

std::string FormatDay(DayNumber day) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

DayNumber DayOfMoment(long long unix_ms, int utc_offset_minutes) {
  constexpr long long kDayMs = 86'400'000;
  const long long local = unix_ms + static_cast<long long>(utc_offset_minutes) * 60'000;
  // Floor division: a moment before 1970 falls on the day before, not after.
  return static_cast<DayNumber>(local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs));
}

long long DayStartMs(DayNumber day, int utc_offset_minutes) {
  return static_cast<long long>(day) * 86'400'000 - static_cast<long long>(utc_offset_minutes) * 60'000;
}

DayNumber WeekStart(DayNumber day) {
  // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
  const long weekday = ((day + 3) % 7 + 7) % 7;
  return day - weekday;
}

absl::StatusOr<DayRange> ParseDayRange(std::string_view start_day, std::string_view end_day,
                                       long max_days) {
  const auto start = ParseDay(start_day);
  if (!start) return absl::InvalidArgumentError("start_day: expected YYYY-MM-DD, got \"" + std::string(start_day) + "\"");
  const auto end = ParseDay(end_day);
  if (!end) return absl::InvalidArgumentError("end_day: expected YYYY-MM-DD, got \"" + std::string(end_day) + "\"");
  if (*end < *start) return absl::InvalidArgumentError("end_day: before start_day");
  DayRange range{*start, *end};
  if (range.days() > max_days) {
    return absl::InvalidArgumentError("end_day: the range is " + std::to_string(range.days()) +
                                      " days; at most " + std::to_string(max_days) + " are allowed");
  }
  return range;
}

}  // namespace voc::reports
