#include "common/sla/business_calendar.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>

#include <algorithm>
#include <map>

#include "common/sla/civil_date.h"

namespace voc::sla {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMinuteMs = 60'000;
constexpr int kFirstYear = 1970;
constexpr int kEndYear = 2100;  // exclusive

class AlwaysOnCalendar final : public BusinessCalendar {
 public:
  explicit AlwaysOnCalendar(std::string id) : id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  TimeMs Add(TimeMs start, DurationMs business) const override {
    return start + std::max<DurationMs>(business, 0);
  }
  DurationMs Between(TimeMs from, TimeMs to) const override { return to > from ? to - from : 0; }
  bool IsWorkingTime(TimeMs) const override { return true; }

 private:
  std::string id_;
};

// One working stretch [begin, end) in UTC with the working time of all
// stretches before it, so the working time up to any instant is one lookup.
struct Stretch {
  TimeMs begin;
  TimeMs end;
  DurationMs before;  // working time from the table's first stretch to `begin`
};

class WorkingHoursCalendar final : public BusinessCalendar {
 public:
  WorkingHoursCalendar(std::string id, std::vector<Stretch> stretches, TimeMs table_begin, TimeMs table_end)
      : id_(std::move(id)), stretches_(std::move(stretches)), table_begin_(table_begin), table_end_(table_end) {
    total_ = stretches_.empty() ? 0 : stretches_.back().before + (stretches_.back().end - stretches_.back().begin);
  }

  const std::string& id() const override { return id_; }

  TimeMs Add(TimeMs start, DurationMs business) const override {
    if (business <= 0) return NextWorkingMoment(start);
    const DurationMs target = Accumulated(start) + business;
    if (target <= 0) return table_begin_ + target;             // before the table: 24x7
    if (target > total_) return table_end_ + (target - total_);  // after the table: 24x7
    // The first stretch whose end reaches the target; the moment is inside it
    // (or at its end: 8h from 09:00 on a 09:00-18:00 day with lunch ends at 18:00).
    auto it = std::lower_bound(stretches_.begin(), stretches_.end(), target,
                               [](const Stretch& s, DurationMs t) { return s.before + (s.end - s.begin) < t; });
    return it->begin + (target - it->before);
  }

  DurationMs Between(TimeMs from, TimeMs to) const override {
    return to > from ? Accumulated(to) - Accumulated(from) : 0;
  }

  bool IsWorkingTime(TimeMs t) const override {
    if (t < table_begin_ || t >= table_end_) return true;
    const Stretch* s = StretchAtOrBefore(t);
    return s != nullptr && t < s->end;
  }

 private:
  // The last stretch beginning at or before t, or nullptr.
  const Stretch* StretchAtOrBefore(TimeMs t) const {
    auto it = std::upper_bound(stretches_.begin(), stretches_.end(), t,
                               [](TimeMs v, const Stretch& s) { return v < s.begin; });
    return it == stretches_.begin() ? nullptr : &*std::prev(it);
  }

  // Working time from the table's first stretch to t; continuous and
  // non-decreasing in t (negative before the table, where time counts 24x7).
  DurationMs Accumulated(TimeMs t) const {
    if (t < table_begin_) return t - table_begin_;
    if (t >= table_end_) return total_ + (t - table_end_);
    const Stretch* s = StretchAtOrBefore(t);
    if (s == nullptr) return 0;
    return s->before + (std::min(t, s->end) - s->begin);
  }

  TimeMs NextWorkingMoment(TimeMs t) const {
    if (IsWorkingTime(t)) return t;
    auto it = std::upper_bound(stretches_.begin(), stretches_.end(), t,
                               [](TimeMs v, const Stretch& s) { return v < s.begin; });
    return it == stretches_.end() ? table_end_ : it->begin;
  }

  std::string id_;
  std::vector<Stretch> stretches_;
  TimeMs table_begin_;
  TimeMs table_end_;
  DurationMs total_ = 0;
};

// Local wall time (ms since 1970-01-01 00:00 local) to UTC with ICU. A wall
// time that does not exist (spring forward) maps to the transition; one that
// exists twice (fall back) to its first occurrence.
class LocalToUtc {
 public:
  explicit LocalToUtc(const icu::BasicTimeZone& zone) : zone_(zone) {}
  absl::StatusOr<TimeMs> operator()(std::int64_t local_ms) const {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone_.getOffsetFromLocal(static_cast<UDate>(local_ms), UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw, dst,
                             status);
    if (U_FAILURE(status)) return absl::InternalError(std::string("ICU offset lookup: ") + u_errorName(status));
    return local_ms - raw - dst;
  }

 private:
  const icu::BasicTimeZone& zone_;
};

bool IsWorkingDay(DayNumber day, const WorkingHoursSpec& spec, const std::map<int, const HolidayYear*>& years) {
  auto year = years.find(CivilFromDays(day).year);
  if (year != years.end()) {
    if (year->second->holidays.count(day)) return false;
    if (year->second->workdays.count(day)) return true;
  }
  return spec.weekdays[WeekdayMondayZero(day)];
}

}  // namespace

std::unique_ptr<BusinessCalendar> MakeAlwaysOnCalendar(std::string id) {
  return std::make_unique<AlwaysOnCalendar>(std::move(id));
}

absl::StatusOr<std::unique_ptr<BusinessCalendar>> MakeWorkingHoursCalendar(const WorkingHoursSpec& spec) {
  if (spec.hours.empty()) return absl::InvalidArgumentError("calendar " + spec.id + ": hours are empty");
  for (std::size_t i = 0; i < spec.hours.size(); ++i) {
    const LocalHours& h = spec.hours[i];
    if (h.begin_minute < 0 || h.end_minute > 1440 || h.begin_minute >= h.end_minute)
      return absl::InvalidArgumentError("calendar " + spec.id + ": hours[" + std::to_string(i) +
                                        "] must begin before they end, within one day");
    if (i > 0 && spec.hours[i - 1].end_minute > h.begin_minute)
      return absl::InvalidArgumentError("calendar " + spec.id + ": hours[" + std::to_string(i) +
                                        "] overlap or come before the previous hours");
  }
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(spec.time_zone)));
  icu::UnicodeString zone_id;
  zone->getID(zone_id);
  const auto* basic = dynamic_cast<const icu::BasicTimeZone*>(zone.get());
  if (basic == nullptr || zone_id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID))
    return absl::InvalidArgumentError("calendar " + spec.id + ": time zone '" + spec.time_zone +
                                      "' is unknown (an IANA name such as Asia/Shanghai)");
  std::map<int, const HolidayYear*> years;
  for (const HolidayYear& y : spec.years) {
    if (!years.emplace(y.year, &y).second)
      return absl::InvalidArgumentError("calendar " + spec.id + ": two holiday files for " + std::to_string(y.year) +
                                        " (" + years[y.year]->source + ", " + y.source + ")");
  }

  const LocalToUtc to_utc(*basic);
  const DayNumber first_day = DaysFromCivil({kFirstYear, 1, 1});
  const DayNumber end_day = DaysFromCivil({kEndYear, 1, 1});
  std::vector<Stretch> stretches;
  stretches.reserve(static_cast<std::size_t>(end_day - first_day) * spec.hours.size() * 5 / 7 + 16);
  DurationMs accumulated = 0;
  for (DayNumber day = first_day; day < end_day; ++day) {
    if (!IsWorkingDay(day, spec, years)) continue;
    for (const LocalHours& h : spec.hours) {
      auto begin = to_utc(day * kDayMs + h.begin_minute * kMinuteMs);
      auto end = to_utc(day * kDayMs + h.end_minute * kMinuteMs);
      if (!begin.ok()) return begin.status();
      if (!end.ok()) return end.status();
      TimeMs b = *begin;
      if (!stretches.empty()) b = std::max(b, stretches.back().end);  // a fall-back hour is counted once
      if (*end <= b) continue;
      if (!stretches.empty() && stretches.back().end == b) {
        stretches.back().end = *end;  // 00:00-24:00 days join into one stretch
      } else {
        stretches.push_back({b, *end, accumulated});
      }
      accumulated += *end - b;
    }
  }
  // The table's ends: local midnights, so times just outside count 24x7.
  auto table_begin = to_utc(first_day * kDayMs);
  auto table_end = to_utc(end_day * kDayMs);
  if (!table_begin.ok()) return table_begin.status();
  if (!table_end.ok()) return table_end.status();
  return std::make_unique<WorkingHoursCalendar>(spec.id, std::move(stretches), *table_begin, *table_end);
}

}  // namespace voc::sla
