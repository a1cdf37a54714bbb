#include "services/entities/outreach/contact_rules.h"

#include <absl/time/time.h>

#include "common/status/status.h"

namespace voc::entities::outreach {

const char* DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kSend: return "send";
    case Decision::kOptedOut: return "opted_out";
    case Decision::kNoAddress: return "no_address";
    case Decision::kFrequencyLimit: return "frequency_limit";
    case Decision::kQuietHours: return "quiet_hours";
  }
  return "send";
}

int LocalHour(const ContactRules& rules, const std::string& time_zone, TimePoint now) {
  absl::TimeZone zone;
  if (time_zone.empty() || !absl::LoadTimeZone(time_zone, &zone)) {
    if (!absl::LoadTimeZone(rules.default_time_zone, &zone)) zone = absl::UTCTimeZone();
  }
  return zone.At(absl::FromChrono(now)).cs.hour();
}

Decision Decide(const ContactRules& rules, const CustomerFacts& customer, TimePoint now) {
  if (customer.opted_out) return Decision::kOptedOut;
  if (!customer.reachable) return Decision::kNoAddress;
  const TimePoint since = now - std::chrono::hours(24) * rules.period_days;
  int recent = 0;
  for (const TimePoint t : customer.sent_times) {
    if (t > since && t <= now) ++recent;
  }
  if (recent >= rules.max_messages) return Decision::kFrequencyLimit;
  if (rules.quiet_start_hour != rules.quiet_end_hour) {
    const int hour = LocalHour(rules, customer.time_zone, now);
    const bool quiet = rules.quiet_start_hour < rules.quiet_end_hour
                           ? hour >= rules.quiet_start_hour && hour < rules.quiet_end_hour
                           : hour >= rules.quiet_start_hour || hour < rules.quiet_end_hour;
    if (quiet) return Decision::kQuietHours;
  }
  return Decision::kSend;
}

absl::Status Validate(const ContactRules& rules, const std::string& prefix) {
  if (rules.max_messages < 0 || rules.max_messages > 100) {
    return status::InvalidArgument(prefix + ".max_messages", "must be in 0..100");
  }
  if (rules.period_days < 1 || rules.period_days > 366) {
    return status::InvalidArgument(prefix + ".period_days", "must be in 1..366");
  }
  if (rules.quiet_start_hour < 0 || rules.quiet_start_hour > 23) {
    return status::InvalidArgument(prefix + ".quiet_hours.start", "must be an hour in 0..23");
  }
  if (rules.quiet_end_hour < 0 || rules.quiet_end_hour > 23) {
    return status::InvalidArgument(prefix + ".quiet_hours.end", "must be an hour in 0..23");
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(rules.default_time_zone, &zone)) {
    return status::InvalidArgument(prefix + ".default_time_zone",
                                   "unknown time zone '" + rules.default_time_zone + "' (an IANA name, e.g. Asia/Shanghai)");
  }
  return absl::OkStatus();
}

}  // namespace voc::entities::outreach
