// Business calendars at fixed instants (no clock is read): the shipped
// cn-office calendar (Beijing office hours 09:00-12:00, 13:00-18:00 Mon-Fri
// with config/calendars/cn-2026.yaml and cn-2027.yaml) and a 24x7 one.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "common/sla/business_calendar.h"
#include "common/sla/civil_date.h"
#include "common/sla/sla_policy.h"

namespace voc::sla {
namespace {

constexpr DurationMs kMinute = 60'000;
constexpr DurationMs kHour = 60 * kMinute;

// Beijing wall time as a UTC instant. China has had no daylight saving since
// 1991, so the expected values are written with its fixed +08:00; the
// calendar itself asks ICU.
TimeMs Beijing(int y, int mo, int d, int h, int mi = 0) {
  return static_cast<TimeMs>(DaysFromCivil({y, mo, d})) * 24 * kHour + h * kHour + mi * kMinute - 8 * kHour;
}

class CnOfficeCalendarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = LoadSlaPolicies("config/sla_policies.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    policies_ = new std::shared_ptr<const SlaPolicies>(*loaded);
  }
  static void TearDownTestSuite() { delete policies_; }
  const BusinessCalendar& office() const {
    const BusinessCalendar* c = (*policies_)->FindCalendar("cn-office");
    EXPECT_NE(c, nullptr);
    return *c;
  }
  const BusinessCalendar& always() const { return *(*policies_)->FindCalendar("24x7"); }
  static std::shared_ptr<const SlaPolicies>* policies_;
};
std::shared_ptr<const SlaPolicies>* CnOfficeCalendarTest::policies_ = nullptr;

TEST_F(CnOfficeCalendarTest, FridayEveningTargetBreachesOnMondayNotSaturdayNight) {
  // The case: a complaint opened Friday 17:00 with 8 business hours.
  const TimeMs opened = Beijing(2026, 12, 4, 17);  // a Friday
  EXPECT_EQ(office().Add(opened, 8 * kHour), Beijing(2026, 12, 7, 17));  // Monday 17:00
  EXPECT_EQ(office().Between(opened, Beijing(2026, 12, 7, 17)), 8 * kHour);
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 12, 5, 10)));  // Saturday
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 12, 6, 10)));  // Sunday
  EXPECT_EQ(office().Between(Beijing(2026, 12, 5, 0), Beijing(2026, 12, 7, 0)), 0);
}

TEST_F(CnOfficeCalendarTest, LunchAndNightDoNotCount) {
  EXPECT_EQ(office().Add(Beijing(2026, 12, 1, 11), 2 * kHour), Beijing(2026, 12, 1, 14));
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 12, 1, 12, 30)));
  EXPECT_TRUE(office().IsWorkingTime(Beijing(2026, 12, 1, 9)));
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 12, 1, 18)));  // the end is not working time
  // A full working day is 8 hours; a whole week 40.
  EXPECT_EQ(office().Between(Beijing(2026, 11, 30, 0), Beijing(2026, 12, 1, 0)), 8 * kHour);
  EXPECT_EQ(office().Between(Beijing(2026, 11, 30, 0), Beijing(2026, 12, 7, 0)), 40 * kHour);
}

TEST_F(CnOfficeCalendarTest, AcrossMidnight) {
  EXPECT_EQ(office().Add(Beijing(2026, 12, 1, 17, 30), kHour), Beijing(2026, 12, 2, 9, 30));
  EXPECT_EQ(office().Between(Beijing(2026, 12, 1, 17, 30), Beijing(2026, 12, 2, 9, 30)), kHour);
  EXPECT_EQ(always().Add(Beijing(2026, 12, 1, 23, 30), kHour), Beijing(2026, 12, 2, 0, 30));
  EXPECT_EQ(always().Between(Beijing(2026, 12, 1, 23, 30), Beijing(2026, 12, 2, 0, 30)), kHour);
}

TEST_F(CnOfficeCalendarTest, PublicHolidayIsSkipped) {
  // National Day: 2026-10-01 .. 10-07 off (a Thursday to a Wednesday).
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 10, 5, 10)));  // a Monday, but a holiday
  EXPECT_EQ(office().Add(Beijing(2026, 9, 30, 17), 2 * kHour), Beijing(2026, 10, 8, 10));
  EXPECT_EQ(office().Between(Beijing(2026, 10, 1, 0), Beijing(2026, 10, 8, 0)), 0);
  // Spring Festival 2026-02-15 .. 02-23: Monday 02-23 is still off.
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 2, 23, 10)));
  EXPECT_TRUE(office().IsWorkingTime(Beijing(2026, 2, 24, 10)));
}

TEST_F(CnOfficeCalendarTest, AdjustedWorkingSaturdayCounts) {
  // 调休: Saturday 2026-10-10 and Sunday 2026-09-20 are worked.
  EXPECT_TRUE(office().IsWorkingTime(Beijing(2026, 10, 10, 10)));
  EXPECT_TRUE(office().IsWorkingTime(Beijing(2026, 9, 20, 10)));
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 10, 10, 12, 30)));  // with the normal lunch break
  EXPECT_EQ(office().Add(Beijing(2026, 10, 9, 17), 2 * kHour), Beijing(2026, 10, 10, 10));
  // Saturday 2026-02-14 before the Spring Festival, too.
  EXPECT_EQ(office().Between(Beijing(2026, 2, 14, 0), Beijing(2026, 2, 15, 0)), 8 * kHour);
  // An ordinary Saturday is not.
  EXPECT_FALSE(office().IsWorkingTime(Beijing(2026, 10, 17, 10)));
}

TEST_F(CnOfficeCalendarTest, AcrossTheYearEnd) {
  // 2026-12-31 is a Thursday; 2027-01-01 .. 01-03 off (the provisional 2027 file).
  EXPECT_EQ(office().Add(Beijing(2026, 12, 31, 17), 2 * kHour), Beijing(2027, 1, 4, 10));
  EXPECT_EQ(office().Between(Beijing(2026, 12, 31, 17), Beijing(2027, 1, 4, 10)), 2 * kHour);
  EXPECT_EQ(always().Add(Beijing(2026, 12, 31, 23), 2 * kHour), Beijing(2027, 1, 1, 1));
}

TEST_F(CnOfficeCalendarTest, AddZeroIsTheNextWorkingMoment) {
  EXPECT_EQ(office().Add(Beijing(2026, 12, 5, 10), 0), Beijing(2026, 12, 7, 9));   // Saturday -> Monday 09:00
  EXPECT_EQ(office().Add(Beijing(2026, 12, 7, 12, 15), 0), Beijing(2026, 12, 7, 13));  // lunch -> 13:00
  EXPECT_EQ(office().Add(Beijing(2026, 12, 7, 10, 7), 0), Beijing(2026, 12, 7, 10, 7));  // working: itself
  EXPECT_EQ(office().Add(Beijing(2026, 12, 7, 10), -kHour), Beijing(2026, 12, 7, 10));  // negative counts as 0
}

TEST_F(CnOfficeCalendarTest, EndsOfStretchesAreExact) {
  // 8h from 09:00 ends at 18:00 the same day, not 09:00 the next.
  EXPECT_EQ(office().Add(Beijing(2026, 12, 7, 9), 8 * kHour), Beijing(2026, 12, 7, 18));
  // 3h from 09:00 ends at 12:00 (lunch starts), not 13:00.
  EXPECT_EQ(office().Add(Beijing(2026, 12, 7, 9), 3 * kHour), Beijing(2026, 12, 7, 12));
  EXPECT_EQ(office().Between(Beijing(2026, 12, 7, 9), Beijing(2026, 12, 7, 9)), 0);
  EXPECT_EQ(office().Between(Beijing(2026, 12, 7, 10), Beijing(2026, 12, 7, 9)), 0);  // to <= from
}

TEST_F(CnOfficeCalendarTest, AddAndBetweenRoundTrip) {
  // Deterministic pseudo-random starts over 2026-2027 and durations up to two
  // working weeks, to the second.
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  const TimeMs first = Beijing(2026, 1, 1, 0), span = Beijing(2028, 1, 1, 0) - first;
  for (int i = 0; i < 2000; ++i) {
    const TimeMs start = first + static_cast<TimeMs>(next() % static_cast<std::uint64_t>(span / 1000)) * 1000;
    const DurationMs business = static_cast<DurationMs>(next() % (80 * 3600)) * 1000;
    for (const BusinessCalendar* c : {&office(), &always()}) {
      const TimeMs due = c->Add(start, business);
      ASSERT_GE(due, start);
      ASSERT_EQ(c->Between(start, due), business) << c->id() << " start " << start << " +" << business;
      // Back: the business time up to any moment, added again, lands on that
      // moment when it is working time.
      const TimeMs probe = start + static_cast<TimeMs>(next() % (14 * 24 * 3600)) * 1000;
      if (c->IsWorkingTime(probe)) {
        ASSERT_EQ(c->Add(start, c->Between(start, probe)), probe) << c->id();
      }
    }
  }
}

TEST(WorkingHoursCalendarTest, UsesTheTimeZoneDatabaseAcrossDaylightSaving) {
  WorkingHoursSpec spec;
  spec.id = "berlin";
  spec.time_zone = "Europe/Berlin";
  spec.hours = {{9 * 60, 17 * 60}};
  auto calendar = MakeWorkingHoursCalendar(spec);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  auto utc = [](int y, int mo, int d, int h) {
    return static_cast<TimeMs>(DaysFromCivil({y, mo, d})) * 24 * kHour + h * kHour;
  };
  // Friday 2026-03-27 09:00 is 08:00 UTC (CET); Monday 03-30 09:00 is 07:00 UTC (CEST).
  EXPECT_TRUE((*calendar)->IsWorkingTime(utc(2026, 3, 27, 8)));
  EXPECT_FALSE((*calendar)->IsWorkingTime(utc(2026, 3, 27, 7)));
  EXPECT_TRUE((*calendar)->IsWorkingTime(utc(2026, 3, 30, 7)));
  EXPECT_EQ((*calendar)->Add(utc(2026, 3, 27, 14), 4 * kHour), utc(2026, 3, 30, 9));  // 2h Fri (15-17 CET) + 2h Mon (09-11 CEST)
}

TEST(WorkingHoursCalendarTest, RefusesAnUnknownTimeZone) {
  WorkingHoursSpec spec;
  spec.id = "nowhere";
  spec.time_zone = "Mars/Olympus_Mons";
  spec.hours = {{9 * 60, 17 * 60}};
  auto calendar = MakeWorkingHoursCalendar(spec);
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(calendar.status().message().find("Mars/Olympus_Mons"), std::string_view::npos);
}

TEST(WorkingHoursCalendarTest, RoundTheClockHoursJoinAcrossMidnight) {
  WorkingHoursSpec spec;
  spec.id = "weekdays-all-day";
  spec.hours = {{0, 24 * 60}};
  auto calendar = MakeWorkingHoursCalendar(spec);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  // Monday 23:00 + 2h is Tuesday 01:00; Friday 23:00 + 2h is Monday 01:00.
  EXPECT_EQ((*calendar)->Add(Beijing(2026, 11, 30, 23), 2 * kHour), Beijing(2026, 12, 1, 1));
  EXPECT_EQ((*calendar)->Add(Beijing(2026, 12, 4, 23), 2 * kHour), Beijing(2026, 12, 7, 1));
}

}  // namespace
}  // namespace voc::sla
