#include "common/util/time.h"

#include <gtest/gtest.h>

namespace voc {
namespace {

TEST(TimeTest, Rfc3339RoundTripsWithMilliseconds) {
  TimePoint t;
  ASSERT_TRUE(ParseRfc3339("2026-11-25T08:30:15.250Z", &t));
  EXPECT_EQ(FormatRfc3339(t), "2026-11-25T08:30:15.250Z");
}

TEST(TimeTest, Rfc3339AppliesOffsets) {
  TimePoint utc, shanghai;
  ASSERT_TRUE(ParseRfc3339("2026-11-25T00:00:00Z", &utc));
  ASSERT_TRUE(ParseRfc3339("2026-11-25T08:00:00+08:00", &shanghai));
  EXPECT_EQ(utc, shanghai);
}

TEST(TimeTest, Rfc3339RejectsGarbage) {
  TimePoint t;
  EXPECT_FALSE(ParseRfc3339("yesterday", &t));
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z", &t));
  EXPECT_FALSE(ParseRfc3339("2026-11-25T00:00:00Zjunk", &t));
}

TEST(TimeTest, ProtoTimestampKeepsMillis) {
  auto ts = MillisToProto(1764057600123);
  EXPECT_EQ(ProtoToMillis(ts), 1764057600123);
  EXPECT_EQ(ToMillis(FromProto(ts)), 1764057600123);
}

TEST(TimeTest, ParsesDurations) {
  Duration d;
  ASSERT_TRUE(ParseDuration("25h", &d));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(d).count(), 25);
  ASSERT_TRUE(ParseDuration("90d", &d));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(d).count(), 90 * 24);
  ASSERT_TRUE(ParseDuration("1500ms", &d));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(d).count(), 1500);
  EXPECT_FALSE(ParseDuration("h", &d));
  EXPECT_FALSE(ParseDuration("5 weeks", &d));
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(FromMillis(1000));
  EXPECT_EQ(ToMillis(clock.Now()), 1000);
  clock.Advance(std::chrono::hours(25));
  EXPECT_EQ(ToMillis(clock.Now()), 1000 + 25 * 3600 * 1000LL);
}

TEST(ClockTest, DevClockAddsItsOffsetToWallTime) {
  DevClock clock;
  auto before = std::chrono::system_clock::now();
  clock.Advance(std::chrono::hours(25));
  EXPECT_GE(clock.Now() - before, std::chrono::hours(25));
  EXPECT_EQ(clock.offset(), std::chrono::hours(25));
}

}  // namespace
}  // namespace voc
