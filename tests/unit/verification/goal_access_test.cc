// Who may call which GoalService RPC (issue 12, goal_access.h): analysts
// and admins manage goals; goals are read like the figures they track; an
// operator evaluates them by hand.
#include "services/verification/goals/goal_access.h"

#include <gtest/gtest.h>

#include "tests/support/test_principals.h"

namespace voc::verification {
namespace {

auth::Principal Person(std::set<auth::Role> roles = {}, std::set<std::string> departments = {"logistics"}) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:p-xu-gang";
  p.person_id = "p-xu-gang";
  p.departments = std::move(departments);
  p.roles = std::move(roles);
  return p;
}

TEST(GoalAccessTest, AnalystsAndAdminsManageGoalsOthersAreToldWhy) {
  EXPECT_TRUE(MayManageGoals(Person({auth::Role::kAnalyst})).ok());
  EXPECT_TRUE(MayManageGoals(Person({auth::Role::kAdmin})).ok());
  EXPECT_TRUE(MayManageGoals(testing::ApiKeyCaller({"admin"})).ok());
  for (const auth::Principal& refused :
       {Person(), Person({auth::Role::kExecutive}), Person({auth::Role::kDepartmentHead}),
        testing::ApiKeyCaller({"analytics:read", "cases:write"})}) {
    const absl::Status s = MayManageGoals(refused);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << refused.id;
  }
  EXPECT_NE(MayManageGoals(testing::ApiKeyCaller({"cases:write"})).message().find("admin"), std::string::npos);
}

TEST(GoalAccessTest, GoalsAreReadLikeTheFiguresTheyTrack) {
  const auth::Principal member = Person();
  EXPECT_TRUE(MayReadGoal(member, "").ok());  // company-wide
  EXPECT_TRUE(MayReadGoal(member, "logistics").ok());
  EXPECT_EQ(MayReadGoal(member, "pricing").code(), absl::StatusCode::kPermissionDenied);
  for (const auth::Principal& everything :
       {Person({auth::Role::kAnalyst}), Person({auth::Role::kExecutive}), testing::ApiKeyCaller({"analytics:read"}),
        testing::ApiKeyCaller({"cases:read"})}) {
    EXPECT_TRUE(MayReadGoal(everything, "pricing").ok()) << everything.id;
    EXPECT_TRUE(MayReadGoal(everything, "").ok()) << everything.id;
  }
  const absl::Status key = MayReadGoal(testing::ApiKeyCaller({"feedback:write"}), "");
  EXPECT_EQ(key.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(key.message().find("analytics:read"), std::string::npos) << key.message();
  // A person in no department sees no figures, so no goal either.
  EXPECT_EQ(MayReadGoal(Person({}, {}), "").code(), absl::StatusCode::kPermissionDenied);
}

TEST(GoalAccessTest, AListReturnsCompanyWideGoalsAndTheCallersDepartments) {
  const auto member = VisibleGoalDepartments(Person({}, {"logistics", "pricing"}));
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ(**member, (std::set<std::string>{"", "logistics", "pricing"}));
  const auto analyst = VisibleGoalDepartments(Person({auth::Role::kAnalyst}));
  ASSERT_TRUE(analyst.ok());
  EXPECT_FALSE(analyst->has_value());  // every department
  EXPECT_EQ(VisibleGoalDepartments(testing::ApiKeyCaller({})).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(GoalAccessTest, OnlyCaseWritersAndAdminsEvaluateByHand) {
  EXPECT_TRUE(MayEvaluateGoals(testing::ApiKeyCaller({"cases:write"})).ok());
  EXPECT_TRUE(MayEvaluateGoals(testing::ApiKeyCaller({"admin"})).ok());
  EXPECT_TRUE(MayEvaluateGoals(Person({auth::Role::kAdmin})).ok());
  EXPECT_EQ(MayEvaluateGoals(Person({auth::Role::kAnalyst})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayEvaluateGoals(testing::ApiKeyCaller({"analytics:read"})).code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace voc::verification
