// The two SLA clocks of a case (first response, resolution) as plain values
// and the arithmetic that moves them on case events, kept free of storage,
// gRPC and the wall clock so it is tested with a fake calendar and times.
//
// One CaseClock is one row of case_clocks (tracking migration 3). Business
// time is counted on the clock's calendar:
//   running:  due_ms = calendar.Add(started_ms, target_ms - used_ms)
//   paused:   due_ms unset, paused_since_ms set, used_ms holds what was used
//   met:      met_ms set; used_ms holds the business time it took
// started_ms is when the current running stretch began (the start, or the
// last resume / re-target), so "used so far" is
//   used_ms + calendar.Between(started_ms, now) while running.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/sla/sla_policy.h"
#include "services/tracking/sla/clock_schedule.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// The calendar and policy id of a clock whose due moment a caller fixed
// (CreateCaseRequest.due_time / sla): counted on the wall clock.
inline constexpr char kWallClockCalendar[] = "24x7";
inline constexpr char kOverridePolicy[] = "request-override";

// cases.due_ms and the per-clock due columns hold this when no clock is
// running (all met or paused): sorts after every real due, never overdue.
inline constexpr std::int64_t kNoOpenDueMs = 253402300799999LL;  // 9999-12-31T23:59:59.999Z

// A clock is a case_clocks row as services/tracking/sla/clock_schedule.h
// declares it (shared with the sweeper); case_id is left empty here.
using CaseClock = ClockRow;

// Neither met nor paused.
inline bool IsRunning(const CaseClock& c) { return !c.met_ms && !c.paused_since_ms; }

// Counts all the time: the calendar of override clocks and the fallback when
// a stored clock names a calendar the policies no longer have.
class WallClockCalendar final : public sla::BusinessCalendar {
 public:
  const std::string& id() const override { return id_; }
  sla::TimeMs Add(sla::TimeMs start, sla::DurationMs business) const override {
    return start + (business > 0 ? business : 0);
  }
  sla::DurationMs Between(sla::TimeMs from, sla::TimeMs to) const override {
    return to > from ? to - from : 0;
  }
  bool IsWorkingTime(sla::TimeMs) const override { return true; }
  static const WallClockCalendar& Instance();

 private:
  std::string id_ = kWallClockCalendar;
};

// A clock started at `start_ms` with the policy's target for `clock`.
CaseClock StartClock(const std::string& clock, const sla::SlaPolicy& policy,
                     const sla::ClockTarget& target, const sla::BusinessCalendar& calendar,
                     sla::TimeMs start_ms);
// A wall-clock resolution clock due at `due_ms` (a caller's override).
CaseClock StartOverrideClock(const std::string& clock, sla::TimeMs start_ms, sla::TimeMs due_ms);

// Business time used by `now_ms` (frozen once paused or met).
sla::DurationMs UsedAt(const CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms);
// target - used at `now_ms`; negative once past due.
sla::DurationMs RemainingAt(const CaseClock& c, const sla::BusinessCalendar& calendar,
                            sla::TimeMs now_ms);

// Each returns whether it changed the clock (a met clock never changes; a
// paused clock does not pause again; only a paused clock resumes).
bool MeetClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms);
bool PauseClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms);
bool ResumeClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms);
// A new target (and policy, calendar) for an open clock: the business time
// used so far is kept and counted against the new target.
bool RetargetClock(CaseClock& c, const sla::SlaPolicy& policy, const sla::ClockTarget& target,
                   const sla::BusinessCalendar& old_calendar,
                   const sla::BusinessCalendar& new_calendar, sla::TimeMs now_ms);

// The policy's target for a clock name.
const sla::ClockTarget& TargetOf(const sla::SlaPolicy& policy, const std::string& clock);

// The due columns of the case row (list order and the nearer open due).
struct CaseDues {
  std::int64_t first_response_ms = kNoOpenDueMs;
  std::int64_t resolution_ms = kNoOpenDueMs;
  std::int64_t nearest_ms = kNoOpenDueMs;
};
CaseDues DuesOf(const std::vector<CaseClock>& clocks);

// The store carries a clock inside the Case as read: the row's own values
// (used = used_ms before the running stretch, no remaining/overdue). These
// two convert between that and a CaseClock.
void StoredClockToProto(const CaseClock& c, v1::SlaClock* out);
CaseClock ClockFromStoredProto(const std::string& clock, const v1::SlaClock& in);
// The clocks a stored case carries (none for a case from before migration 3).
std::vector<CaseClock> ClocksOf(const v1::Case& c);

// The clock as the API shows it at `now_ms` (used, remaining, overdue).
void ClockToProto(const CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms,
                  v1::SlaClock* out);

// "first response due 2026-03-03T00:00:00Z (8h business, policy p-complaint)".
std::string DescribeClock(const CaseClock& c);

}  // namespace voc::tracking
