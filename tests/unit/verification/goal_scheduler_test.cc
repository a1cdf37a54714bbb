// When the goals are evaluated (issue 12, goal_scheduler.h): yesterday and
// today in the report time zone, at most once per interval, on a FakeClock
// (no test sleeps), over verification's store on SQLite with fake figure
// sources.
#include "services/verification/goals/goal_scheduler.h"

#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/verification/store/migrations.h"
#include "tests/support/servers.h"
#include "tests/support/test_principals.h"
#include "tests/unit/verification/fake_goal_figures.h"

namespace voc::verification {
namespace {

using std::chrono::minutes;

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

class GoalSchedulerTest : public ::testing::Test {
 protected:
  GoalSchedulerTest()
      // 20:00 UTC is 04:00 of the next day at UTC+8: "today" is 2027-01-11.
      : clock_(At("2027-01-10T20:00:00Z")),
        db_(storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value()),
        store_(*db_),
        meter_(voice_, loop_, store_, 480),
        service_(clock_, store_, meter_, GoalSettings{480}) {
    db_->Migrate("verification", Migrations()).value();
    voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(14, 100); };
    v1::CreateGoalRequest create;
    create.set_request_id("nps-e7");
    auto& g = *create.mutable_goal();
    g.set_title("NPS of E7 from 12 to 17");
    g.set_metric(v1::GOAL_METRIC_NPS);
    g.mutable_scope()->set_product("E7");
    g.set_baseline(12);
    g.set_target(17);
    g.set_start_day("2027-01-01");
    g.set_deadline_day("2027-06-30");
    goal_ = service_.CreateGoal(testing::ApiKeyCaller({"admin"}), create).value();
  }

  std::vector<std::string> EvaluatedDays() {
    v1::ListGoalHistoryRequest req;
    req.set_name(goal_.name());
    const auto history = service_.ListGoalHistory(testing::ApiKeyCaller({"analytics:read"}), req);
    EXPECT_TRUE(history.ok()) << history.status();
    std::vector<std::string> days;
    if (!history.ok()) return days;
    for (const auto& e : history->evaluations()) {
      days.push_back(e.day());
    }
    return days;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  GoalStore store_;
  FakeVoiceTrendSource voice_;
  FakeLoopReportSource loop_;
  GoalMeter meter_;
  GoalService service_;
  v1::Goal goal_;
};

TEST_F(GoalSchedulerTest, TheFirstRunEvaluatesYesterdayAndTodayInTheReportTimeZone) {
  GoalScheduler scheduler(service_, minutes(60));
  const auto run = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->evaluated, 2);
  EXPECT_TRUE((*run)->errors.empty());
  EXPECT_EQ(EvaluatedDays(), (std::vector<std::string>{"2027-01-10", "2027-01-11"}));
  // Each day's trailing 30-day window ends on that day.
  ASSERT_EQ(voice_.calls.size(), 2u);
  EXPECT_EQ(voice_.calls[0].start_day(), "2026-12-12");
  EXPECT_EQ(voice_.calls[0].end_day(), "2027-01-10");
  EXPECT_EQ(voice_.calls[1].end_day(), "2027-01-11");
}

TEST_F(GoalSchedulerTest, RunsAtMostOncePerIntervalAndCatchesUpAfterADayAway) {
  GoalScheduler scheduler(service_, minutes(60));
  ASSERT_TRUE(scheduler.RunIfDue(clock_.Now())->has_value());
  clock_.Advance(minutes(59));
  const auto early = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());
  EXPECT_EQ(voice_.calls.size(), 2u);  // nothing measured
  clock_.Advance(minutes(1));
  ASSERT_TRUE(scheduler.RunIfDue(clock_.Now())->has_value());
  EXPECT_EQ(voice_.calls.size(), 4u);
  // The service was down for two days: a new scheduler (a restart) runs at
  // once and evaluates the day it missed and today (05:00 of 2027-01-13).
  clock_.Advance(std::chrono::hours(48));
  GoalScheduler restarted(service_, minutes(60));
  const auto run = restarted.RunIfDue(clock_.Now());
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ(EvaluatedDays(), (std::vector<std::string>{"2027-01-10", "2027-01-11", "2027-01-12", "2027-01-13"}));
}

TEST_F(GoalSchedulerTest, AGoalWhoseFigureIsUnavailableIsListedAndTriedOnTheNextRun) {
  voice_.answer = [](const v1::VoiceFilter&) -> absl::StatusOr<v1::VoiceTrend> {
    return absl::UnavailableError("triage GetVoiceTrend: connection refused");
  };
  GoalScheduler scheduler(service_, minutes(60));
  const auto failed = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(failed.ok() && failed->has_value());
  EXPECT_EQ((*failed)->evaluated, 0);
  ASSERT_EQ((*failed)->errors.size(), 2u);
  EXPECT_NE((*failed)->errors[0].find(goal_.name()), std::string::npos);
  EXPECT_NE((*failed)->errors[0].find("connection refused"), std::string::npos);
  EXPECT_TRUE(EvaluatedDays().empty());  // no status from a figure it did not get
  voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(14, 100); };
  clock_.Advance(minutes(60));
  const auto retried = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(retried.ok() && retried->has_value());
  EXPECT_EQ((*retried)->evaluated, 2);
}

}  // namespace
}  // namespace voc::verification
