// common/sla/local_zone: local days and wall-clock moments in a named zone
// (the overdue digest's 08:30), with and without daylight saving.
#include "common/sla/local_zone.h"

#include <gtest/gtest.h>

namespace voc::sla {
namespace {

constexpr TimeMs kHourMs = 3'600'000;
// 2026-12-04T00:00:00Z.
constexpr TimeMs kDec4Utc = 1'796'342'400'000;

TEST(LocalZone, ShanghaiDaysBeginAtSixteenHundredUtcTheDayBefore) {
  const LocalZone zone = LocalZone::Make("Asia/Shanghai").value();
  const DayNumber dec4 = *ParseIsoDate("2026-12-04");
  EXPECT_EQ(zone.AtLocal(dec4, 0), kDec4Utc - 8 * kHourMs);
  EXPECT_EQ(zone.AtLocal(dec4, 8 * 60 + 30), kDec4Utc + 30 * 60'000);
  EXPECT_EQ(zone.LocalDay(kDec4Utc - 8 * kHourMs), dec4);
  EXPECT_EQ(zone.LocalDay(kDec4Utc - 8 * kHourMs - 1), dec4 - 1);
  EXPECT_EQ(zone.OffsetMinutesAt(kDec4Utc), 480);
  EXPECT_EQ(zone.FormatLocal(kDec4Utc), "2026-12-04T08:00:00+08:00");
  EXPECT_EQ(zone.name(), "Asia/Shanghai");
}

TEST(LocalZone, AZoneWithDaylightSavingKeepsTheWallClockTimeAcrossTheChange) {
  const LocalZone berlin = LocalZone::Make("Europe/Berlin").value();
  // 08:30 the day before and the day of the spring-forward (2026-03-29),
  // and after the fall-back (2026-10-25).
  EXPECT_EQ(berlin.AtLocal(*ParseIsoDate("2026-03-28"), 510), 1'774'683'000'000);
  EXPECT_EQ(berlin.AtLocal(*ParseIsoDate("2026-03-29"), 510), 1'774'765'800'000);
  EXPECT_EQ(berlin.AtLocal(*ParseIsoDate("2026-10-25"), 510), 1'792'913'400'000);
  EXPECT_EQ(berlin.FormatLocal(1'774'765'800'000), "2026-03-29T08:30:00+02:00");
  // 02:30 does not exist that night: read in the offset before the change,
  // it is 01:30 UTC, 03:30 summer time.
  EXPECT_EQ(berlin.AtLocal(*ParseIsoDate("2026-03-29"), 150), 1'774'747'800'000);
  EXPECT_EQ(berlin.FormatLocal(1'774'747'800'000), "2026-03-29T03:30:00+02:00");
  EXPECT_EQ(berlin.FormatLocal(1'792'913'400'000), "2026-10-25T08:30:00+01:00");
  const LocalZone new_york = LocalZone::Make("America/New_York").value();
  EXPECT_EQ(new_york.FormatLocal(kDec4Utc), "2026-12-03T19:00:00-05:00");
  EXPECT_EQ(new_york.LocalDay(kDec4Utc), *ParseIsoDate("2026-12-03"));
}

TEST(LocalZone, AnUnknownZoneIsRefusedByName) {
  const auto made = LocalZone::Make("Asia/Atlantis");
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(made.status().message().find("Asia/Atlantis"), std::string::npos);
}

TEST(ParseMinuteOfDay, TakesOnlyHhMm) {
  EXPECT_EQ(ParseMinuteOfDay("08:30"), 510);
  EXPECT_EQ(ParseMinuteOfDay("00:00"), 0);
  EXPECT_EQ(ParseMinuteOfDay("23:59"), 23 * 60 + 59);
  for (const char* bad : {"24:00", "8:30", "08:60", "08-30", "ab:cd", "", "08:30:00"}) {
    EXPECT_FALSE(ParseMinuteOfDay(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace voc::sla
