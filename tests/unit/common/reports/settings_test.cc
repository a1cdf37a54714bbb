// The report settings every service reads (common/reports/settings.h): the
// defaults, and a value out of range refusing to start naming the file, the
// line and the key.
#include "common/reports/settings.h"

#include <gtest/gtest.h>

#include "common/reports/nps.h"
#include "common/reports/periods.h"

namespace voc::reports {
namespace {

std::string ErrorOf(const std::string& yaml) {
  const Config config = Config::FromString(yaml, "triage").value();
  try {
    ReadReportSettings(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ReportSettingsTest, DefaultsAreChinaStandardTimeAndThirtyAnswers) {
  const auto settings = ReadReportSettings(Config::FromString("redis: {port: 1}\n", "triage").value());
  EXPECT_EQ(settings.utc_offset_minutes, kDefaultReportUtcOffsetMinutes);
  EXPECT_EQ(settings.utc_offset_minutes, 480);
  EXPECT_EQ(settings.nps_min_answers, kDefaultNpsMinAnswers);
}

TEST(ReportSettingsTest, ValuesInRangeAreTaken) {
  const auto settings =
      ReadReportSettings(Config::FromString("reports: {utc_offset_minutes: -300, nps_min_answers: 5}\n", "").value());
  EXPECT_EQ(settings.utc_offset_minutes, -300);
  EXPECT_EQ(settings.nps_min_answers, 5);
}

TEST(ReportSettingsTest, OutOfRangeValuesNameTheLineAndKey) {
  EXPECT_EQ(ErrorOf("redis: {port: 1}\nreports:\n  utc_offset_minutes: 900\n"),
            "<string>:3: reports.utc_offset_minutes: 900 is outside -720 .. 840");
  EXPECT_EQ(ErrorOf("reports:\n  utc_offset_minutes: 60\n  nps_min_answers: 0\n"),
            "<string>:3: reports.nps_min_answers: must be at least 1");
  EXPECT_EQ(ErrorOf("reports:\n  nps_min_answers: many\n"),
            "<string>:2: reports.nps_min_answers must be an integer, got \"many\"");
}

}  // namespace
}  // namespace voc::reports
