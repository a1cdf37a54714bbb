#include "services/tracking/case_clocks.h"

#include <algorithm>

#include "common/util/time.h"

namespace voc::tracking {
namespace {

google::protobuf::Duration DurationProto(sla::DurationMs ms) {
  return ToProto(std::chrono::milliseconds(ms));
}
sla::DurationMs DurationMsOf(const google::protobuf::Duration& d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(d)).count();
}

}  // namespace

const WallClockCalendar& WallClockCalendar::Instance() {
  static const WallClockCalendar calendar;
  return calendar;
}

CaseClock StartClock(const std::string& clock, const sla::SlaPolicy& policy,
                     const sla::ClockTarget& target, const sla::BusinessCalendar& calendar,
                     sla::TimeMs start_ms) {
  CaseClock c;
  c.clock = clock;
  c.policy_id = policy.id;
  c.calendar_id = calendar.id();
  c.target_ms = target.target;
  c.started_ms = start_ms;
  c.due_ms = calendar.Add(start_ms, target.target);
  return c;
}

CaseClock StartOverrideClock(const std::string& clock, sla::TimeMs start_ms, sla::TimeMs due_ms) {
  CaseClock c;
  c.clock = clock;
  c.policy_id = kOverridePolicy;
  c.calendar_id = kWallClockCalendar;
  c.target_ms = std::max<sla::DurationMs>(0, due_ms - start_ms);
  c.started_ms = start_ms;
  c.due_ms = due_ms;
  return c;
}

sla::DurationMs UsedAt(const CaseClock& c, const sla::BusinessCalendar& calendar,
                       sla::TimeMs now_ms) {
  if (!IsRunning(c)) return c.used_ms;
  return c.used_ms + calendar.Between(c.started_ms, now_ms);
}

sla::DurationMs RemainingAt(const CaseClock& c, const sla::BusinessCalendar& calendar,
                            sla::TimeMs now_ms) {
  return c.target_ms - UsedAt(c, calendar, now_ms);
}

bool MeetClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms) {
  if (c.met_ms) return false;
  c.used_ms = UsedAt(c, calendar, now_ms);
  c.met_ms = now_ms;
  c.paused_since_ms.reset();  // met while waiting on the customer: no longer paused
  // A clock met while paused keeps no due; a running one keeps the due it
  // was met against, for the record.
  return true;
}

bool PauseClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms) {
  if (!IsRunning(c)) return false;
  c.used_ms = UsedAt(c, calendar, now_ms);
  c.paused_since_ms = now_ms;
  c.due_ms.reset();
  return true;
}

bool ResumeClock(CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms) {
  if (c.met_ms || !c.paused_since_ms) return false;
  c.paused_since_ms.reset();
  c.started_ms = now_ms;
  // Past due before the pause: due again at once (the next working moment).
  c.due_ms = calendar.Add(now_ms, std::max<sla::DurationMs>(0, c.target_ms - c.used_ms));
  return true;
}

bool RetargetClock(CaseClock& c, const sla::SlaPolicy& policy, const sla::ClockTarget& target,
                   const sla::BusinessCalendar& old_calendar,
                   const sla::BusinessCalendar& new_calendar, sla::TimeMs now_ms) {
  if (c.met_ms) return false;
  const bool paused = c.paused_since_ms.has_value();
  c.used_ms = UsedAt(c, old_calendar, now_ms);
  c.policy_id = policy.id;
  c.calendar_id = new_calendar.id();
  c.target_ms = target.target;
  if (!paused) {
    c.started_ms = now_ms;
    c.due_ms = new_calendar.Add(now_ms, std::max<sla::DurationMs>(0, c.target_ms - c.used_ms));
  }
  return true;
}

const sla::ClockTarget& TargetOf(const sla::SlaPolicy& policy, const std::string& clock) {
  return clock == kFirstResponseClock ? policy.first_response : policy.resolution;
}

CaseDues DuesOf(const std::vector<CaseClock>& clocks) {
  CaseDues d;
  for (const CaseClock& c : clocks) {
    if (!IsRunning(c) || !c.due_ms) continue;
    if (c.clock == kFirstResponseClock) d.first_response_ms = *c.due_ms;
    if (c.clock == kResolutionClock) d.resolution_ms = *c.due_ms;
    d.nearest_ms = std::min(d.nearest_ms, *c.due_ms);
  }
  return d;
}

void StoredClockToProto(const CaseClock& c, v1::SlaClock* out) {
  out->set_policy_id(c.policy_id);
  out->set_calendar_id(c.calendar_id);
  *out->mutable_target() = DurationProto(c.target_ms);
  *out->mutable_started_time() = MillisToProto(c.started_ms);
  if (c.due_ms) *out->mutable_due_time() = MillisToProto(*c.due_ms);
  *out->mutable_used() = DurationProto(c.used_ms);
  out->set_paused(c.paused_since_ms.has_value());
  if (c.paused_since_ms) *out->mutable_paused_since() = MillisToProto(*c.paused_since_ms);
  out->set_met(c.met_ms.has_value());
  if (c.met_ms) *out->mutable_met_time() = MillisToProto(*c.met_ms);
  out->set_breached(c.breached);
}

CaseClock ClockFromStoredProto(const std::string& clock, const v1::SlaClock& in) {
  CaseClock c;
  c.clock = clock;
  c.policy_id = in.policy_id();
  c.calendar_id = in.calendar_id();
  c.target_ms = DurationMsOf(in.target());
  c.started_ms = ProtoToMillis(in.started_time());
  if (in.has_due_time()) c.due_ms = ProtoToMillis(in.due_time());
  c.used_ms = DurationMsOf(in.used());
  if (in.paused()) c.paused_since_ms = ProtoToMillis(in.paused_since());
  if (in.met()) c.met_ms = ProtoToMillis(in.met_time());
  c.breached = in.breached();
  return c;
}

std::vector<CaseClock> ClocksOf(const v1::Case& c) {
  std::vector<CaseClock> out;
  if (c.has_first_response()) out.push_back(ClockFromStoredProto(kFirstResponseClock, c.first_response()));
  if (c.has_resolution()) out.push_back(ClockFromStoredProto(kResolutionClock, c.resolution()));
  return out;
}

void ClockToProto(const CaseClock& c, const sla::BusinessCalendar& calendar, sla::TimeMs now_ms,
                  v1::SlaClock* out) {
  out->Clear();
  StoredClockToProto(c, out);
  *out->mutable_used() = DurationProto(UsedAt(c, calendar, now_ms));
  *out->mutable_remaining() = DurationProto(RemainingAt(c, calendar, now_ms));
  out->set_overdue(IsRunning(c) && c.due_ms && *c.due_ms < now_ms);
}

std::string DescribeClock(const CaseClock& c) {
  std::string name = c.clock == kFirstResponseClock ? "first response" : "resolution";
  std::string out = name;
  if (c.met_ms) {
    out += " met";
  } else if (c.paused_since_ms) {
    out += " paused";
  } else if (c.due_ms) {
    out += " due " + FormatRfc3339(FromMillis(*c.due_ms));
  }
  const long long minutes = c.target_ms / 60000;
  out += " (" + std::to_string(minutes / 60) + "h" +
         (minutes % 60 ? std::to_string(minutes % 60) + "m" : "") + " on " + c.calendar_id +
         ", policy " + c.policy_id + ")";
  return out;
}

}  // namespace voc::tracking
