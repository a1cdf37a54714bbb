// The two kinds of BusinessCalendar (common/sla/sla_policy.h):
//   - always on (24x7): business time is wall time;
//   - working hours in a time zone: given hours on given weekdays, minus the
//     holidays and plus the adjusted working days (调休) of holiday files.
//
// A working-hours calendar precomputes, at build time, every working stretch
// of every local day from 1970 to 2099 as UTC instants with the working time
// accumulated before it (about 70,000 stretches, ~2 MB). Add and Between are
// then two binary searches, so they can run on every case write. Local time
// to UTC goes through ICU's time-zone database (daylight saving included:
// a wall time skipped by a spring-forward counts from the transition).
// Outside 1970..2099 the calendar counts as 24x7 (documented; no case lives
// there).
#pragma once

#include <absl/status/statusor.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "common/sla/holiday_file.h"
#include "common/sla/sla_policy.h"

namespace voc::sla {

// A daily working stretch in local minutes since midnight, [begin, end);
// end may be 1440 (24:00).
struct LocalHours {
  int begin_minute = 0;
  int end_minute = 0;
};

struct WorkingHoursSpec {
  std::string id;
  std::string time_zone = "Asia/Shanghai";
  std::array<bool, 7> weekdays{true, true, true, true, true, false, false};  // Monday first
  std::vector<LocalHours> hours;    // sorted, not overlapping; also an adjusted working day's hours
  std::vector<HolidayYear> years;   // at most one per year
};

std::unique_ptr<BusinessCalendar> MakeAlwaysOnCalendar(std::string id);
// INVALID_ARGUMENT when the time zone is unknown to ICU or the hours are
// empty, unsorted or overlapping.
absl::StatusOr<std::unique_ptr<BusinessCalendar>> MakeWorkingHoursCalendar(const WorkingHoursSpec& spec);

}  // namespace voc::sla
