#include "services/assignment/routing/router.h"

#include <gtest/gtest.h>

#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using std::chrono::hours;
using testing::MakeRouter;
using testing::Received;
using testing::Triaged;

// Tracking owns the SLA policies now (issue 11): a planned case carries no
// due time, only the feedback's arrival its clocks start from.
TimePoint DueOf(const PlannedCase& plan) {
  EXPECT_FALSE(plan.request.has_sla());
  EXPECT_TRUE(IsUnset(plan.request.case_().due_time()));
  return FromProto(plan.request.reference_time());
}

TEST(RouterTest, DetractorGetsACallbackOwnedByTheAccountManagerDue24hAfterArrival) {
  const auto plans = MakeRouter()->Route(Triaged("fb-1").Detractor().AccountManager("p-am").t);
  ASSERT_EQ(plans.size(), 1u);
  const PlannedCase& plan = plans[0];
  EXPECT_EQ(plan.kind, kDetractorCallback);
  EXPECT_EQ(plan.request.request_id(), "callback:fb-1");
  EXPECT_EQ(plan.request.case_().kind(), v1::CASE_KIND_DETRACTOR_CALLBACK);
  EXPECT_EQ(plan.request.case_().feedback_id(), "fb-1");
  ASSERT_EQ(plan.request.case_().owners_size(), 1);
  EXPECT_EQ(plan.request.case_().owners(0).person(), "p-am");
  EXPECT_EQ(plan.request.case_().owners(0).department(), "customer_success");
  EXPECT_EQ(DueOf(plan), Received()) << "the clocks start at arrival";
  EXPECT_TRUE(plan.notify.empty());
  EXPECT_NE(plan.reason.find("account manager"), std::string::npos) << plan.reason;
}

TEST(RouterTest, AccountManagerComesFromTheDirectoryWhenTheFeedbackLacksIt) {
  const auto plans = MakeRouter()->Route(Triaged("fb-1", "c-with-am").Detractor().t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-am");
}

TEST(RouterTest, UnknownAccountManagerFallsBackToTheDirectory) {
  const auto plans =
      MakeRouter()->Route(Triaged("fb-1", "c-with-am").Detractor().AccountManager("p-gone").t);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-am");
}

TEST(RouterTest, AnInactiveAccountManagerIsPassedOverLikeAMissingOne) {
  // Named on the feedback: the directory's account manager instead.
  auto plans = MakeRouter()->Route(Triaged("fb-1", "c-with-am").Detractor().AccountManager("p-am-left").t);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-am");
  // The directory's own is inactive: the next owner of the chain.
  plans = MakeRouter()->Route(Triaged("fb-2", "c-left-am").Detractor().Store("store-sh-001").t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-east");
  EXPECT_NE(plans[0].reason.find("no account_manager"), std::string::npos) << plans[0].reason;
}

TEST(RouterTest, AnInactiveHeadLeavesTheCaseToTheWholeDepartment) {
  auto dir = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Parse(R"(departments:
  - {id: customer_success, head: p-head-cs}
  - {id: customer_service, head: p-head-service}
  - {id: legal, head: p-counsel}
  - {id: pr, head: p-pr}
  - {id: executive, head: p-ceo}
people:
  - {id: p-ceo, department: executive}
  - {id: p-head-cs, department: customer_success, manager: p-ceo, active: false}
  - {id: p-head-service, department: customer_service, manager: p-ceo}
  - {id: p-counsel, department: legal, manager: p-ceo}
  - {id: p-pr, department: pr, manager: p-ceo}
customers:
  - {id: c-no-am, name: B, tier: standard}
)").value());
  auto rules = std::make_shared<const RoutingRules>(RoutingRules::FromString(testing::kRoutingYaml, *dir).value());
  const Router router(dir, rules);
  const auto plans = router.Route(Triaged("fb-1", "c-no-am").Detractor().t);
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_EQ(plans[0].request.case_().owners_size(), 1);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "customer_success");
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "") << "not the inactive head";
}

TEST(RouterTest, NoAccountManagerFallsBackToTheStoresRegionalManager) {
  const auto plans =
      MakeRouter()->Route(Triaged("fb-1", "c-no-am").Detractor().Store("store-sh-001").t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-east");
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "store_operations");
  EXPECT_NE(plans[0].reason.find("no account_manager"), std::string::npos) << plans[0].reason;
}

TEST(RouterTest, NoAccountManagerNoStoreFallsBackToTheHeadOfCustomerSuccess) {
  const auto plans = MakeRouter()->Route(Triaged("fb-1", "c-unknown").Detractor().t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-head-cs");
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "customer_success");
  EXPECT_EQ(DueOf(plans[0]), Received()) << "the clocks start at arrival";
}

TEST(RouterTest, RedLineOpensOneP1CaseForLegalPrAndExecutiveAndNotifiesThem) {
  const auto plans = MakeRouter()->Route(Triaged("fb-9").RedLine("brakes failed").t);
  ASSERT_EQ(plans.size(), 1u);
  const PlannedCase& plan = plans[0];
  EXPECT_EQ(plan.kind, kRedLine);
  EXPECT_EQ(plan.request.request_id(), "redline:fb-9");
  EXPECT_EQ(plan.request.case_().kind(), v1::CASE_KIND_RED_LINE);
  EXPECT_EQ(plan.request.case_().priority(), v1::PRIORITY_P1);
  ASSERT_EQ(plan.request.case_().owners_size(), 3);
  EXPECT_EQ(plan.request.case_().owners(0).department(), "legal");
  EXPECT_EQ(plan.request.case_().owners(0).person(), "p-counsel");
  EXPECT_EQ(plan.request.case_().owners(1).department(), "pr");
  EXPECT_EQ(plan.request.case_().owners(1).person(), "p-pr");
  EXPECT_EQ(plan.request.case_().owners(2).department(), "executive");
  EXPECT_EQ(plan.request.case_().owners(2).person(), "p-ceo");
  EXPECT_EQ(plan.notify, (std::vector<std::string>{"p-counsel", "p-pr", "p-ceo"}));
  EXPECT_EQ(DueOf(plan), Received()) << "the clocks start at arrival";
  EXPECT_NE(plan.request.case_().title().find("brakes failed"), std::string::npos);
}

TEST(RouterTest, RedLineDetractorGetsTheRedLineCaseAndStillACallback) {
  const auto plans = MakeRouter()->Route(Triaged("fb-9").Detractor(0).RedLine("fire").t);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].kind, kRedLine);
  EXPECT_EQ(plans[1].kind, kDetractorCallback);
  EXPECT_EQ(plans[1].request.request_id(), "callback:fb-9");
}

TEST(RouterTest, StaffComplaintAtAStoreGoesToTheRegionalManager) {
  const auto plans = MakeRouter()->Route(Triaged("fb-5", "c-no-am")
                                             .Negative()
                                             .Topic("service.staff_attitude", "customer_service")
                                             .Store("store-sh-001")
                                             .t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].kind, kComplaint);
  EXPECT_EQ(plans[0].request.request_id(), "complaint:fb-5");
  EXPECT_EQ(plans[0].request.case_().kind(), v1::CASE_KIND_COMPLAINT);
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-east");
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "store_operations");
  EXPECT_NE(plans[0].reason.find("staff attitude at a store"), std::string::npos) << plans[0].reason;
  EXPECT_EQ(DueOf(plans[0]), Received()) << "the clocks start at arrival";
}

TEST(RouterTest, StaffComplaintWithoutAStoreGoesToTheTopicsDepartment) {
  const auto plans = MakeRouter()->Route(
      Triaged("fb-5").Negative().Topic("service.staff_attitude", "customer_service").t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "customer_service");
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-head-service");
}

TEST(RouterTest, NegativeFeedbackIsRoutedByTopicElseToTheDefaultDepartment) {
  auto plans = MakeRouter()->Route(
      Triaged("fb-6").Negative().Topic("logistics.delivery_delay", "logistics").t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "logistics");
  EXPECT_EQ(plans[0].request.case_().owners(0).person(), "p-head-logistics");
  EXPECT_EQ(plans[0].request.case_().topics(0), "logistics.delivery_delay");

  plans = MakeRouter()->Route(Triaged("fb-7").Negative().t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "customer_service");
}

TEST(RouterTest, TriagePriorityIsKeptOnComplaints) {
  Triaged t("fb-8");
  t.Negative().Topic("logistics.delivery_delay", "logistics");
  t.t.mutable_result()->set_priority(v1::PRIORITY_P2);
  EXPECT_EQ(MakeRouter()->Route(t.t)[0].request.case_().priority(), v1::PRIORITY_P2);
}

TEST(RouterTest, PositiveOrNeutralFeedbackOpensNothing) {
  EXPECT_TRUE(MakeRouter()->Route(Triaged("fb-1").t).empty());
}

TEST(RouterTest, NegativeDetractorGetsOnlyTheCallbackUnlessConfiguredOtherwise) {
  Triaged t("fb-1");
  t.Detractor().Negative().Topic("logistics.delivery_delay", "logistics");
  auto plans = MakeRouter()->Route(t.t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].kind, kDetractorCallback);

  std::string both = testing::kRoutingYaml;
  both.replace(both.find("skip_when_other_case: true"), 26, "skip_when_other_case: false");
  plans = MakeRouter(both)->Route(t.t);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[1].kind, kComplaint);
}

// Topics (issue 10): a topic praised in its clause neither routes nor names
// the complaint; one complained about does, even in mixed feedback.
TEST(RouterTest, PraisedTopicsDoNotRouteTheComplaint) {
  Triaged fb("fb-mixed", "c-no-am");
  auto* praised = fb.t.mutable_result()->add_topics();
  praised->set_topic("logistics");
  praised->set_department("logistics");
  praised->set_sentiment(v1::SENTIMENT_POSITIVE);
  auto* complained = fb.t.mutable_result()->add_topics();
  complained->set_topic("store.checkout");
  complained->set_department("store_operations");
  complained->set_sentiment(v1::SENTIMENT_NEGATIVE);
  // The feedback's overall sentiment is neutral (two praises, one complaint): still a complaint.
  const auto plans = MakeRouter()->Route(fb.t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].kind, kComplaint);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "store_operations") << plans[0].reason;
  ASSERT_EQ(plans[0].request.case_().topics_size(), 1);
  EXPECT_EQ(plans[0].request.case_().topics(0), "store.checkout");
}

TEST(RouterTest, TopicsWithoutASentimentAreComplaintsAsBefore) {
  // Producers before clause-level topics set no topic sentiment.
  const auto plans = MakeRouter()->Route(Triaged("fb-old", "c-no-am").Negative().Topic("logistics.delivery_delay", "logistics").t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "logistics");
}

}  // namespace
}  // namespace voc::assignment
