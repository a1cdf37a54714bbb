// Who may call which VerificationService RPC (issue 9): the decisions of
// verification_access.h for people, stage principals and API keys.
#include "services/verification/verification_access.h"

#include <gtest/gtest.h>

#include "tests/support/test_principals.h"

namespace voc::verification {
namespace {

auth::Principal Person(std::set<auth::Role> roles = {}) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:p-xu-gang";
  p.person_id = "p-xu-gang";
  p.departments = {"logistics"};
  p.roles = std::move(roles);
  return p;
}

TEST(VerificationAccessTest, EveryPersonAndAnalyticsReadersReadVerificationsAndKnowledge) {
  for (const auth::Principal& reader :
       {Person(), Person({auth::Role::kExecutive}), testing::ApiKeyCaller({"analytics:read"}), testing::ApiKeyCaller({"cases:read"})}) {
    EXPECT_TRUE(MayReadVerifications(reader).ok()) << reader.id;
    EXPECT_TRUE(MaySearchKnowledge(reader).ok()) << reader.id;
  }
}

TEST(VerificationAccessTest, StagesAndNarrowKeysReadNothingAndAreToldTheScope) {
  auth::Principal assignment;
  assignment.id = "service:assignment";
  assignment.scopes = {"cases:create", "keys:verify"};
  for (const auth::Principal& refused : {assignment, testing::ApiKeyCaller({"feedback:write"}), testing::ApiKeyCaller({})}) {
    const absl::Status read = MayReadVerifications(refused);
    EXPECT_EQ(read.code(), absl::StatusCode::kPermissionDenied) << refused.id;
    EXPECT_NE(read.message().find("analytics:read"), std::string::npos) << read.message();
    EXPECT_EQ(MaySearchKnowledge(refused).code(), absl::StatusCode::kPermissionDenied) << refused.id;
  }
}

TEST(VerificationAccessTest, OnlyCaseWritersAndAdminsRunTheDueChecksByHand) {
  EXPECT_TRUE(MayRunDueChecks(testing::ApiKeyCaller({"cases:write"})).ok());
  EXPECT_TRUE(MayRunDueChecks(testing::ApiKeyCaller({"admin"})).ok());
  EXPECT_TRUE(MayRunDueChecks(Person({auth::Role::kAdmin})).ok());
  EXPECT_EQ(MayRunDueChecks(testing::ApiKeyCaller({"cases:read", "analytics:read"})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunDueChecks(Person()).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunDueChecks(Person({auth::Role::kAnalyst, auth::Role::kExecutive})).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace voc::verification
