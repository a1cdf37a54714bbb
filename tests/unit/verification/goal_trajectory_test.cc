// Where a goal stands on a day (issue 12): the straight line and the
// statuses of goal_trajectory.h, with numbers computed by hand.
#include "services/verification/goals/goal_trajectory.h"

#include <gtest/gtest.h>

namespace voc::verification {
namespace {

reports::DayNumber Day(const char* text) { return *reports::ParseDay(text); }

// Raise NPS from 10 to 20 over 100 days: 2027-01-01 .. 2027-04-11.
GoalLine Raise() { return {10, 20, Day("2027-01-01"), Day("2027-04-11")}; }
// Lower a complaint share from 30 % to 20 % over the same 100 days.
GoalLine Lower() { return {30, 20, Day("2027-01-01"), Day("2027-04-11")}; }

TEST(GoalTrajectoryTest, TheLineRunsFromBaselineToTargetAndIsClampedOutside) {
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2026-12-20")), 10);   // before the start
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2027-01-01")), 10);
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2027-01-31")), 13);   // day 30: 10 + 10 * 30/100
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2027-02-20")), 15);   // day 50
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2027-04-11")), 20);
  EXPECT_DOUBLE_EQ(ExpectedOn(Raise(), Day("2027-06-01")), 20);   // after the deadline
  EXPECT_DOUBLE_EQ(ExpectedOn(Lower(), Day("2027-02-20")), 25);   // 30 - 10 * 50/100
  EXPECT_EQ(DirectionOf(Raise()), 1);
  EXPECT_EQ(DirectionOf(Lower()), -1);
}

TEST(GoalTrajectoryTest, ARisingGoalIsOnTrackOnOrAboveTheLineAndAtRiskBelowIt) {
  const auto day30 = Day("2027-01-31");  // expected 13
  EXPECT_EQ(Evaluate(Raise(), day30, 13.0, false).status, v1::GOAL_STATUS_ON_TRACK);
  EXPECT_EQ(Evaluate(Raise(), day30, 16.5, false).status, v1::GOAL_STATUS_ON_TRACK);
  EXPECT_EQ(Evaluate(Raise(), day30, 12.9, false).status, v1::GOAL_STATUS_AT_RISK);
  EXPECT_EQ(Evaluate(Raise(), day30, 5.0, false).status, v1::GOAL_STATUS_AT_RISK);
  EXPECT_DOUBLE_EQ(Evaluate(Raise(), day30, 12.9, false).expected, 13);
  // Reaching the target before the deadline meets the goal.
  EXPECT_EQ(Evaluate(Raise(), day30, 20.0, false).status, v1::GOAL_STATUS_MET);
  EXPECT_EQ(Evaluate(Raise(), day30, 25.0, false).status, v1::GOAL_STATUS_MET);
}

TEST(GoalTrajectoryTest, ALoweringGoalReadsTheSameWayTheOtherWayRound) {
  const auto day50 = Day("2027-02-20");  // expected 25 %
  EXPECT_EQ(Evaluate(Lower(), day50, 24.0, false).status, v1::GOAL_STATUS_ON_TRACK);
  EXPECT_EQ(Evaluate(Lower(), day50, 25.0, false).status, v1::GOAL_STATUS_ON_TRACK);
  EXPECT_EQ(Evaluate(Lower(), day50, 26.0, false).status, v1::GOAL_STATUS_AT_RISK);
  EXPECT_EQ(Evaluate(Lower(), day50, 20.0, false).status, v1::GOAL_STATUS_MET);
  EXPECT_EQ(Evaluate(Lower(), day50, 19.0, false).status, v1::GOAL_STATUS_MET);
}

TEST(GoalTrajectoryTest, NoValueIsNoDataUntilTheDeadlinePasses) {
  EXPECT_EQ(Evaluate(Raise(), Day("2027-01-31"), std::nullopt, false).status, v1::GOAL_STATUS_NO_DATA);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-11"), std::nullopt, false).status, v1::GOAL_STATUS_NO_DATA);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-12"), std::nullopt, false).status, v1::GOAL_STATUS_MISSED);
}

TEST(GoalTrajectoryTest, AfterTheDeadlineAnUnmetGoalIsMissedEvenIfTheValueArrivesLate) {
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-11"), 19.0, false).status, v1::GOAL_STATUS_AT_RISK);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-11"), 20.0, false).status, v1::GOAL_STATUS_MET);  // on the deadline
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-12"), 19.0, false).status, v1::GOAL_STATUS_MISSED);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-04-12"), 21.0, false).status, v1::GOAL_STATUS_MISSED);
}

TEST(GoalTrajectoryTest, AMetGoalStaysMetWhateverLaterDaysShow) {
  EXPECT_EQ(Evaluate(Raise(), Day("2027-02-01"), 11.0, true).status, v1::GOAL_STATUS_MET);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-02-01"), std::nullopt, true).status, v1::GOAL_STATUS_MET);
  EXPECT_EQ(Evaluate(Raise(), Day("2027-05-01"), 11.0, true).status, v1::GOAL_STATUS_MET);
}

}  // namespace
}  // namespace voc::verification
