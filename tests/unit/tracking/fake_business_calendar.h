// A small working-hours calendar for the sweeper's unit tests: Monday to
// Friday 09:00-18:00 UTC, minus listed holidays, plus listed working
// Saturdays/Sundays. The real calendars (common/sla, time zones and holiday
// files) are tested by their owner; these tests need a calendar whose
// answers are obvious by hand.
#pragma once

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "common/sla/sla_policy.h"

namespace voc::tracking::sla_test {

inline constexpr sla::DurationMs kMinuteMs = 60'000;
inline constexpr sla::DurationMs kHourMs = 60 * kMinuteMs;
inline constexpr sla::DurationMs kDayMs = 24 * kHourMs;

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
inline std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Epoch ms of a UTC civil time.
inline sla::TimeMs Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, mo, d) * kDayMs + h * kHourMs + mi * kMinuteMs;
}

class FakeWorkingHoursCalendar final : public sla::BusinessCalendar {
 public:
  FakeWorkingHoursCalendar(std::string id, std::set<std::int64_t> holidays = {},
                           std::set<std::int64_t> working_weekend_days = {})
      : id_(std::move(id)), holidays_(std::move(holidays)), extra_(std::move(working_weekend_days)) {}

  const std::string& id() const override { return id_; }

  bool IsWorkingDay(std::int64_t day) const {
    if (holidays_.contains(day)) return false;
    if (extra_.contains(day)) return true;
    const std::int64_t weekday = ((day % 7) + 7 + 3) % 7;  // 0 = Monday; 1970-01-01 was a Thursday
    return weekday < 5;
  }

  sla::TimeMs Add(sla::TimeMs start, sla::DurationMs business) const override {
    std::int64_t day = FloorDiv(start, kDayMs);
    sla::TimeMs t = start;
    for (;;) {
      if (IsWorkingDay(day)) {
        const sla::TimeMs open = day * kDayMs + kOpen, close = day * kDayMs + kClose;
        const sla::TimeMs from = std::max(t, open);
        if (from < close) {
          if (from + business < close || (business == 0)) return from + business;
          if (from + business == close) return close;
          business -= close - from;
        }
      }
      ++day;
      t = day * kDayMs;
    }
  }

  sla::DurationMs Between(sla::TimeMs from, sla::TimeMs to) const override {
    if (to <= from) return 0;
    sla::DurationMs total = 0;
    for (std::int64_t day = FloorDiv(from, kDayMs); day * kDayMs < to; ++day) {
      if (!IsWorkingDay(day)) continue;
      const sla::TimeMs open = std::max(from, day * kDayMs + kOpen);
      const sla::TimeMs close = std::min(to, day * kDayMs + kClose);
      if (close > open) total += close - open;
    }
    return total;
  }

  bool IsWorkingTime(sla::TimeMs t) const override {
    const std::int64_t day = FloorDiv(t, kDayMs);
    const sla::TimeMs in_day = t - day * kDayMs;
    return IsWorkingDay(day) && in_day >= kOpen && in_day < kClose;
  }

 private:
  static constexpr sla::DurationMs kOpen = 9 * kHourMs;
  static constexpr sla::DurationMs kClose = 18 * kHourMs;
  static std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  }
  std::string id_;
  std::set<std::int64_t> holidays_;
  std::set<std::int64_t> extra_;
};

// Round the clock.
class FakeAlwaysCalendar final : public sla::BusinessCalendar {
 public:
  const std::string& id() const override { return id_; }
  sla::TimeMs Add(sla::TimeMs start, sla::DurationMs business) const override { return start + business; }
  sla::DurationMs Between(sla::TimeMs from, sla::TimeMs to) const override {
    return to > from ? to - from : 0;
  }
  bool IsWorkingTime(sla::TimeMs) const override { return true; }

 private:
  std::string id_ = "24x7";
};

}  // namespace voc::tracking::sla_test
