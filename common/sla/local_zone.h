// A named time zone (IANA, "Asia/Shanghai") for the few things that happen
// at a local wall-clock time rather than after business time (issue 11: the
// daily overdue digest at 08:30). Offsets come from ICU's time-zone
// database, like the working-hours calendars' (business_calendar.h), so a
// zone with daylight saving gets its digest at 08:30 all year, which a fixed
// UTC offset (reports.utc_offset_minutes) would not.
// Immutable once made; any number of threads may read it.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <optional>
#include <string>

#include "common/sla/civil_date.h"
#include "common/sla/sla_policy.h"

namespace voc::sla {

class LocalZone {
 public:
  // INVALID_ARGUMENT naming the zone when ICU does not know it.
  static absl::StatusOr<LocalZone> Make(const std::string& name);

  const std::string& name() const { return name_; }
  // The zone's offset from UTC at `utc`, in minutes (480 for UTC+8).
  int OffsetMinutesAt(TimeMs utc) const;
  // The local civil day `utc` falls on.
  DayNumber LocalDay(TimeMs utc) const;
  // The UTC moment of local `minute_of_day` on `day`. A wall time skipped by
  // a spring-forward is read in the offset before the change (02:30 becomes
  // 03:30 summer time); one that exists twice is its first occurrence.
  TimeMs AtLocal(DayNumber day, int minute_of_day) const;
  // "2026-12-04T17:00:00+08:00": `utc` as local time with its offset.
  std::string FormatLocal(TimeMs utc) const;

 private:
  struct Impl;
  LocalZone(std::string name, std::shared_ptr<const Impl> impl) : name_(std::move(name)), impl_(std::move(impl)) {}
  std::string name_;
  std::shared_ptr<const Impl> impl_;
};

// "08:30" -> 510; nullopt unless HH:MM with HH 00..23 and MM 00..59.
std::optional<int> ParseMinuteOfDay(const std::string& text);

}  // namespace voc::sla
