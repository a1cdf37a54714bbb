// A goal's figure for a day (issue 12, goal_meter.h): what is asked of the
// figure sources (fakes) and how their answers become a value, its basis
// or no value; PROJECTS_VERIFIED from verification's own checks (SQLite).
#include "services/verification/goals/goal_meter.h"

#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/verification/store/migrations.h"
#include "services/verification/store/verification_store.h"
#include "tests/support/servers.h"
#include "tests/unit/verification/fake_goal_figures.h"

namespace voc::verification {
namespace {

reports::DayNumber Day(const char* text) { return *reports::ParseDay(text); }

v1::Goal Goal(v1::GoalMetric metric) {
  v1::Goal g;
  g.set_id("g1");
  g.set_name("goals/g1");
  g.set_metric(metric);
  g.set_window_days(7);
  return g;
}

class GoalMeterTest : public ::testing::Test {
 protected:
  GoalMeterTest()
      : db_(storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value()),
        store_(*db_),
        meter_(voice_, loop_, store_, 480) {
    db_->Migrate("verification", Migrations()).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  GoalStore store_;
  FakeVoiceTrendSource voice_;
  FakeLoopReportSource loop_;
  GoalMeter meter_;
};

TEST_F(GoalMeterTest, NpsIsTheWindowsTotalOverTheScopeAndNoValueBelowTheMinimum) {
  v1::Goal goal = Goal(v1::GOAL_METRIC_NPS);
  goal.mutable_scope()->set_product("E7");
  goal.mutable_scope()->set_region("east");
  goal.mutable_scope()->set_topic("logistics");
  voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(23.5, 120); };
  const auto figure = meter_.Measure(goal, Day("2027-01-10"));
  ASSERT_TRUE(figure.ok()) << figure.status();
  EXPECT_EQ(figure->value, 23.5);
  EXPECT_EQ(figure->basis, 120);
  ASSERT_EQ(voice_.calls.size(), 1u);
  const v1::VoiceFilter& f = voice_.calls[0];
  EXPECT_EQ(f.start_day(), "2027-01-04");  // 7 days ending on the 10th
  EXPECT_EQ(f.end_day(), "2027-01-10");
  EXPECT_EQ(f.product(), "E7");
  EXPECT_EQ(f.region(), "east");
  EXPECT_EQ(f.topic(), "logistics");

  voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(0, 12); };
  const auto few = meter_.Measure(goal, Day("2027-01-10"));
  ASSERT_TRUE(few.ok());
  EXPECT_FALSE(few->value.has_value());
  EXPECT_EQ(few->basis, 12);
  EXPECT_EQ(few->note, "fewer than 30 NPS answers (12)");
}

TEST_F(GoalMeterTest, AComplaintShareIsTheTopicsNegativeOverAllNegative) {
  v1::Goal goal = Goal(v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE);
  goal.mutable_scope()->set_topic("logistics.delivery_delay");
  goal.mutable_scope()->set_product("E7");
  voice_.answer = [](const v1::VoiceFilter& f) {
    return VoiceTotal(0, 0, f.topic().empty() ? 80 : 18);
  };
  const auto figure = meter_.Measure(goal, Day("2027-01-10"));
  ASSERT_TRUE(figure.ok()) << figure.status();
  EXPECT_DOUBLE_EQ(*figure->value, 22.5);  // 18 / 80
  EXPECT_EQ(figure->basis, 80);
  ASSERT_EQ(voice_.calls.size(), 2u);
  EXPECT_EQ(voice_.calls[0].topic(), "");
  EXPECT_EQ(voice_.calls[0].product(), "E7");
  EXPECT_EQ(voice_.calls[1].topic(), "logistics.delivery_delay");

  voice_.answer = [](const v1::VoiceFilter&) { return VoiceTotal(0, 0, 0); };
  const auto none = meter_.Measure(goal, Day("2027-01-10"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->value.has_value());
  EXPECT_EQ(none->note, "no negative feedback in the window");
}

TEST_F(GoalMeterTest, TheLoopMetricsReadTrackingsReportOfTheDepartment) {
  loop_.answer = [](const v1::GetLoopReportRequest&) {
    v1::LoopReport report;
    auto* a = report.add_rows();
    a->mutable_first_response()->set_due(30);
    a->mutable_first_response()->set_met(27);
    auto* b = report.add_rows();
    b->mutable_first_response()->set_due(10);
    b->mutable_first_response()->set_met(5);
    report.mutable_hot_loop()->set_detractor_cases(25);
    report.mutable_hot_loop()->set_awaiting(5);
    report.mutable_hot_loop()->set_called_back_within_24h(15);
    report.mutable_hot_loop()->set_rate(0.75);
    return report;
  };
  v1::Goal compliance = Goal(v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE);
  compliance.mutable_scope()->set_department("logistics");
  const auto fr = meter_.Measure(compliance, Day("2027-01-10"));
  ASSERT_TRUE(fr.ok()) << fr.status();
  EXPECT_DOUBLE_EQ(*fr->value, 80);  // (27 + 5) / (30 + 10)
  EXPECT_EQ(fr->basis, 40);
  ASSERT_EQ(loop_.calls.size(), 1u);
  EXPECT_EQ(loop_.calls[0].department(), "logistics");
  EXPECT_EQ(loop_.calls[0].start_day(), "2027-01-04");
  EXPECT_EQ(loop_.calls[0].end_day(), "2027-01-10");

  const auto hot = meter_.Measure(Goal(v1::GOAL_METRIC_HOT_LOOP_RATE), Day("2027-01-10"));
  ASSERT_TRUE(hot.ok());
  EXPECT_DOUBLE_EQ(*hot->value, 75);
  EXPECT_EQ(hot->basis, 20);  // 25 cases, 5 still inside their 24 h

  loop_.answer = [](const v1::GetLoopReportRequest&) { return v1::LoopReport(); };
  EXPECT_FALSE(meter_.Measure(compliance, Day("2027-01-10"))->value.has_value());
  EXPECT_FALSE(meter_.Measure(Goal(v1::GOAL_METRIC_HOT_LOOP_RATE), Day("2027-01-10"))->value.has_value());
}

TEST_F(GoalMeterTest, ASourceErrorComesBackAsIs) {
  loop_.answer = [](const v1::GetLoopReportRequest&) -> absl::StatusOr<v1::LoopReport> {
    return absl::PermissionDeniedError("tracking GetLoopReport: permission denied: analytics:read");
  };
  EXPECT_EQ(meter_.Measure(Goal(v1::GOAL_METRIC_HOT_LOOP_RATE), Day("2027-01-10")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(meter_.Measure(Goal(v1::GOAL_METRIC_NPS), Day("2027-01-10")).status().code(),
            absl::StatusCode::kUnavailable);  // the fake voice source is not answering
}

TEST_F(GoalMeterTest, ProjectsVerifiedCountsTheNamedProjectsVerifiedByTheDaysEnd) {
  VerificationStore checks(*db_);
  // Verdicts: a at 2027-01-05 10:00 UTC+8, b at 2027-01-12 10:00 (after the
  // day), c failed, d verified but not named.
  auto check = [&](const std::string& id, v1::VerificationState state, const char* when) {
    CheckRecord c;
    c.verification.set_id("chk-" + id);
    c.verification.set_project("projects/" + id);
    c.verification.set_topic("logistics");
    TimePoint t;
    ASSERT_TRUE(ParseRfc3339(when, &t));
    *c.verification.mutable_due_time() = ToProto(t);
    ASSERT_TRUE(checks.InsertScheduledCheck(c, 0).ok());
    c.verification.set_state(state);
    *c.verification.mutable_check_time() = ToProto(t);
    ASSERT_TRUE(checks.RecordVerdict(c, std::nullopt).value());
  };
  check("a", v1::VERIFICATION_STATE_VERIFIED, "2027-01-05T02:00:00Z");
  check("b", v1::VERIFICATION_STATE_VERIFIED, "2027-01-12T02:00:00Z");
  check("c", v1::VERIFICATION_STATE_FAILED, "2027-01-05T02:00:00Z");
  check("d", v1::VERIFICATION_STATE_VERIFIED, "2027-01-05T02:00:00Z");
  v1::Goal goal = Goal(v1::GOAL_METRIC_PROJECTS_VERIFIED);
  for (const char* p : {"projects/a", "projects/b", "projects/c"}) goal.mutable_scope()->add_projects(p);
  const auto on_10th = meter_.Measure(goal, Day("2027-01-10"));
  ASSERT_TRUE(on_10th.ok()) << on_10th.status();
  EXPECT_EQ(on_10th->value, 1);
  EXPECT_EQ(on_10th->basis, 3);
  EXPECT_EQ(meter_.Measure(goal, Day("2027-01-12"))->value, 2);
  EXPECT_EQ(meter_.Measure(goal, Day("2027-01-04"))->value, 0);
}

}  // namespace
}  // namespace voc::verification
