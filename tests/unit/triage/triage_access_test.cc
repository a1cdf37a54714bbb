// Who may call which TriageService RPC (services/triage/triage_access.h),
// with the demo's people from config/directory.yaml and config/roles.yaml.
#include "services/triage/triage_access.h"

#include <gtest/gtest.h>

#include "tests/support/test_principals.h"


namespace voc::triage {
namespace {

bool Denied(const absl::Status& s) { return s.code() == absl::StatusCode::kPermissionDenied; }

TEST(TriageAccessTest, RuleChangesNeedRulesWriteOrAnAnalystOrAdmin) {
  EXPECT_TRUE(MayWriteRules(testing::ServiceCaller({"rules:write"})).ok());
  EXPECT_TRUE(MayWriteRules(testing::ServiceCaller({"admin"})).ok());
  EXPECT_TRUE(MayWriteRules(testing::DemoPerson("p-emily-carter")).ok());  // analyst
  EXPECT_TRUE(MayWriteRules(testing::DemoPerson("p-sun-li")).ok());        // admin
  EXPECT_TRUE(Denied(MayWriteRules(testing::ServiceCaller({"rules:read", "act_as_person"}))));
  EXPECT_NE(MayWriteRules(testing::ServiceCaller({})).message().find("rules:write"), std::string::npos);
  EXPECT_TRUE(Denied(MayWriteRules(testing::DemoPerson("p-xu-gang"))));        // member
  EXPECT_TRUE(Denied(MayWriteRules(testing::DemoPerson("p-wang-lei"))));       // head
  EXPECT_TRUE(Denied(MayWriteRules(testing::DemoPerson("p-chen-jianguo"))));   // executive
  // Reading the rules: any person, rules:read|write or admin for the others.
  EXPECT_TRUE(MayReadRules(testing::DemoPerson("p-xu-gang")).ok());
  EXPECT_TRUE(MayReadRules(testing::ServiceCaller({"rules:read"})).ok());
  EXPECT_TRUE(Denied(MayReadRules(testing::ServiceCaller({"feedback:write"}))));
}

TEST(TriageAccessTest, StoredResultsNeedFeedbackReadAggregatesNeedAnalytics) {
  EXPECT_TRUE(MayReadTriageResults(testing::ServiceCaller({"feedback:read"})).ok());
  EXPECT_TRUE(Denied(MayReadTriageResults(testing::ServiceCaller({"feedback:write", "analytics:read"}))));
  EXPECT_TRUE(MayReadTriageResults(testing::DemoPerson("p-olivia-chen")).ok());  // analyst
  EXPECT_TRUE(Denied(MayReadTriageResults(testing::DemoPerson("p-xu-gang"))));

  EXPECT_TRUE(MayReadAnalytics(testing::ServiceCaller({"analytics:read"})).ok());
  EXPECT_TRUE(MayReadAnalytics(testing::DemoPerson("p-xu-gang")).ok());
  EXPECT_TRUE(Denied(MayReadAnalytics(testing::ServiceCaller({"feedback:write"}))));
  EXPECT_TRUE(Denied(MayReadAnalytics(testing::ServiceCaller({"triage:count"}))));

  EXPECT_TRUE(MayCountFeedback(testing::ServiceCaller({"triage:count"})).ok());    // verification
  EXPECT_TRUE(MayCountFeedback(testing::ServiceCaller({"analytics:read"})).ok());
  EXPECT_TRUE(Denied(MayCountFeedback(testing::ServiceCaller({"feedback:write"}))));

  EXPECT_TRUE(MayAnalyze(testing::ServiceCaller({"feedback:read"})).ok());
  EXPECT_TRUE(MayAnalyze(testing::ServiceCaller({"analytics:read"})).ok());
  EXPECT_TRUE(MayAnalyze(testing::DemoPerson("p-xu-gang")).ok());
  EXPECT_TRUE(Denied(MayAnalyze(testing::ServiceCaller({"feedback:write"}))));
}

// Issue 10 item 4: the red-line term report is for those who tighten the lists.
TEST(TriageAccessTest, TheRedLineReportIsForAnalystsAdminsAndRulesReaders) {
  EXPECT_TRUE(MayReadRedLineReport(testing::DemoPerson("p-emily-carter")).ok());  // analyst
  EXPECT_TRUE(MayReadRedLineReport(testing::DemoPerson("p-sun-li")).ok());        // admin
  EXPECT_TRUE(MayReadRedLineReport(testing::ServiceCaller({"rules:read"})).ok());
  EXPECT_TRUE(MayReadRedLineReport(testing::ServiceCaller({"rules:write"})).ok());
  EXPECT_TRUE(Denied(MayReadRedLineReport(testing::DemoPerson("p-xu-gang"))));       // member
  EXPECT_TRUE(Denied(MayReadRedLineReport(testing::DemoPerson("p-chen-jianguo"))));  // executive
  EXPECT_NE(MayReadRedLineReport(testing::ServiceCaller({"analytics:read"})).message().find("rules:read"),
            std::string::npos);
}

}  // namespace
}  // namespace voc::triage
