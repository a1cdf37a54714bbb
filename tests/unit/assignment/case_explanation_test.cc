// Issue 12, "why is this case here": every case assignment opens carries
// what triage read and the routing rule that chose its owner.
#include <gtest/gtest.h>

#include "services/assignment/routing/router.h"
#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using testing::MakeRouter;
using testing::Triaged;

// A complaint as triage hands it on: evidence, a complaint topic with its
// terms, a praised topic (which explains nothing about a complaint), a
// priority with its reason and a cluster.
Triaged ReadComplaint(const std::string& id) {
  Triaged t(id, "c-no-am");
  t.Negative().Store("store-sh-001");
  v1::TriageResult* r = t.t.mutable_result();
  r->set_sentiment_score(-0.75);
  r->add_evidence("rude");
  r->add_evidence("never again");
  v1::TopicMatch* staff = r->add_topics();
  staff->set_topic("service.staff_attitude");
  staff->set_department("customer_service");
  staff->set_sentiment(v1::SENTIMENT_NEGATIVE);
  staff->add_evidence("cashier");
  staff->add_evidence("rude");
  v1::TopicMatch* praised = r->add_topics();
  praised->set_topic("logistics.delivery_speed");
  praised->set_department("logistics");
  praised->set_sentiment(v1::SENTIMENT_POSITIVE);
  praised->add_evidence("fast");
  r->set_priority(v1::PRIORITY_P2);
  r->set_priority_reason("negative x store complaint -> P2");
  r->set_cluster_id("cl-42");
  return t;
}

TEST(CaseExplanationTest, AComplaintCarriesTriagesReadingAndTheTopicRuleThatChoseItsOwner) {
  const auto plans = MakeRouter()->Route(ReadComplaint("fb-5").t);
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_EQ(plans[0].kind, kComplaint);
  const v1::CaseExplanation& e = plans[0].request.case_().explanation();
  EXPECT_EQ(e.sentiment(), v1::SENTIMENT_NEGATIVE);
  EXPECT_DOUBLE_EQ(e.sentiment_score(), -0.75);
  EXPECT_EQ(std::vector<std::string>(e.evidence().begin(), e.evidence().end()),
            (std::vector<std::string>{"rude", "never again"}));
  ASSERT_EQ(e.topics_size(), 1) << "only the complaint topic explains a complaint";
  EXPECT_EQ(e.topics(0).topic(), "service.staff_attitude");
  EXPECT_EQ(e.topics(0).department(), "customer_service");
  EXPECT_EQ(std::vector<std::string>(e.topics(0).evidence().begin(), e.topics(0).evidence().end()),
            (std::vector<std::string>{"cashier", "rude"}));
  EXPECT_EQ(e.priority(), v1::PRIORITY_P2);
  EXPECT_EQ(e.priority_reason(), "negative x store complaint -> P2");
  EXPECT_EQ(e.cluster_id(), "cl-42");
  EXPECT_EQ(e.red_lines_size(), 0);
  // The first (and only) complaint rule of kRoutingYaml, which starts on
  // its line 16 ("    - name: staff attitude at a store").
  EXPECT_EQ(e.routing().rule_id(), "complaint.rules[0]");
  EXPECT_EQ(e.routing().rule(), "staff attitude at a store");
  EXPECT_EQ(e.routing().line(), 16);
  EXPECT_EQ(e.routing().reason(), plans[0].reason);
  EXPECT_EQ(plans[0].routing.rule_id(), "complaint.rules[0]") << "the router's decision names the rule";
}

TEST(CaseExplanationTest, AComplaintNoRuleMatchesNamesTheTopicsDepartmentAsItsRule) {
  Triaged t = ReadComplaint("fb-6");
  t.t.mutable_feedback()->mutable_customer()->clear_store();  // the store rule needs a store
  const auto plans = MakeRouter()->Route(t.t);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].request.case_().explanation().routing().rule_id(), "complaint.topic_department");
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "customer_service");
}

TEST(CaseExplanationTest, AComplaintWithoutTopicsNamesTheDefaultDepartment) {
  const auto plans = MakeRouter()->Route(Triaged("fb-7").Negative().t);
  ASSERT_EQ(plans.size(), 1u);
  const v1::RoutingExplanation& routing = plans[0].request.case_().explanation().routing();
  EXPECT_EQ(routing.rule_id(), "complaint.default_department");
  EXPECT_EQ(routing.rule(), "default_department: customer_service");
}

TEST(CaseExplanationTest, ACallbackNamesTheOwnerChainEntryThatResolved) {
  // c-no-am has no account manager: the chain's second entry, the store's
  // regional manager (kRoutingYaml's line 5 holds the whole flow list, so
  // every entry of it is on line 5).
  const auto plans = MakeRouter()->Route(Triaged("fb-1", "c-no-am").Detractor().Store("store-sh-001").t);
  ASSERT_EQ(plans.size(), 1u);
  const v1::RoutingExplanation& routing = plans[0].request.case_().explanation().routing();
  EXPECT_EQ(routing.rule_id(), "detractor_callback.owners[1]");
  EXPECT_EQ(routing.rule(), "store_region_manager");
  EXPECT_EQ(routing.line(), 5);
  EXPECT_NE(routing.reason().find("regional manager of store store-sh-001"), std::string::npos)
      << routing.reason();
}

TEST(CaseExplanationTest, EveryCaseOfARedLineDetractorCarriesTheRedLineHitAndItsOwnRule) {
  Triaged t("fb-9");
  t.Detractor(0).RedLine("起火");
  v1::RedLineHit* hit = t.t.mutable_result()->mutable_red_lines(0);
  // "电池起火": the term's bytes in the normalised UTF-8 text, 3 per Han.
  hit->set_begin(6);
  hit->set_end(12);
  hit->set_matched("起火");
  hit->set_rule("config/redlines.yaml:12: not negated");
  t.t.mutable_result()->add_evidence("吓人");
  const auto plans = MakeRouter()->Route(t.t);
  ASSERT_EQ(plans.size(), 2u);
  for (const PlannedCase& plan : plans) {
    const v1::CaseExplanation& e = plan.request.case_().explanation();
    ASSERT_EQ(e.red_lines_size(), 1) << plan.kind;
    EXPECT_EQ(e.red_lines(0).category(), v1::RED_LINE_CATEGORY_SAFETY);
    EXPECT_EQ(e.red_lines(0).term(), "起火");
    EXPECT_EQ(e.red_lines(0).begin(), 6);
    EXPECT_EQ(e.red_lines(0).end(), 12);
    EXPECT_EQ(e.red_lines(0).rule(), "config/redlines.yaml:12: not negated");
    ASSERT_EQ(e.evidence_size(), 1);
    EXPECT_EQ(e.evidence(0), "吓人");
  }
  EXPECT_EQ(plans[0].request.case_().explanation().routing().rule_id(), "red_line.owners");
  EXPECT_EQ(plans[0].request.case_().explanation().routing().line(), 9);
  EXPECT_EQ(plans[1].request.case_().explanation().routing().rule_id(), "detractor_callback.owners[0]");
  EXPECT_EQ(plans[1].request.case_().explanation().routing().rule(), "account_manager");
}

}  // namespace
}  // namespace voc::assignment
