// Proleptic Gregorian civil dates as day numbers (days since 1970-01-01),
// the arithmetic the calendars need to walk local days. This is calendar
// arithmetic only; time-zone offsets come from ICU (business_calendar.cc).
// Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date
// Algorithms" (public domain).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voc::sla {

// Days since 1970-01-01 (negative before).
using DayNumber = std::int32_t;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

constexpr DayNumber DaysFromCivil(CivilDate d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(d.month > 2 ? d.month - 3 : d.month + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<DayNumber>(doe) - 719468;
}

constexpr CivilDate CivilFromDays(DayNumber z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

// 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday).
constexpr int WeekdayMondayZero(DayNumber z) { return static_cast<int>(((z % 7) + 7 + 3) % 7); }

// "YYYY-MM-DD" with a real date (no 2026-02-30); nullopt otherwise.
std::optional<DayNumber> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(DayNumber day);

}  // namespace voc::sla
