#include "common/reports/settings.h"

#include <string>

#include "common/reports/nps.h"
#include "common/reports/periods.h"

namespace voc::reports {

ReportSettings ReadReportSettings(const Config& config) {
  ReportSettings s;
  const std::int64_t offset = config.GetInt("reports.utc_offset_minutes", kDefaultReportUtcOffsetMinutes);
  // UTC-12:00 to UTC+14:00, the zones in use.
  if (offset < -720 || offset > 840)
    throw ConfigError(config.Where("reports.utc_offset_minutes") + ": reports.utc_offset_minutes: " +
                      std::to_string(offset) + " is outside -720 .. 840");
  s.utc_offset_minutes = static_cast<int>(offset);
  s.nps_min_answers = config.GetInt("reports.nps_min_answers", kDefaultNpsMinAnswers);
  if (s.nps_min_answers < 1)
    throw ConfigError(config.Where("reports.nps_min_answers") + ": reports.nps_min_answers: must be at least 1");
  return s;
}

}  // namespace voc::reports
