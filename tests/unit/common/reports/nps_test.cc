// NPS and its 95 % interval against values computed here from the raw
// answers (the mean and sample variance of the +100/0/-100 scores), not
// from the library's own shortcut formula.
#include "common/reports/nps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace voc::reports {
namespace {

struct Independent {
  double mean = 0;
  double half_width = 0;
};

// The mean of per-answer scores and 1.96 population standard errors.
Independent FromAnswers(const std::vector<int>& answers) {
  std::vector<double> scores;
  for (int a : answers) scores.push_back(a >= 9 ? 100.0 : a >= 7 ? 0.0 : -100.0);
  double sum = 0;
  for (double s : scores) sum += s;
  const double mean = sum / static_cast<double>(scores.size());
  double squares = 0;
  for (double s : scores) squares += (s - mean) * (s - mean);
  const double variance = squares / static_cast<double>(scores.size());
  return {mean, 1.959963984540054 * std::sqrt(variance / static_cast<double>(scores.size()))};
}

TEST(NpsTest, CountsAnswersIntoCategoriesAndRefusesOutOfRange) {
  NpsCounts counts;
  for (int a : {0, 6, 7, 8, 9, 10}) EXPECT_TRUE(CountAnswer(a, counts));
  EXPECT_FALSE(CountAnswer(11, counts));
  EXPECT_FALSE(CountAnswer(-1, counts));
  EXPECT_EQ(counts.detractors, 2);
  EXPECT_EQ(counts.passives, 2);
  EXPECT_EQ(counts.promoters, 2);
  EXPECT_EQ(counts.answers(), 6);
}

TEST(NpsTest, ScoreAndIntervalEqualTheSampleComputation) {
  std::mt19937 random(12);
  std::uniform_int_distribution<int> answer(0, 10);
  for (int round = 0; round < 20; ++round) {
    std::vector<int> answers(50 + round * 37);
    NpsCounts counts;
    for (int& a : answers) {
      a = answer(random);
      CountAnswer(a, counts);
    }
    const NpsFigure figure = ComputeNps(counts, 30);
    const Independent expected = FromAnswers(answers);
    ASSERT_TRUE(figure.shown);
    EXPECT_NEAR(figure.nps, expected.mean, 1e-9);
    EXPECT_NEAR(figure.ci_low, std::max(-100.0, expected.mean - expected.half_width), 1e-9);
    EXPECT_NEAR(figure.ci_high, std::min(100.0, expected.mean + expected.half_width), 1e-9);
    EXPECT_LT(figure.ci_low, figure.nps);
    EXPECT_GT(figure.ci_high, figure.nps);
  }
}

TEST(NpsTest, KnownSmallCase) {
  // 50 promoters, 30 passives, 20 detractors: NPS 30; the score variance is
  // 100² · (0.5 + 0.2 − 0.09) = 6100, SE = √61 ≈ 7.81, half width ≈ 15.31.
  const NpsFigure figure = ComputeNps({50, 30, 20}, 30);
  EXPECT_NEAR(figure.nps, 30.0, 1e-9);
  EXPECT_NEAR(figure.ci_high - figure.nps, 1.959963984540054 * std::sqrt(61.0), 1e-9);
}

TEST(NpsTest, HiddenBelowTheMinimumAndWhenEmpty) {
  const NpsFigure few = ComputeNps({10, 5, 14}, 30);
  EXPECT_FALSE(few.shown);
  EXPECT_EQ(few.nps, 0);
  EXPECT_EQ(few.counts.answers(), 29);
  EXPECT_TRUE(ComputeNps({10, 5, 15}, 30).shown);
  EXPECT_FALSE(ComputeNps({}, 0).shown);
}

TEST(NpsTest, UnanimousAnswersHaveAZeroWidthIntervalAtTheBound) {
  const NpsFigure all_promoters = ComputeNps({40, 0, 0}, 30);
  EXPECT_EQ(all_promoters.nps, 100.0);
  EXPECT_EQ(all_promoters.ci_low, 100.0);
  EXPECT_EQ(all_promoters.ci_high, 100.0);
  const NpsFigure all_detractors = ComputeNps({0, 0, 40}, 30);
  EXPECT_EQ(all_detractors.nps, -100.0);
  EXPECT_EQ(all_detractors.ci_low, -100.0);
}

TEST(NpsTest, CountsAdd) {
  NpsCounts a{1, 2, 3};
  a += NpsCounts{4, 5, 6};
  EXPECT_EQ(a.promoters, 5);
  EXPECT_EQ(a.passives, 7);
  EXPECT_EQ(a.detractors, 9);
}

}  // namespace
}  // namespace voc::reports
