// A holiday file (config/calendars/cn-2026.yaml ...): one year's public
// holidays and adjusted working days (China's 调休: a Saturday or Sunday that
// is worked, to bridge a holiday). The operator maintains these files from
// the official notice each year; a year without a file counts by the weekly
// pattern alone.
//
//   year: 2026
//   status: official            # or provisional (not yet published)
//   source: "..."               # where the dates come from
//   holidays:                   # days off, also when they fall on weekdays
//     - { name: 春节 Spring Festival, from: 2026-02-15, to: 2026-02-23 }
//     - { name: 清明节 Qingming, date: 2026-04-05 }
//   workdays:                   # weekend days that are worked (调休)
//     - { name: 春节调休, date: 2026-02-14 }
#pragma once

#include <set>
#include <string>

#include "common/config/yaml_file.h"
#include "common/sla/civil_date.h"

namespace voc::sla {

struct HolidayYear {
  std::string source;  // the file, for messages
  int year = 0;
  bool provisional = false;
  std::set<DayNumber> holidays;  // days off
  std::set<DayNumber> workdays;  // weekend days worked (调休)
};

// Reads and checks one holiday file. `working_weekdays[w]` (0 = Monday) says
// which weekdays the calendar normally works, so an adjusted working day that
// is already a working day is refused (it would change nothing: a typo).
// Throws ConfigError "<file>:<line>: <problem>" (call inside config::LoadYaml).
HolidayYear ReadHolidayFile(const config::YamlSource& file, const bool (&working_weekdays)[7]);

}  // namespace voc::sla
