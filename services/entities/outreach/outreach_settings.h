// Outreach settings (services.entities.outreach.* in config/voc.yaml):
//   outreach:
//     max_messages: 2            # proactive messages per customer ...
//     period_days: 30            # ... in any this many days, across campaigns
//     quiet_hours: {start: 21, end: 9}   # local hours of the customer's time zone
//     default_time_zone: Asia/Shanghai   # for customers without a time_zone
//     run_interval_ms: 10000     # how often due campaigns are run (0: only by RunCampaign)
//     min_group: 10              # fewer in a group: the effect verdict is too_few_customers
#pragma once

#include <absl/status/statusor.h>

#include "common/config/config.h"
#include "services/entities/outreach/contact_rules.h"

namespace voc::entities::outreach {

struct OutreachSettings {
  ContactRules rules;
  int run_interval_ms = 10000;
  int min_group = 10;
};

// INVALID_ARGUMENT "<file>:<line>: services.entities.outreach.<key>: ..." for a bad value.
absl::StatusOr<OutreachSettings> OutreachSettingsFrom(const Config& config);

}  // namespace voc::entities::outreach
