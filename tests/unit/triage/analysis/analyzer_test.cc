// End-to-end checks of the analyser built from the shipped configuration
// files (run from the source root, as ctest does).
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "services/triage/analysis/factory.h"

namespace voc::triage {
namespace {

bool HasTopic(const Analysis& a, const std::string& id) {
  return std::any_of(a.topics.begin(), a.topics.end(), [&](const TopicMatch& t) { return t.path == id; });
}

TEST(AnalyzerTest, ShippedConfigurationLoads) {
  auto analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  ASSERT_NE(analyzer, nullptr);
  for (const char* id : {"logistics", "logistics.delivery_delay", "logistics.damaged_package", "logistics.tracking",
                         "service", "service.staff_attitude", "service.response_time", "service.after_sales",
                         "product", "product.quality", "product.defect", "product.fuel_economy", "product.space",
                         "app", "app.crash", "app.login", "app.performance", "app.payment", "price",
                         "price.too_high", "price.refund", "safety", "food", "food.taste", "food.temperature"}) {
    EXPECT_NE(analyzer->taxonomy().Current()->Find(id), nullptr) << id;
  }
}

TEST(AnalyzerTest, MissingTaxonomyFileIsAClearError) {
  AnalyzerOptions o = ShippedAnalyzerOptions();
  o.taxonomy_path = "config/no_such_taxonomy.yaml";
  const auto analyzer = MakeAnalyzer(o);
  ASSERT_FALSE(analyzer.ok()) << "expected an error";
  EXPECT_EQ(analyzer.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(analyzer.status().message());
  EXPECT_NE(message.find("no_such_taxonomy.yaml"), std::string::npos) << message;
}

TEST(AnalyzerTest, ChineseDeliveryComplaint) {
  auto analyzer = MakeAnalyzer(ShippedAnalyzerOptions()).value();
  const Analysis a = analyzer->Analyze({.text = "快递太慢了，等了五天还没到，物流信息也不更新"});
  EXPECT_TRUE(HasTopic(a, "logistics.delivery_delay"));
  EXPECT_TRUE(HasTopic(a, "logistics.tracking"));
  EXPECT_FALSE(HasTopic(a, "logistics")) << "the parent is implied by its matched children";
  EXPECT_EQ(a.sentiment, SentimentLabel::kNegative);
  EXPECT_TRUE(a.red_lines.empty());
}

TEST(AnalyzerTest, EnglishAppCrashWithDepartment) {
  auto analyzer = MakeAnalyzer(ShippedAnalyzerOptions()).value();
  const Analysis a = analyzer->Analyze({.text = "The app keeps CRASHING when I try to pay"});
  ASSERT_TRUE(HasTopic(a, "app.crash"));
  for (const auto& t : a.topics)
    if (t.path == "app.crash") EXPECT_EQ(t.department, "app_engineering");
  EXPECT_TRUE(HasTopic(a, "app.payment"));
}

TEST(AnalyzerTest, SafetyRedLineGivesP1WithReason) {
  auto analyzer = MakeAnalyzer(ShippedAnalyzerOptions()).value();
  const Analysis a = analyzer->Analyze({.text = "热水器用了两天就漏电，我家孩子差点触电，太吓人了"});
  ASSERT_FALSE(a.red_lines.empty());
  EXPECT_EQ(a.red_lines.front().category, RedLineCategory::kSafety);
  EXPECT_EQ(a.priority, Priority::kP1);
  EXPECT_EQ(a.priority_reason, "red line: safety");
}

TEST(AnalyzerTest, DetractorVipGetsP2WithSpelledOutReason) {
  auto analyzer = MakeAnalyzer(ShippedAnalyzerOptions()).value();
  const Analysis a = analyzer->Analyze({.text = "还行吧", .nps = 3, .customer_tier = "vip"});
  EXPECT_EQ(a.nps_category, NpsCategory::kDetractor);
  EXPECT_EQ(a.priority, Priority::kP2);
  EXPECT_NE(a.priority_reason.find("detractor"), std::string::npos) << a.priority_reason;
  EXPECT_NE(a.priority_reason.find("VIP customer"), std::string::npos) << a.priority_reason;
}

TEST(AnalyzerTest, TaxonomyUpdateIsSeenByLaterAnalyses) {
  auto analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  EXPECT_FALSE(HasTopic(analyzer->Analyze({.text = "充电桩坏了"}), "charging"));
  ASSERT_TRUE(analyzer->taxonomy().Update(R"(
version: "test-2"
topics:
  - id: charging
    name: {zh: 充电, en: Charging}
    department: after_sales
    query: {any: [充电桩]}
)").ok());
  EXPECT_TRUE(HasTopic(analyzer->Analyze({.text = "充电桩坏了"}), "charging"));
  EXPECT_EQ(analyzer->taxonomy().Current()->version(), "test-2");
}

TEST(AnalyzerTest, ConcurrentAnalysesAgree) {
  auto analyzer = MakeAnalyzer(ShippedAnalyzerOptions()).value();
  const Analysis expected = analyzer->Analyze({.text = "服务员态度很差，菜也凉了"});
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        const Analysis a = analyzer->Analyze({.text = "服务员态度很差，菜也凉了"});
        if (a.topics.size() != expected.topics.size() || a.sentiment != expected.sentiment) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_TRUE(std::any_of(expected.topics.begin(), expected.topics.end(),
                          [](const TopicMatch& t) { return t.path == "service.staff_attitude"; }));
  EXPECT_TRUE(std::any_of(expected.topics.begin(), expected.topics.end(),
                          [](const TopicMatch& t) { return t.path == "food.temperature"; }));
}

TEST(AnalyzerTest, HelperNames) {
  EXPECT_EQ(NpsCategoryFor(std::nullopt), NpsCategory::kNone);
  EXPECT_EQ(NpsCategoryFor(6), NpsCategory::kDetractor);
  EXPECT_EQ(NpsCategoryFor(7), NpsCategory::kPassive);
  EXPECT_EQ(NpsCategoryFor(9), NpsCategory::kPromoter);
  EXPECT_STREQ(SentimentLabelName(SentimentLabel::kNegative), "negative");
  EXPECT_STREQ(RedLineCategoryName(RedLineCategory::kPrCrisis), "pr_crisis");
}

}  // namespace
}  // namespace voc::triage

namespace voc::triage {
namespace {

TEST(AnalyzerTermsTest, TermsAreNormalisedDistinctContentWords) {
  AnalyzerOptions o;
  o.taxonomy_path = "config/taxonomy.yaml";
  o.redlines_path = "config/redlines.yaml";
  auto analyzer = MakeTriageAnalyzer(o).value();
  const auto terms = analyzer->Terms("Delivery was LATE, late again");
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "late"), 1);
  EXPECT_NE(std::find(terms.begin(), terms.end(), "delivery"), terms.end());
  EXPECT_EQ(std::find(terms.begin(), terms.end(), ","), terms.end());
}

}  // namespace
}  // namespace voc::triage
