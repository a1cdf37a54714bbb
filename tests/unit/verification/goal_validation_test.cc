// What a new programme goal must say (issue 12, goal_validation.h): every
// refusal is INVALID_ARGUMENT naming its field.
#include "services/verification/goals/goal_validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

namespace voc::verification {
namespace {

v1::Goal NpsGoal() {
  v1::Goal g;
  g.set_title("星辰 E7 的 NPS 从 12 提到 17 / NPS of Xingchen E7 from 12 to 17");
  g.set_metric(v1::GOAL_METRIC_NPS);
  g.mutable_scope()->set_product("Xingchen E7");
  g.set_baseline(12);
  g.set_target(17);
  g.set_start_day("2027-01-01");
  g.set_deadline_day("2027-06-30");
  return g;
}

void ExpectRefused(const v1::Goal& goal, const std::string& field) {
  const auto result = ValidateNewGoal(goal);
  ASSERT_FALSE(result.ok()) << field;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(result.status().message()).rfind(field + ":", 0), 0u) << result.status().message();
}

v1::Goal With(std::function<void(v1::Goal&)> change, v1::Goal goal = NpsGoal()) {
  change(goal);
  return goal;
}

TEST(GoalValidationTest, AGoodGoalPassesWithItsWindowDefaulted) {
  const auto goal = ValidateNewGoal(NpsGoal());
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->window_days(), 30);
  EXPECT_EQ(ValidateNewGoal(With([](v1::Goal& g) { g.set_window_days(400); }))->window_days(), 400);
}

TEST(GoalValidationTest, TitleMetricDaysAndWindowAreChecked) {
  ExpectRefused(With([](v1::Goal& g) { g.clear_title(); }), "goal.title");
  ExpectRefused(With([](v1::Goal& g) { g.set_title(std::string(201, 'x')); }), "goal.title");
  EXPECT_TRUE(ValidateNewGoal(With([](v1::Goal& g) { g.set_title(std::string(200, 'x')); })).ok());
  ExpectRefused(With([](v1::Goal& g) { g.clear_metric(); }), "goal.metric");
  ExpectRefused(With([](v1::Goal& g) { g.set_metric(static_cast<v1::GoalMetric>(99)); }), "goal.metric");
  ExpectRefused(With([](v1::Goal& g) { g.set_start_day("2027-02-30"); }), "goal.start_day");
  ExpectRefused(With([](v1::Goal& g) { g.clear_start_day(); }), "goal.start_day");
  ExpectRefused(With([](v1::Goal& g) { g.set_deadline_day("30.06.2027"); }), "goal.deadline_day");
  ExpectRefused(With([](v1::Goal& g) { g.set_deadline_day("2027-01-01"); }), "goal.deadline_day");
  ExpectRefused(With([](v1::Goal& g) { g.set_deadline_day("2026-12-31"); }), "goal.deadline_day");
  ExpectRefused(With([](v1::Goal& g) { g.set_window_days(401); }), "goal.window_days");
  ExpectRefused(With([](v1::Goal& g) { g.set_window_days(-1); }), "goal.window_days");
}

TEST(GoalValidationTest, NumbersAreFiniteDifferentAndInTheMetricsRange) {
  ExpectRefused(With([](v1::Goal& g) { g.set_baseline(std::nan("")); }), "goal.baseline");
  ExpectRefused(With([](v1::Goal& g) { g.set_target(std::numeric_limits<double>::infinity()); }), "goal.target");
  ExpectRefused(With([](v1::Goal& g) { g.set_target(12); }), "goal.target");
  ExpectRefused(With([](v1::Goal& g) { g.set_target(101); }), "goal.target");
  EXPECT_TRUE(ValidateNewGoal(With([](v1::Goal& g) { g.set_baseline(-100); })).ok());
  ExpectRefused(With([](v1::Goal& g) {
                  g.set_metric(v1::GOAL_METRIC_HOT_LOOP_RATE);
                  g.clear_scope();
                  g.set_baseline(-5);
                }),
                "goal.baseline");
}

TEST(GoalValidationTest, EachMetricTakesItsOwnScope) {
  // A complaint share needs its topic, and triage slices by topic or department.
  v1::Goal share = With([](v1::Goal& g) {
    g.set_metric(v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE);
    g.set_baseline(30);
    g.set_target(20);
  });
  ExpectRefused(share, "goal.scope.topic");
  share.mutable_scope()->set_topic("logistics.delivery_delay");
  EXPECT_TRUE(ValidateNewGoal(share).ok());
  share.mutable_scope()->set_department("logistics");
  ExpectRefused(share, "goal.scope.department");
  // The loop metrics read tracking's report of a department only.
  v1::Goal loop = With([](v1::Goal& g) {
    g.set_metric(v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE);
    g.set_baseline(80);
    g.set_target(95);
  });
  ExpectRefused(loop, "goal.scope.product");
  loop.mutable_scope()->clear_product();
  loop.mutable_scope()->set_department("logistics");
  EXPECT_TRUE(ValidateNewGoal(loop).ok());
  // A project set: named projects, counts up to how many.
  v1::Goal projects = With([](v1::Goal& g) {
    g.set_metric(v1::GOAL_METRIC_PROJECTS_VERIFIED);
    g.clear_scope();
    g.set_baseline(0);
    g.set_target(3);
  });
  ExpectRefused(projects, "goal.scope.projects");
  projects.mutable_scope()->add_projects("projects/a");
  projects.mutable_scope()->add_projects("projects/b");
  ExpectRefused(projects, "goal.target");  // 3 of 2
  projects.mutable_scope()->add_projects("projects/c");
  EXPECT_TRUE(ValidateNewGoal(projects).ok());
  projects.mutable_scope()->add_projects("projects/a");
  ExpectRefused(projects, "goal.scope.projects");
  projects.mutable_scope()->mutable_projects()->RemoveLast();
  projects.mutable_scope()->add_projects("cases/x");
  ExpectRefused(projects, "goal.scope.projects");
  ExpectRefused(With([](v1::Goal& g) { g.mutable_scope()->add_projects("projects/a"); }), "goal.scope.projects");
}

}  // namespace
}  // namespace voc::verification
