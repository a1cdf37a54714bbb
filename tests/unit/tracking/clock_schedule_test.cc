#include "services/tracking/sla/clock_schedule.h"

#include <gtest/gtest.h>

#include "services/tracking/case_clocks.h"
#include "tests/unit/tracking/fake_business_calendar.h"

namespace voc::tracking {
namespace {

using sla_test::FakeAlwaysCalendar;
using sla_test::FakeWorkingHoursCalendar;
using sla_test::kHourMs;
using sla_test::Utc;
using sla_test::DaysFromCivil;

// 75 % and 2 hours before; levels at the breach, 4 and 8 business hours after.
sla::ClockTarget SixteenHourTarget() {
  sla::ClockTarget target;
  target.target = 16 * kHourMs;
  target.warnings = {{"75pct", 0.75, 0}, {"2h-before", 0, 2 * kHourMs}};
  target.escalation = {{1, 0, "manager"}, {2, 4 * kHourMs, "department_head"},
                       {3, 8 * kHourMs, "person:p-ceo"}};
  return target;
}

ClockRow RunningRow(const sla::BusinessCalendar& calendar, sla::TimeMs start, sla::DurationMs target) {
  ClockRow row;
  row.case_id = "c1";
  row.clock = kFirstResponseClock;
  row.calendar_id = calendar.id();
  row.target_ms = target;
  row.started_ms = start;
  row.due_ms = calendar.Add(start, target);
  return row;
}

TEST(ClockScheduleTest, PointsOfAFridayEveningClockFallOnTheNextWorkingDays) {
  const FakeWorkingHoursCalendar calendar("cn-office");
  const sla::ClockTarget target = SixteenHourTarget();
  // Friday 2026-12-04 17:00: 1 h on Friday, 9 h on Monday, 6 h on Tuesday.
  const ClockRow row = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  ASSERT_EQ(*row.due_ms, Utc(2026, 12, 8, 15));

  const auto points = ScheduledPoints(row, target, calendar);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].name, "warn:75pct");
  EXPECT_EQ(points[0].at_ms, Utc(2026, 12, 8, 11));  // 12 h used
  EXPECT_EQ(points[1].name, "warn:2h-before");
  EXPECT_EQ(points[1].at_ms, Utc(2026, 12, 8, 13));
  EXPECT_EQ(points[2].name, "breach");
  EXPECT_EQ(points[2].kind, PointKind::kBreach);
  EXPECT_EQ(points[2].at_ms, Utc(2026, 12, 8, 15));
  EXPECT_EQ(points[3].name, "level:1");
  EXPECT_EQ(points[3].at_ms, Utc(2026, 12, 8, 15));
  EXPECT_EQ(points[4].name, "level:2");
  EXPECT_EQ(points[4].at_ms, Utc(2026, 12, 9, 10));  // 3 h on Tuesday, 1 h on Wednesday
  EXPECT_EQ(points[5].name, "level:3");
  EXPECT_EQ(points[5].level->target, "person:p-ceo");
  EXPECT_EQ(points[5].at_ms, Utc(2026, 12, 9, 14));
}

TEST(ClockScheduleTest, AHolidayMovesEveryPoint) {
  // Monday 2026-12-07 a holiday: the 9 h of Monday move to Tuesday.
  const FakeWorkingHoursCalendar calendar("cn-office", {DaysFromCivil(2026, 12, 7)});
  const sla::ClockTarget target = SixteenHourTarget();
  const ClockRow row = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  EXPECT_EQ(*row.due_ms, Utc(2026, 12, 9, 15));
  EXPECT_EQ(NextCheckMs(row, target, calendar, {}), Utc(2026, 12, 9, 11));
}

TEST(ClockScheduleTest, NextCheckIsTheEarliestPointNotFired) {
  const FakeWorkingHoursCalendar calendar("cn-office");
  const sla::ClockTarget target = SixteenHourTarget();
  const ClockRow row = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  EXPECT_EQ(NextCheckMs(row, target, calendar, {"warn:75pct"}), Utc(2026, 12, 8, 13));
  EXPECT_EQ(NextCheckMs(row, target, calendar, {"warn:75pct", "warn:2h-before"}),
            Utc(2026, 12, 8, 15));
  EXPECT_EQ(NextCheckMs(row, target, calendar,
                        {"warn:75pct", "warn:2h-before", "breach", "level:1"}),
            Utc(2026, 12, 9, 10));
  EXPECT_EQ(NextCheckMs(row, target, calendar,
                        {"warn:75pct", "warn:2h-before", "breach", "level:1", "level:2", "level:3"}),
            std::nullopt);
}

TEST(ClockScheduleTest, AMetOrPausedClockNeedsNoCheck) {
  const FakeWorkingHoursCalendar calendar("cn-office");
  const sla::ClockTarget target = SixteenHourTarget();
  ClockRow met = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  met.met_ms = Utc(2026, 12, 7, 10);
  EXPECT_EQ(NextCheckMs(met, target, calendar, {}), std::nullopt);

  ClockRow paused = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  paused.due_ms.reset();
  paused.paused_since_ms = Utc(2026, 12, 7, 10);
  EXPECT_EQ(NextCheckMs(paused, target, calendar, {}), std::nullopt);
}

TEST(ClockScheduleTest, AResumedClockCountsOnlyTheBusinessTimeLeft) {
  const FakeWorkingHoursCalendar calendar("cn-office");
  const sla::ClockTarget target = SixteenHourTarget();
  // Started Monday 09:00, used 10 h, paused, resumed Thursday 09:00: 6 h
  // left, due Thursday 15:00. 75 % (12 h used) is at Thursday 11:00.
  ClockRow row;
  row.target_ms = target.target;
  row.started_ms = Utc(2026, 12, 7, 9);
  row.used_ms = 10 * kHourMs;
  row.due_ms = calendar.Add(Utc(2026, 12, 10, 9), target.target - row.used_ms);
  ASSERT_EQ(*row.due_ms, Utc(2026, 12, 10, 15));
  EXPECT_EQ(NextCheckMs(row, target, calendar, {}), Utc(2026, 12, 10, 11));

  // Used 13 h before the pause: the 75 % point was passed while paused, so
  // it is due at once (started_ms is long past); 2h-before is still ahead.
  row.used_ms = 13 * kHourMs;
  row.due_ms = calendar.Add(Utc(2026, 12, 10, 9), target.target - row.used_ms);
  const auto points = ScheduledPoints(row, target, calendar);
  EXPECT_EQ(points[0].name, "warn:75pct");
  EXPECT_EQ(points[0].at_ms, row.started_ms);
  EXPECT_EQ(points[1].name, "warn:2h-before");
  EXPECT_EQ(points[1].at_ms, Utc(2026, 12, 10, 10));
}

TEST(ClockScheduleTest, RoundTheClockCalendarCountsWallTime) {
  const FakeAlwaysCalendar calendar;
  sla::ClockTarget target;
  target.target = 24 * kHourMs;
  target.warnings = {{"75pct", 0.75, 0}, {"30h-before", 0, 30 * kHourMs}};
  target.escalation = {{1, 0, "manager"}, {2, 2 * kHourMs, "manager_of_manager"}};
  const ClockRow row = RunningRow(calendar, Utc(2026, 12, 4, 17), target.target);
  const auto points = ScheduledPoints(row, target, calendar);
  ASSERT_EQ(points.size(), 5u);
  // A warning further before due than the whole target is due at the start.
  EXPECT_EQ(points[0].name, "warn:30h-before");
  EXPECT_EQ(points[0].at_ms, Utc(2026, 12, 4, 17));
  EXPECT_EQ(points[1].at_ms, Utc(2026, 12, 5, 11));
  EXPECT_EQ(points[2].at_ms, Utc(2026, 12, 5, 17));  // breach on Saturday: 24x7
  EXPECT_EQ(points[4].at_ms, Utc(2026, 12, 5, 19));
}

TEST(ClockScheduleTest, PointNames) {
  EXPECT_EQ(WarningPointName("75pct"), "warn:75pct");
  EXPECT_EQ(LevelPointName(2), "level:2");
  EXPECT_STREQ(kBreachPoint, "breach");
}

}  // namespace
}  // namespace voc::tracking
