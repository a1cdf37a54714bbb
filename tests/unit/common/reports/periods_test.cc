#include "common/reports/periods.h"

#include <gtest/gtest.h>

namespace voc::reports {
namespace {

TEST(PeriodsTest, ParsesAndFormatsDaysRoundTrip) {
  EXPECT_EQ(ParseDay("1970-01-01"), 0);
  EXPECT_EQ(ParseDay("1970-01-02"), 1);
  EXPECT_EQ(ParseDay("1969-12-31"), -1);
  for (long day = -800; day < 30000; day += 97) {
    const auto parsed = ParseDay(FormatDay(day));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, day);
  }
  EXPECT_EQ(FormatDay(*ParseDay("2026-12-02")), "2026-12-02");
}

TEST(PeriodsTest, RefusesMalformedAndImpossibleDates) {
  for (const char* bad : {"", "2026-1-02", "2026/12/02", "2026-02-30", "2026-13-01", "20261202", "2026-12-0x",
                          "2025-02-29"}) {
    EXPECT_FALSE(ParseDay(bad)) << bad;
  }
  EXPECT_TRUE(ParseDay("2024-02-29"));
}

TEST(PeriodsTest, WeeksStartOnMonday) {
  // 2026-11-30 is a Monday; 2026-12-06 the Sunday of the same ISO week.
  const long monday = *ParseDay("2026-11-30");
  for (long day = monday; day < monday + 7; ++day) EXPECT_EQ(WeekStart(day), monday) << FormatDay(day);
  EXPECT_EQ(WeekStart(monday + 7), monday + 7);
  EXPECT_EQ(WeekStart(monday - 1), monday - 7);
  // Before 1970 too: 1969-12-29 was a Monday.
  EXPECT_EQ(FormatDay(WeekStart(*ParseDay("1969-12-31"))), "1969-12-29");
}

TEST(PeriodsTest, RangeErrorsNameTheField) {
  auto reversed = ParseDayRange("2026-12-02", "2026-12-01", 400);
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(reversed.status().message().find("end_day"), std::string::npos);
  auto bad_start = ParseDayRange("yesterday", "2026-12-01", 400);
  ASSERT_FALSE(bad_start.ok());
  EXPECT_NE(bad_start.status().message().find("start_day"), std::string::npos);
  auto too_long = ParseDayRange("2025-01-01", "2026-12-01", 400);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("at most 400"), std::string::npos);
  auto ok = ParseDayRange("2026-09-03", "2026-12-01", 400);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->days(), 90);
}

TEST(PeriodsTest, AMomentFallsOnItsLocalDay) {
  const DayNumber dec1 = *ParseDay("2026-12-01");
  const long long utc_midnight = static_cast<long long>(dec1) * 86'400'000;
  // 2026-12-01 00:00 UTC is 08:00 in China: still Dec 1 there.
  EXPECT_EQ(DayOfMoment(utc_midnight, 480), dec1);
  // 2026-11-30 16:00 UTC is 2026-12-01 00:00 in China; one ms earlier is Nov 30.
  EXPECT_EQ(DayOfMoment(utc_midnight - 8 * 3'600'000, 480), dec1);
  EXPECT_EQ(DayOfMoment(utc_midnight - 8 * 3'600'000 - 1, 480), dec1 - 1);
  EXPECT_EQ(DayOfMoment(utc_midnight - 1, 0), dec1 - 1);
  // West of UTC, and before 1970 (floor, not truncation).
  EXPECT_EQ(DayOfMoment(utc_midnight + 4 * 3'600'000, -300), dec1 - 1);
  EXPECT_EQ(DayOfMoment(-1, 0), -1);
  EXPECT_EQ(DayStartMs(dec1, 480), utc_midnight - 8 * 3'600'000);
  EXPECT_EQ(DayOfMoment(DayStartMs(dec1, -300), -300), dec1);
}

}  // namespace
}  // namespace voc::reports
