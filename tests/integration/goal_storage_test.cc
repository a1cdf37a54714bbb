// Programme goals (issue 12) on SQLite and PostgreSQL: GoalService over the
// real GoalStore (migration 4) with fake figure sources. Idempotent create
// by request_id, keyset paging newest first, scoping by department, the
// daily evaluations (a day re-evaluated replaces its row, MET stays met,
// MISSED after the deadline, settled goals are not measured again) and a
// source error that leaves a goal unevaluated.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/verification/goals/goal_service.h"
#include "services/verification/store/migrations.h"
#include "tests/support/servers.h"
#include "tests/support/test_principals.h"
#include "tests/unit/verification/fake_goal_figures.h"

namespace voc::verification {
namespace {

enum class Backend { kSqlite, kPostgres };

reports::DayNumber Day(const char* text) { return *reports::ParseDay(text); }

auth::Principal Member(const std::string& department) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:p-member";
  p.person_id = "p-member";
  p.departments = {department};
  return p;
}

auth::Principal Analyst() {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:p-analyst";
  p.person_id = "p-analyst";
  p.roles = {auth::Role::kAnalyst};
  return p;
}

class GoalStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<voc::testing::PostgresServer>();
      const std::string name = "goals_" + std::to_string(++counter_);
      postgres_->CreateDatabase(name);
      url = postgres_->Url(name);
    } else {
      url = "sqlite3://" + dir_.path() + "/verification.db";
    }
    auto db = storage::Database::Open(url, 2);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("verification", Migrations()).ok());
    store_ = std::make_unique<GoalStore>(*db_);
    meter_ = std::make_unique<GoalMeter>(voice_, loop_, *store_, 480);
    service_ = std::make_unique<GoalService>(clock_, *store_, *meter_, GoalSettings{480});
  }

  // NPS from 10 to 20, 2027-01-01 .. 2027-04-11 (100 days).
  v1::Goal Create(const std::string& request_id, const std::string& department = "") {
    v1::CreateGoalRequest req;
    req.set_request_id(request_id);
    auto& g = *req.mutable_goal();
    g.set_title("NPS 提升 / NPS up " + request_id);
    g.set_metric(v1::GOAL_METRIC_NPS);
    g.mutable_scope()->set_department(department);
    g.set_baseline(10);
    g.set_target(20);
    g.set_start_day("2027-01-01");
    g.set_deadline_day("2027-04-11");
    g.set_created_by("someone-else");  // ignored: the caller creates it
    auto goal = service_->CreateGoal(Analyst(), req);
    EXPECT_TRUE(goal.ok()) << goal.status();
    clock_.Advance(std::chrono::seconds(1));
    return goal.value_or(v1::Goal());
  }

  std::vector<v1::GoalEvaluation> History(const v1::Goal& goal) {
    v1::ListGoalHistoryRequest req;
    req.set_name(goal.name());
    const auto history = service_->ListGoalHistory(Analyst(), req);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok()) return {};
    return {history->evaluations().begin(), history->evaluations().end()};
  }

  // Every NPS answer of the fake triage is `nps` from 100 answers.
  void AnswerNps(double nps) {
    voice_.answer = [nps](const v1::VoiceFilter&) { return VoiceTotal(nps, 100); };
  }

  static inline std::unique_ptr<voc::testing::PostgresServer> postgres_;
  static inline int counter_ = 0;
  voc::testing::TempDir dir_;
  FakeClock clock_{FromMillis(reports::DayStartMs(Day("2027-01-01"), 480))};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<GoalStore> store_;
  FakeVoiceTrendSource voice_;
  FakeLoopReportSource loop_;
  std::unique_ptr<GoalMeter> meter_;
  std::unique_ptr<GoalService> service_;
};

TEST_P(GoalStorageTest, ACreateIsIdempotentByRequestIdAndRecordsTheCaller) {
  const v1::Goal first = Create("q1-nps");
  EXPECT_EQ(first.name(), "goals/" + first.id());
  EXPECT_EQ(first.created_by(), "p-analyst");
  EXPECT_EQ(first.state(), v1::GOAL_STATE_ACTIVE);
  EXPECT_EQ(first.window_days(), 30);
  EXPECT_FALSE(first.has_latest());
  const v1::Goal again = Create("q1-nps");
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.create_time().seconds(), first.create_time().seconds());
  EXPECT_NE(Create("q2-nps").id(), first.id());
  v1::GetGoalRequest get;
  get.set_name(first.name());
  const auto read = service_->GetGoal(Member("logistics"), get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->title(), "NPS 提升 / NPS up q1-nps");
  EXPECT_EQ(read->start_day(), "2027-01-01");
  EXPECT_EQ(read->deadline_day(), "2027-04-11");
  get.set_name("goals/missing");
  EXPECT_EQ(service_->GetGoal(Analyst(), get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->GetGoal(Member("logistics"), get).status().code(), absl::StatusCode::kPermissionDenied);
  v1::CreateGoalRequest bad;
  bad.mutable_goal()->set_metric(v1::GOAL_METRIC_NPS);
  EXPECT_EQ(service_->CreateGoal(Analyst(), bad).status().message(), "goal.title: required");
  EXPECT_EQ(service_->CreateGoal(Member("logistics"), bad).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_P(GoalStorageTest, ListsPageNewestFirstAndShowEachCallerWhatTheyMaySee) {
  const v1::Goal company = Create("company");
  const v1::Goal logistics = Create("logistics", "logistics");
  const v1::Goal pricing = Create("pricing", "pricing");
  const v1::Goal old = Create("old", "logistics");
  v1::ArchiveGoalRequest archive;
  archive.set_name(old.name());
  ASSERT_EQ(service_->ArchiveGoal(Analyst(), archive)->state(), v1::GOAL_STATE_ARCHIVED);
  EXPECT_EQ(service_->ArchiveGoal(Member("logistics"), archive).status().code(), absl::StatusCode::kPermissionDenied);

  auto names = [](const v1::ListGoalsResponse& r) {
    std::vector<std::string> out;
    for (const auto& g : r.goals()) out.push_back(g.name());
    return out;
  };
  v1::ListGoalsRequest req;
  req.set_page_size(2);
  const auto first = service_->ListGoals(Analyst(), req);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(names(*first), (std::vector<std::string>{pricing.name(), logistics.name()}));
  ASSERT_FALSE(first->next_page_token().empty());
  req.set_page_token(first->next_page_token());
  const auto second = service_->ListGoals(Analyst(), req);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(names(*second), (std::vector<std::string>{company.name()}));
  EXPECT_TRUE(second->next_page_token().empty());
  req.set_department("pricing");  // another filter: the token is refused
  EXPECT_EQ(service_->ListGoals(Analyst(), req).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListGoalsRequest mine;
  EXPECT_EQ(names(*service_->ListGoals(Member("logistics"), mine)),
            (std::vector<std::string>{logistics.name(), company.name()}));
  mine.set_department("pricing");
  EXPECT_EQ(service_->ListGoals(Member("logistics"), mine).status().code(), absl::StatusCode::kPermissionDenied);
  v1::GetGoalRequest get;
  get.set_name(pricing.name());
  EXPECT_EQ(service_->GetGoal(Member("logistics"), get).status().code(), absl::StatusCode::kPermissionDenied);
  v1::ListGoalsRequest archived;
  archived.set_state(v1::GOAL_STATE_ARCHIVED);
  EXPECT_EQ(names(*service_->ListGoals(Analyst(), archived)), (std::vector<std::string>{old.name()}));
}

TEST_P(GoalStorageTest, DailyEvaluationsFollowTheLineAndAReEvaluatedDayReplacesItsRow) {
  const v1::Goal goal = Create("nps");
  // Day 30 (2027-01-31): the line is at 13.
  AnswerNps(12);
  ASSERT_EQ(service_->EvaluateDay(Day("2027-01-31"))->evaluated, 1);
  AnswerNps(14);
  ASSERT_EQ(service_->EvaluateDay(Day("2027-01-31"))->evaluated, 1);  // replaces the day
  // Day 50 (2027-02-20): the line is at 15; too few answers that day.
  voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(0, 7); };
  ASSERT_EQ(service_->EvaluateDay(Day("2027-02-20"))->evaluated, 1);
  AnswerNps(21);  // day 60: met
  ASSERT_EQ(service_->EvaluateDay(Day("2027-03-02"))->evaluated, 1);
  AnswerNps(11);  // day 70: lower again, still met
  ASSERT_EQ(service_->EvaluateDay(Day("2027-03-12"))->evaluated, 1);

  const auto history = History(goal);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].day(), "2027-01-31");
  EXPECT_EQ(history[0].status(), v1::GOAL_STATUS_ON_TRACK);
  EXPECT_DOUBLE_EQ(history[0].value(), 14);
  EXPECT_DOUBLE_EQ(history[0].expected(), 13);
  EXPECT_EQ(history[0].basis(), 100);
  EXPECT_EQ(history[1].status(), v1::GOAL_STATUS_NO_DATA);
  EXPECT_FALSE(history[1].has_value());
  EXPECT_EQ(history[1].note(), "fewer than 30 NPS answers (7)");
  EXPECT_EQ(history[2].status(), v1::GOAL_STATUS_MET);
  EXPECT_EQ(history[3].status(), v1::GOAL_STATUS_MET);
  EXPECT_DOUBLE_EQ(history[3].value(), 11);

  v1::GetGoalRequest get;
  get.set_name(goal.name());
  EXPECT_EQ(service_->GetGoal(Analyst(), get)->latest().day(), "2027-03-12");
  // The history pages oldest first.
  v1::ListGoalHistoryRequest page;
  page.set_name(goal.name());
  page.set_page_size(3);
  const auto first = service_->ListGoalHistory(Analyst(), page);
  ASSERT_EQ(first->evaluations_size(), 3);
  page.set_page_token(first->next_page_token());
  const auto rest = service_->ListGoalHistory(Analyst(), page);
  ASSERT_EQ(rest->evaluations_size(), 1);
  EXPECT_EQ(rest->evaluations(0).day(), "2027-03-12");
}

TEST_P(GoalStorageTest, AnUnmetGoalIsMissedAfterItsDeadlineAndThenNoLongerMeasured) {
  const v1::Goal goal = Create("late");
  AnswerNps(19);
  ASSERT_EQ(service_->EvaluateDay(Day("2027-04-11"))->evaluated, 1);  // at risk on the deadline
  ASSERT_EQ(service_->EvaluateDay(Day("2027-04-12"))->evaluated, 1);  // missed
  AnswerNps(25);
  ASSERT_EQ(service_->EvaluateDay(Day("2027-04-13"))->evaluated, 0);  // settled: not measured
  const auto history = History(goal);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].status(), v1::GOAL_STATUS_AT_RISK);
  EXPECT_EQ(history[1].status(), v1::GOAL_STATUS_MISSED);
  EXPECT_EQ(voice_.calls.size(), 2u);
  // A goal not started by the day is not evaluated either.
  EXPECT_EQ(service_->EvaluateDay(Day("2026-12-31"))->evaluated, 0);
}

TEST_P(GoalStorageTest, ASourceErrorLeavesOnlyThatGoalUnevaluated) {
  const v1::Goal nps = Create("nps");
  v1::CreateGoalRequest req;
  req.set_request_id("hot-loop");
  auto& g = *req.mutable_goal();
  g.set_title("Hot loop 90 %");
  g.set_metric(v1::GOAL_METRIC_HOT_LOOP_RATE);
  g.set_baseline(60);
  g.set_target(90);
  g.set_start_day("2027-01-01");
  g.set_deadline_day("2027-04-11");
  const v1::Goal hot = service_->CreateGoal(Analyst(), req).value();
  AnswerNps(14);
  loop_.answer = [](const v1::GetLoopReportRequest&) -> absl::StatusOr<v1::LoopReport> {
    return absl::UnavailableError("tracking GetLoopReport: connection refused");
  };
  v1::EvaluateGoalsRequest evaluate;
  evaluate.set_day("2027-01-31");
  const auto run = service_->EvaluateGoals(evaluate);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->evaluated(), 1);
  ASSERT_EQ(run->errors_size(), 1);
  EXPECT_EQ(run->errors(0), hot.name() + ": tracking GetLoopReport: connection refused");
  EXPECT_EQ(History(nps).size(), 1u);
  EXPECT_TRUE(History(hot).empty());
  evaluate.set_day("2027-02-30");
  EXPECT_EQ(service_->EvaluateGoals(evaluate).status().message(), "day: expected a day \"YYYY-MM-DD\"");
}

INSTANTIATE_TEST_SUITE_P(Backends, GoalStorageTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::verification
