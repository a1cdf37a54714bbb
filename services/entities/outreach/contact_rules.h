// The contact rules of proactive outreach (issue 13), across campaigns:
// never after opt-out; at most `max_messages` proactive messages per
// customer in any `period_days`; never during quiet hours in the
// customer's time zone (a send then waits for the next run after them).
// Time is the caller's (an injected clock); nothing here reads a clock.
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "common/clock/clock.h"

namespace voc::entities::outreach {

struct ContactRules {
  int max_messages = 2;
  int period_days = 30;
  // Local hours [quiet_start_hour, quiet_end_hour), wrapping midnight when
  // start > end (21 -> 9: 21:00 to 08:59); equal: no quiet hours.
  int quiet_start_hour = 21;
  int quiet_end_hour = 9;
  // For a customer without a (known) time_zone.
  std::string default_time_zone = "Asia/Shanghai";
};

struct CustomerFacts {
  bool opted_out = false;
  std::string time_zone;             // IANA name, e.g. "Europe/London"; "" = the default
  bool reachable = true;             // the channel has an address for them
  std::vector<TimePoint> sent_times; // proactive messages sent to them, any campaign
};

enum class Decision { kSend, kOptedOut, kNoAddress, kFrequencyLimit, kQuietHours };

// opted_out | no_address | frequency_limit | quiet_hours | send
const char* DecisionName(Decision decision);
// Whether the decision is final for this campaign (all but quiet hours).
inline bool IsFinal(Decision d) { return d != Decision::kQuietHours; }

Decision Decide(const ContactRules& rules, const CustomerFacts& customer, TimePoint now);

// The local hour (0..23) at `now` in `time_zone` (the default's when unknown).
int LocalHour(const ContactRules& rules, const std::string& time_zone, TimePoint now);

// INVALID_ARGUMENT naming the setting for a rule out of range or an unknown
// default time zone.
absl::Status Validate(const ContactRules& rules, const std::string& prefix);

}  // namespace voc::entities::outreach
