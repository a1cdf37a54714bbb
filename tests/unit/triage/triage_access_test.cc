// Who may call which TriageService RPC (services/triage/triage_access.h),
// with the demo's people from config/directory.yaml and config/roles.yaml.
#include "services/triage/triage_access.h"

#include <gtest/gtest.h>

#include "common/auth/role_book.h"
#include "common/org/org_directory.h"

namespace voc::triage {
namespace {

auth::Principal Service(std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:s";
  p.scopes = std::move(scopes);
  return p;
}

auth::Principal Person(const std::string& id) {
  auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  return auth::RoleBook::Load(directory, "config/roles.yaml").value().PersonPrincipal(id).value();
}

bool Denied(const absl::Status& s) { return s.code() == absl::StatusCode::kPermissionDenied; }

TEST(TriageAccessTest, RuleChangesNeedRulesWriteOrAnAnalystOrAdmin) {
  EXPECT_TRUE(MayWriteRules(Service({"rules:write"})).ok());
  EXPECT_TRUE(MayWriteRules(Service({"admin"})).ok());
  EXPECT_TRUE(MayWriteRules(Person("p-emily-carter")).ok());  // analyst
  EXPECT_TRUE(MayWriteRules(Person("p-sun-li")).ok());        // admin
  EXPECT_TRUE(Denied(MayWriteRules(Service({"rules:read", "act_as_person"}))));
  EXPECT_NE(MayWriteRules(Service({})).message().find("rules:write"), std::string::npos);
  EXPECT_TRUE(Denied(MayWriteRules(Person("p-xu-gang"))));        // member
  EXPECT_TRUE(Denied(MayWriteRules(Person("p-wang-lei"))));       // head
  EXPECT_TRUE(Denied(MayWriteRules(Person("p-chen-jianguo"))));   // executive
  // Reading the rules: any person, rules:read|write or admin for the others.
  EXPECT_TRUE(MayReadRules(Person("p-xu-gang")).ok());
  EXPECT_TRUE(MayReadRules(Service({"rules:read"})).ok());
  EXPECT_TRUE(Denied(MayReadRules(Service({"feedback:write"}))));
}

TEST(TriageAccessTest, StoredResultsNeedFeedbackReadAggregatesNeedAnalytics) {
  EXPECT_TRUE(MayReadTriageResults(Service({"feedback:read"})).ok());
  EXPECT_TRUE(Denied(MayReadTriageResults(Service({"feedback:write", "analytics:read"}))));
  EXPECT_TRUE(MayReadTriageResults(Person("p-olivia-chen")).ok());  // analyst
  EXPECT_TRUE(Denied(MayReadTriageResults(Person("p-xu-gang"))));

  EXPECT_TRUE(MayReadAnalytics(Service({"analytics:read"})).ok());
  EXPECT_TRUE(MayReadAnalytics(Person("p-xu-gang")).ok());
  EXPECT_TRUE(Denied(MayReadAnalytics(Service({"feedback:write"}))));
  EXPECT_TRUE(Denied(MayReadAnalytics(Service({"triage:count"}))));

  EXPECT_TRUE(MayCountFeedback(Service({"triage:count"})).ok());    // verification
  EXPECT_TRUE(MayCountFeedback(Service({"analytics:read"})).ok());
  EXPECT_TRUE(Denied(MayCountFeedback(Service({"feedback:write"}))));

  EXPECT_TRUE(MayAnalyze(Service({"feedback:read"})).ok());
  EXPECT_TRUE(MayAnalyze(Service({"analytics:read"})).ok());
  EXPECT_TRUE(MayAnalyze(Person("p-xu-gang")).ok());
  EXPECT_TRUE(Denied(MayAnalyze(Service({"feedback:write"}))));
}

}  // namespace
}  // namespace voc::triage
