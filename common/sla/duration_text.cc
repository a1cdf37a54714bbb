#include "common/sla/duration_text.h"

#include <cctype>
#include <string>

#include "common/sla/civil_date.h"

namespace voc::sla {

std::optional<DurationMs> ParseBusinessDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::string_view kUnits = "hms";
  constexpr DurationMs kUnitMs[] = {3'600'000, 60'000, 1'000};
  DurationMs total = 0;
  std::size_t next_unit = 0;  // units must come in the order h, m, s, each once
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    DurationMs number = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (++digits > 9) return std::nullopt;  // no overflow, and no 10^9 hours either
      ++i;
    }
    if (i == text.size()) return std::nullopt;  // a number needs its unit
    const std::size_t unit = kUnits.find(text[i]);
    if (unit == std::string_view::npos || unit < next_unit) return std::nullopt;
    total += number * kUnitMs[unit];
    next_unit = unit + 1;
    ++i;
  }
  return total;
}

std::string FormatBusinessDuration(DurationMs ms) {
  if (ms <= 0) return "0h";
  std::string out;
  const DurationMs h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1'000 % 60;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s) out += std::to_string(s) + "s";
  return out.empty() ? "0h" : out;
}

std::optional<DayNumber> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t len) -> int {
    int v = 0;
    for (std::size_t k = from; k < from + len; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(text[k]))) return -1;
      v = v * 10 + (text[k] - '0');
    }
    return v;
  };
  const CivilDate date{number(0, 4), number(5, 2), number(8, 2)};
  if (date.year < 0 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31)
    return std::nullopt;
  const DayNumber day = DaysFromCivil(date);
  const CivilDate back = CivilFromDays(day);  // rejects 2026-02-30
  if (back.year != date.year || back.month != date.month || back.day != date.day) return std::nullopt;
  return day;
}

std::string FormatIsoDate(DayNumber day) {
  const CivilDate d = CivilFromDays(day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

}  // namespace voc::sla
