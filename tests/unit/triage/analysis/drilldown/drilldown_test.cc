#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "services/triage/analysis/drilldown/drilldown.h"

namespace voc::triage {
namespace {

TEST(LogLikelihoodRatioTest, KnownValues) {
  EXPECT_DOUBLE_EQ(LogLikelihoodRatio(10, 100, 10, 100), 0.0);  // same share: no evidence
  // a=30/100 vs b=10/100: 2*sum O ln(O/E) with E = 20, 80, 20, 80.
  const double expected = 2 * (30 * std::log(30.0 / 20) + 70 * std::log(70.0 / 80) + 10 * std::log(10.0 / 20) +
                               90 * std::log(90.0 / 80));
  EXPECT_NEAR(LogLikelihoodRatio(30, 100, 10, 100), expected, 1e-9);
  EXPECT_DOUBLE_EQ(LogLikelihoodRatio(0, 0, 5, 10), 0.0);
}

// Delivery-delay complaints over a window: the injected cause (missing
// vehicle certificate "合格证" at store S07) must come out on top; the
// words every complaint shares (and the sales staff) must not.
TEST(DrillDownTest, FindsInjectedTermAndStore) {
  std::mt19937 rng(7);
  const std::vector<std::string> common = {"等", "交车", "销售", "慢", "电话"};
  const std::vector<std::string> stores = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"};
  auto random_doc = [&](bool injected) {
    DrillDocument d;
    for (const auto& w : common)
      if (rng() % 2) d.terms.push_back(w);
    d.attributes.push_back({"store", injected && rng() % 10 < 8 ? "S07" : stores[rng() % stores.size()]});
    d.attributes.push_back({"region", rng() % 2 ? "east" : "north"});
    if (injected && rng() % 10 < 7) d.terms.push_back("合格证");
    else if (rng() % 50 == 0) d.terms.push_back("合格证");
    return d;
  };
  std::vector<DrillDocument> target, baseline;
  for (int i = 0; i < 60; ++i) target.push_back(random_doc(true));
  for (int i = 0; i < 600; ++i) baseline.push_back(random_doc(false));

  const auto found = DrillDown(target, baseline);
  ASSERT_GE(found.size(), 2u);
  std::vector<std::string> top = {found[0].kind + "=" + found[0].value, found[1].kind + "=" + found[1].value};
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{"store=S07", "term=合格证"}));
  for (const auto& r : found) {
    EXPECT_NE(r.value, "销售") << "shared vocabulary must not be reported";
    EXPECT_NE(r.value, "等");
    EXPECT_GE(r.target_count, 3u);
    EXPECT_GT(r.lift, 1.5);
    EXPECT_LE(r.p_value, 0.01);
  }
  for (std::size_t i = 1; i < found.size(); ++i) EXPECT_GE(found[i - 1].g2, found[i].g2);
}

TEST(DrillDownTest, MinimumSupportSuppressesRareFeatures) {
  std::vector<DrillDocument> target(20), baseline(200);
  target[0].terms = {"罕见"};
  target[1].terms = {"罕见"};  // 2 < min_support 3
  for (int i = 0; i < 5; ++i) target[i + 2].terms = {"常见"};
  EXPECT_EQ(DrillDown(target, baseline).size(), 1u);
  DrillDownOptions loose;
  loose.min_support = 2;
  EXPECT_EQ(DrillDown(target, baseline, loose).size(), 2u);
}

TEST(DrillDownTest, RepeatedTermInOneDocumentCountsOnce) {
  FeatureCounts c;
  c.Add(DrillDocument{{"慢", "慢", "慢"}, {}});
  EXPECT_EQ(c.counts().size(), 1u);
  EXPECT_EQ(c.counts().begin()->second, 1u);
}

TEST(DrillDownTest, PreAggregatedCountsGiveTheSameResult) {
  FeatureCounts target, baseline;
  target.AddDocuments(50);
  target.AddCount("model", "X5", 20);
  baseline.AddDocuments(500);
  baseline.AddCount("model", "X5", 30);
  const auto r = DrillDown(target, baseline);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "model");
  EXPECT_EQ(r[0].value, "X5");
  EXPECT_NEAR(r[0].lift, (20.5 / 51) / (30.5 / 501), 1e-12);
  EXPECT_NEAR(r[0].p_value, std::erfc(std::sqrt(r[0].g2 / 2)), 1e-15);
}

}  // namespace
}  // namespace voc::triage
