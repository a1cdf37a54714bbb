#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "services/triage/analysis/rootcause/rootcause.h"

namespace voc::triage {
namespace {

// Independent of the library: the hypergeometric tail by the ratio of
// successive probabilities, starting from P(X = a) built as a product.
double ReferenceFisher(int a, int n1, int b, int n2) {
  const int N = n1 + n2, K = a + b;
  // P(X = a) = C(K, a) C(N - K, n1 - a) / C(N, n1), as a product of ratios.
  long double pa = 1;
  for (int i = 0; i < a; ++i) pa *= static_cast<long double>(K - i) / (a - i);
  for (int i = 0; i < n1 - a; ++i) pa *= static_cast<long double>(N - K - i) / (n1 - a - i);
  for (int i = 0; i < n1; ++i) pa /= static_cast<long double>(N - i) / (n1 - i);
  long double sum = 0, p = pa;
  for (int x = a; x <= std::min(K, n1); ++x) {
    sum += p;
    // P(x + 1) / P(x) = (K - x)(n1 - x) / ((x + 1)(N - K - n1 + x + 1))
    p *= static_cast<long double>(K - x) * (n1 - x) / ((x + 1.0L) * (N - K - n1 + x + 1.0L));
  }
  return static_cast<double>(sum);
}

double ReferenceG2(double a, double n1, double b, double n2) {
  const double n = n1 + n2, w = a + b, wo = n - w;
  auto t = [](double o, double e) { return o > 0 ? o * std::log(o / e) : 0.0; };
  return 2 * (t(a, n1 * w / n) + t(n1 - a, n1 * wo / n) + t(b, n2 * w / n) + t(n2 - b, n2 * wo / n));
}

double ReferenceBinomialTail(int x, int n, double p) {
  double sum = 0;
  for (int k = x; k <= n; ++k) {
    double c = 1;
    for (int i = 0; i < k; ++i) c *= static_cast<double>(n - i) / (i + 1);
    sum += c * std::pow(p, k) * std::pow(1 - p, n - k);
  }
  return sum;
}

TEST(RootCauseStatisticsTest, FisherMatchesAnIndependentComputation) {
  EXPECT_NEAR(FisherOneSided(3, 20, 0, 200), ReferenceFisher(3, 20, 0, 200), 1e-12);
  EXPECT_NEAR(FisherOneSided(12, 40, 30, 400), ReferenceFisher(12, 40, 30, 400), 1e-12);
  EXPECT_NEAR(FisherOneSided(0, 10, 5, 10), 1.0, 1e-12);
  // The textbook tea-tasting table: 3 of 4 right, P(X >= 3) = 17/70.
  EXPECT_NEAR(FisherOneSided(3, 4, 1, 4), 17.0 / 70.0, 1e-12);
}

TEST(RootCauseStatisticsTest, BinomialTailMatchesAnIndependentComputation) {
  EXPECT_NEAR(BinomialUpperTail(7, 20, 0.1), ReferenceBinomialTail(7, 20, 0.1), 1e-12);
  EXPECT_NEAR(BinomialUpperTail(1, 5, 0.5), 1 - std::pow(0.5, 5), 1e-12);
  EXPECT_DOUBLE_EQ(BinomialUpperTail(0, 5, 0.3), 1.0);
}

TEST(RootCauseStatisticsTest, BenjaminiHochbergByHand) {
  // m = 4: sorted p 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.04, 0.04, 0.5.
  const auto q = BenjaminiHochberg({0.03, 0.5, 0.01, 0.02});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NEAR(q[0], 0.04, 1e-12);
  EXPECT_NEAR(q[1], 0.5, 1e-12);
  EXPECT_NEAR(q[2], 0.04, 1e-12);
  EXPECT_NEAR(q[3], 0.04, 1e-12);
}

// A fleet: 8 production batches, each from one of 3 brake-pad suppliers;
// feedback from owners, joined to their vehicle. With `planted`, a third of
// the brake-squeal complaints (the target) come from batch B-07.
struct Fleet {
  std::vector<JoinedDocument> target, baseline;
};

Fleet MakeFleet(unsigned seed, bool planted) {
  std::mt19937 rng(seed);
  const std::vector<std::string> batches = {"B-01", "B-02", "B-03", "B-04", "B-05", "B-06", "B-07", "B-08"};
  const std::vector<std::string> models = {"E5", "E7", "S7"};
  auto doc = [&](const std::string& id, bool cause) {
    JoinedDocument d;
    d.feedback_id = id;
    const std::size_t batch = cause ? 6 : rng() % batches.size();
    d.attributes.push_back({"vehicle.production_batch", batches[batch]});
    d.attributes.push_back({"vehicle.brake_pad_supplier", "SUP-" + std::to_string(batch % 3)});
    d.attributes.push_back({"vehicle.model", models[rng() % models.size()]});
    d.attributes.push_back({"feedback.app_version", rng() % 2 ? "5.1.0" : "5.1.3"});
    return d;
  };
  Fleet f;
  for (int i = 0; i < 60; ++i) f.target.push_back(doc("t" + std::to_string(i), planted && rng() % 3 == 0));
  for (int i = 0; i < 600; ++i) f.baseline.push_back(doc("b" + std::to_string(i), false));
  return f;
}

TEST(RootCauseEnrichmentTest, FindsThePlantedBatchWithTheExpectedStatistic) {
  const Fleet fleet = MakeFleet(13, true);
  const EnrichmentResult r = FindOverRepresented(fleet.target, fleet.baseline);
  ASSERT_FALSE(r.findings.empty());
  const AttributeFinding& top = r.findings[0];
  EXPECT_EQ(top.attribute, "vehicle.production_batch");
  EXPECT_EQ(top.value, "B-07");

  // The counts, G^2, p and lift computed here from the documents.
  int a = 0, b = 0;
  std::vector<std::string> examples;
  for (const auto& d : fleet.target)
    if (d.attributes[0].second == "B-07") {
      ++a;
      if (examples.size() < 5) examples.push_back(d.feedback_id);
    }
  for (const auto& d : fleet.baseline) b += d.attributes[0].second == "B-07";
  EXPECT_EQ(top.target_count, static_cast<std::size_t>(a));
  EXPECT_EQ(top.baseline_count, static_cast<std::size_t>(b));
  EXPECT_EQ(top.target_size, 60u);
  EXPECT_EQ(top.baseline_size, 600u);
  EXPECT_NEAR(top.g2, ReferenceG2(a, 60, b, 600), 1e-9);
  EXPECT_NEAR(top.p_value, ReferenceFisher(a, 60, b, 600), 1e-12 + 1e-9 * top.p_value);
  EXPECT_NEAR(top.lift, ((a + 0.5) / 61) / ((b + 0.5) / 601), 1e-12);
  EXPECT_LE(top.q_value, 0.05);
  EXPECT_GE(top.q_value, top.p_value);
  EXPECT_EQ(top.example_feedback_ids, examples);
  // The family is every value either set has: 8 batches, 3 suppliers, 3 models, 2 versions.
  EXPECT_EQ(r.tested, 16u);
  // Batch B-07's supplier rides along (it is over-represented too); the
  // model and the app version, independent of the cause, do not.
  for (const auto& f : r.findings) {
    EXPECT_NE(f.attribute, "vehicle.model") << f.value;
    EXPECT_NE(f.attribute, "feedback.app_version") << f.value;
  }
}

TEST(RootCauseEnrichmentTest, MinimumSupportKeepsRareValuesOutOfTheFamily) {
  std::vector<JoinedDocument> target(20), baseline(200);
  target[0].attributes = {{"order.carrier", "rare"}};
  target[1].attributes = {{"order.carrier", "rare"}};
  for (int i = 2; i < 12; ++i) target[i].attributes = {{"order.carrier", "common"}};
  RootCauseOptions options;
  options.max_q_value = 1;
  options.min_lift = 1;
  EnrichmentResult r = FindOverRepresented(target, baseline, options);
  EXPECT_EQ(r.tested, 2u);  // tested, counted in m, but not reported
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].value, "common");
  options.min_support = 2;
  EXPECT_EQ(FindOverRepresented(target, baseline, options).findings.size(), 2u);
}

// The false-discovery check: with no cause planted, at most 5 % of 200
// random datasets report anything at q <= 0.05.
TEST(RootCauseEnrichmentTest, FindsNothingWithoutACauseAcrossSeeds) {
  int reported = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    const Fleet fleet = MakeFleet(seed, false);
    if (!FindOverRepresented(fleet.target, fleet.baseline).findings.empty()) ++reported;
  }
  RecordProperty("null_datasets_reporting", reported);
  EXPECT_LE(reported, 10) << reported << " of 200 null datasets reported a finding";
}

// Store-days over 30 days: 6 stores, 5 staff planned, some days 2 short.
// Complaints per store-day are Poisson in the visitors; with `planted`,
// store S07's rate is four times higher on its understaffed days.
// Knuth's method, so the datasets are the same with every standard library.
int Poisson(std::mt19937& rng, double mean) {
  const double limit = std::exp(-mean);
  double product = 1;
  int k = -1;
  do {
    ++k;
    product *= (static_cast<double>(rng()) + 0.5) / 4294967296.0;
  } while (product > limit);
  return k;
}

std::vector<ExposureUnit> MakeStoreDays(unsigned seed, bool planted) {
  std::mt19937 rng(seed);
  std::vector<ExposureUnit> units;
  int id = 0;
  for (int s = 1; s <= 6; ++s) {
    for (int day = 1; day <= 30; ++day) {
      ExposureUnit u;
      const std::string store = "S0" + std::to_string(s + 1);
      const bool short_staffed = rng() % 4 == 0;
      u.unit = store + "|2026-11-" + std::to_string(day);
      u.attributes = {{"store", store}, {"staff_on_shift", short_staffed ? "3" : "5"}};
      u.exposure = 200 + rng() % 200;
      double rate = 0.004;
      if (planted && store == "S07" && short_staffed) rate *= 4;
      for (int k = Poisson(rng, rate * u.exposure); k > 0; --k) u.feedback_ids.push_back("f" + std::to_string(id++));
      units.push_back(std::move(u));
    }
  }
  return units;
}

TEST(RootCauseRateTest, FindsTheUnderstaffedStoreWithTheExpectedStatistic) {
  const auto units = MakeStoreDays(13, true);
  const RateResult r = FindHighRates(units);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].group, "staff_on_shift=3 & store=S07");
  int x1 = 0, n = 0;
  double e1 = 0, e = 0;
  for (const auto& u : units) {
    n += static_cast<int>(u.feedback_ids.size());
    e += u.exposure;
    if (u.attributes[0].second == "S07" && u.attributes[1].second == "3") {
      x1 += static_cast<int>(u.feedback_ids.size());
      e1 += u.exposure;
    }
  }
  const RateFinding& top = r.findings[0];
  EXPECT_EQ(top.events, static_cast<std::size_t>(x1));
  EXPECT_DOUBLE_EQ(top.exposure, e1);
  EXPECT_EQ(top.other_events, static_cast<std::size_t>(n - x1));
  EXPECT_NEAR(top.rate_ratio, (x1 / e1) / ((n - x1) / (e - e1)), 1e-12);
  EXPECT_NEAR(top.p_value, ReferenceBinomialTail(x1, n, e1 / e), 1e-9 * top.p_value + 1e-15);
  EXPECT_LE(top.q_value, 0.05);
  EXPECT_FALSE(top.example_feedback_ids.empty());
}

TEST(RootCauseRateTest, FindsNothingWithoutACauseAcrossSeeds) {
  int reported = 0;
  for (unsigned seed = 1; seed <= 200; ++seed)
    if (!FindHighRates(MakeStoreDays(seed, false)).findings.empty()) ++reported;
  RecordProperty("null_datasets_reporting", reported);
  EXPECT_LE(reported, 10) << reported << " of 200 null datasets reported a rate";
}

}  // namespace
}  // namespace voc::triage
