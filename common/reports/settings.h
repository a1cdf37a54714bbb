// The report settings every service reads the same way (config/voc.yaml,
// section `reports`, or VOC_REPORTS_* in the environment):
//   reports:
//     utc_offset_minutes: 480   # the report time zone, -720 .. 840 (UTC+8 by default)
//     nps_min_answers: 30       # an NPS below this many answers is not shown, >= 1
// A value out of range is a ConfigError naming the file and key, so a
// misconfigured service refuses to start.
#pragma once

#include <cstdint>

#include "common/config/config.h"

namespace voc::reports {

struct ReportSettings {
  int utc_offset_minutes = 0;
  std::int64_t nps_min_answers = 0;
};

// Throws ConfigError (read at start, like every typed getter).
ReportSettings ReadReportSettings(const Config& config);

}  // namespace voc::reports
