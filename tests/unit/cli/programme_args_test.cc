// `voc goals create` options into a voc.v1.Goal (cli/programme_args.h).
#include "cli/programme_args.h"

#include <gtest/gtest.h>

namespace voc::cli {
namespace {

std::optional<v1::Goal> Parse(const std::vector<std::string>& words, std::string* error) {
  Args args;
  EXPECT_TRUE(args.Parse(words,
                         {"title", "metric", "baseline", "target", "start", "deadline", "window-days", "product",
                          "region", "department", "topic", "projects"},
                         {}, error))
      << *error;
  return GoalFromArgs(args, error);
}

const std::vector<std::string> kNpsGoal = {"--title",  "星辰E7 NPS 提升", "--metric", "nps",
                                           "--baseline", "12",          "--target", "17",
                                           "--start",  "2026-12-01",    "--deadline", "2027-06-30",
                                           "--product", "Xingchen E7"};

TEST(GoalFromArgsTest, AnNpsGoalWithItsScope) {
  std::string error;
  const auto goal = Parse(kNpsGoal, &error);
  ASSERT_TRUE(goal) << error;
  EXPECT_EQ(goal->title(), "星辰E7 NPS 提升");
  EXPECT_EQ(goal->metric(), v1::GOAL_METRIC_NPS);
  EXPECT_DOUBLE_EQ(goal->baseline(), 12);
  EXPECT_DOUBLE_EQ(goal->target(), 17);
  EXPECT_EQ(goal->start_day(), "2026-12-01");
  EXPECT_EQ(goal->deadline_day(), "2027-06-30");
  EXPECT_EQ(goal->scope().product(), "Xingchen E7");
  EXPECT_EQ(goal->window_days(), 0);  // the service's default
}

TEST(GoalFromArgsTest, ProjectsAreNamesWhicheverWayTheyAreGiven) {
  std::string error;
  const auto goal = Parse({"--title", "Top 3 churn fixes", "--metric", "projects-verified", "--baseline", "0",
                           "--target", "3", "--start", "2026-10-01", "--deadline", "2026-12-31", "--projects",
                           "p1,projects/p2,,p3", "--window-days", "14"},
                          &error);
  ASSERT_TRUE(goal) << error;
  ASSERT_EQ(goal->scope().projects_size(), 3);
  EXPECT_EQ(goal->scope().projects(0), "projects/p1");
  EXPECT_EQ(goal->scope().projects(1), "projects/p2");
  EXPECT_EQ(goal->scope().projects(2), "projects/p3");
  EXPECT_EQ(goal->window_days(), 14);
}

TEST(GoalFromArgsTest, MissingOrMalformedOptionsAreNamed) {
  std::string error;
  auto words = kNpsGoal;
  words.erase(words.begin() + 6, words.begin() + 8);  // --target 17
  EXPECT_FALSE(Parse(words, &error));
  EXPECT_EQ(error, "--target is required");

  words = kNpsGoal;
  words[3] = "satisfaction";
  EXPECT_FALSE(Parse(words, &error));
  EXPECT_NE(error.find("--metric"), std::string::npos) << error;

  words = kNpsGoal;
  words[5] = "12x";
  EXPECT_FALSE(Parse(words, &error));
  EXPECT_NE(error.find("--baseline"), std::string::npos) << error;

  words = kNpsGoal;
  words[7] = "nan";
  EXPECT_FALSE(Parse(words, &error));
  EXPECT_NE(error.find("--target"), std::string::npos) << error;
}

TEST(GoalMetricNameTest, NamesGoBothWays) {
  for (const auto metric : {v1::GOAL_METRIC_NPS, v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE, v1::GOAL_METRIC_HOT_LOOP_RATE,
                            v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE, v1::GOAL_METRIC_PROJECTS_VERIFIED}) {
    EXPECT_EQ(GoalMetricFromName(GoalMetricName(metric)), metric);
  }
  EXPECT_FALSE(GoalMetricFromName("NPS"));
  EXPECT_EQ(GoalStatusName(v1::GOAL_STATUS_AT_RISK), "at risk");
}

}  // namespace
}  // namespace voc::cli
