// Topics end to end (issue 10): the shipped analyser reads a mixed review
// clause by clause, triage hands its complaint topics to assignment, and the
// shipped routing sends the case to the owner of what the complaint is about.
// "便宜,送餐快,难吃" praises the price and the delivery and complains about the
// taste: the food-quality owner gets it, not logistics.
#include <gtest/gtest.h>

#include "common/org/org_directory.h"
#include "common/util/time.h"
#include "services/assignment/routing/router.h"
#include "services/assignment/routing/routing_rules.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/triage_processor.h"

namespace voc {
namespace {

class TopicRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    analyzer_ = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
    auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
    auto rules = std::make_shared<const assignment::RoutingRules>(
        assignment::RoutingRules::LoadFile("config/routing.yaml", *directory).value());
    router_ = std::make_unique<assignment::Router>(directory, rules);
  }

  // Analyse, turn into what triage publishes, route.
  std::vector<assignment::PlannedCase> TriageAndRoute(const std::string& id, const std::string& text) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_text(text);
    t.mutable_feedback()->mutable_customer()->set_id("c-unknown");
    const triage::Analysis a = analyzer_->Analyze({.text = text});
    *t.mutable_result() = triage::ToProto(a, id, FromMillis(1772438400000LL));
    return router_->Route(t);
  }

  std::unique_ptr<triage::TriageAnalyzer> analyzer_;
  std::unique_ptr<assignment::Router> router_;
};

TEST_F(TopicRoutingTest, MixedReviewGoesToTheOwnerOfTheComplaintNotOfThePraise) {
  const auto plans = TriageAndRoute("fb-taste", "便宜,送餐快,难吃");
  ASSERT_EQ(plans.size(), 1u);
  const v1::Case& c = plans[0].request.case_();
  EXPECT_EQ(plans[0].kind, assignment::kComplaint);
  ASSERT_EQ(c.owners_size(), 1);
  EXPECT_EQ(c.owners(0).department(), "food_quality") << plans[0].reason;
  EXPECT_NE(c.owners(0).department(), "logistics");
  EXPECT_EQ(c.title(), "Complaint: food.taste");
  ASSERT_EQ(c.topics_size(), 1);
  EXPECT_EQ(c.topics(0), "food.taste");
}

TEST_F(TopicRoutingTest, SlowDeliveryGoesToLogisticsAndThePraisedFoodDoesNotMatter) {
  const auto plans = TriageAndRoute("fb-late", "饭菜很好吃,但是送餐太慢了,等了两个小时");
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_EQ(plans[0].request.case_().owners_size(), 1);
  EXPECT_EQ(plans[0].request.case_().owners(0).department(), "logistics") << plans[0].reason;
}

TEST_F(TopicRoutingTest, PraiseOnlyOpensNoCase) {
  EXPECT_TRUE(TriageAndRoute("fb-praise", "便宜,送餐快,好吃").empty());
}

}  // namespace
}  // namespace voc
