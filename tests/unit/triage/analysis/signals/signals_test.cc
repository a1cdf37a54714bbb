#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <algorithm>
#include <random>

#include "services/triage/analysis/signals/weak_signals.h"

namespace voc::triage {
namespace {

WeakSignalOptions CarDictionaries() {
  WeakSignalOptions o;
  o.groups = {{"model", {"x5", "x7", "s3", "m9"}},
              {"part", {"刹车", "变速箱", "车机", "天窗", "空调"}},
              {"symptom", {"异响", "漏水", "死机", "抖动", "失灵"}}};
  return o;
}

TEST(NegativeBinomialTest, MatchesDirectSummation) {
  // NB(r=3, p=0.5): pmf(x) = C(x+2, 2) / 2^(x+3); P(X>=2) = 1 - pmf(0) - pmf(1) = 1 - 1/8 - 3/16.
  EXPECT_NEAR(NegativeBinomialUpperTail(2, 3.0, 0.5), 1 - 0.125 - 0.1875, 1e-12);
  EXPECT_DOUBLE_EQ(NegativeBinomialUpperTail(0, 3.0, 0.5), 1.0);
  // Tiny tails are computed directly, not as 1 - (almost 1).
  const double tail = NegativeBinomialUpperTail(6, 0.5, 0.99);
  EXPECT_GT(tail, 0.0);
  EXPECT_LT(tail, 1e-9);
}

TEST(WeakSignalsTest, CombinationsTakeOneTermPerGroup) {
  WeakSignalDetector d(CarDictionaries());
  auto keys = d.Combinations("x5 刹车异响，刹车还失灵");
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "model:x5 + part:刹车", "model:x5 + part:刹车 + symptom:失灵", "model:x5 + part:刹车 + symptom:异响",
                      "model:x5 + symptom:失灵", "model:x5 + symptom:异响", "part:刹车 + symptom:失灵",
                      "part:刹车 + symptom:异响"}));
  EXPECT_TRUE(d.Combinations("刹车").empty());
}

TEST(WeakSignalsTest, SingleGroupMeansCoOccurringPairs) {
  WeakSignalOptions o;
  o.groups = {{"key", {"发烫", "充电", "鼓包"}}};
  WeakSignalDetector d(o);
  auto keys = d.Combinations("充电时发烫，电池鼓包");
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys.size(), 3u);
}

// A replayed stream: 70 days of steady Poisson noise on established
// model x part x symptom complaints, plus from day 50 a new defect
// ("s3 车机 死机") that grows 1, 2, 3, 4, 5, ... a day.
TEST(WeakSignalsTest, InjectedTrendIsFoundEarlyAndSteadyNoiseIsNot) {
  WeakSignalDetector detector(CarDictionaries());
  std::mt19937 rng(20240601);
  struct Steady {
    const char* text;
    double rate;
  };
  const std::vector<Steady> steady = {
      {"x5 刹车异响", 3.0},     {"x5 变速箱抖动", 2.0}, {"x7 天窗漏水", 1.5}, {"x7 空调异响", 4.0},
      {"m9 车机死机", 2.5},     {"m9 刹车抖动", 1.0},   {"s3 空调漏水", 0.7}, {"x5 车机死机", 5.0},
      {"s3 变速箱异响", 1.2}};
  const std::string trend_key = "model:s3 + part:车机 + symptom:死机";
  constexpr int kTrendStart = 50;
  std::int64_t first_trend_flag_day = -1;
  std::uint32_t count_when_flagged = 0;
  std::map<std::string, int> false_alarms;
  // Alerts on combinations of the trend's own terms are true positives
  // (e.g. "part:车机 + symptom:死机" is genuinely raised by the new defect).
  const std::string trend_text = "s3的车机又死机了";
  const auto trend_combos = detector.Combinations(trend_text);
  auto record = [&](const WeakSignal& alert, int day) {
    if (alert.combination == trend_key && first_trend_flag_day < 0) {
      first_trend_flag_day = day;
      count_when_flagged = alert.count;
    }
    if (std::find(trend_combos.begin(), trend_combos.end(), alert.combination) == trend_combos.end() ||
        day < kTrendStart)
      ++false_alarms[alert.combination + " on day " + std::to_string(day)];
  };
  const std::int64_t day0 = DayIndex(1'700'000'000);
  for (int day = 0; day < 70; ++day) {
    for (const auto& s : steady) {
      std::poisson_distribution<int> n(s.rate);
      for (int k = n(rng); k > 0; --k)
        for (const auto& alert : detector.Observe(s.text, day0 + day)) record(alert, day);
    }
    if (day >= kTrendStart)
      for (int k = 0; k < day - kTrendStart + 1; ++k)
        for (const auto& alert : detector.Observe(trend_text, day0 + day)) record(alert, day);
  }
  EXPECT_TRUE(false_alarms.empty()) << false_alarms.begin()->first;
  ASSERT_GE(first_trend_flag_day, kTrendStart) << "trend never flagged";
  EXPECT_LE(first_trend_flag_day, kTrendStart + 4) << "flagged too late";
  EXPECT_LT(count_when_flagged, 10u) << "should be found at single-digit counts";
  EXPECT_GE(count_when_flagged, 3u);

  // The day listing agrees and ranks the new defect above everything else.
  const auto emerging = detector.Emerging(day0 + kTrendStart + 5);
  ASSERT_FALSE(emerging.empty());
  EXPECT_NE(emerging.front().combination.find("s3"), std::string::npos);
  const WeakSignal steady_stats = detector.Evaluate("model:x5 + part:车机 + symptom:死机", day0 + 69);
  EXPECT_GT(steady_stats.p_value, 1e-5);
  EXPECT_NEAR(steady_stats.expected, 5.0, 1.5);
  EXPECT_EQ(steady_stats.history_days, 28);
}

TEST(WeakSignalsTest, NothingIsFlaggedBeforeEnoughHistory) {
  WeakSignalDetector detector(CarDictionaries());
  std::size_t alerts = 0;
  for (int k = 0; k < 30; ++k) alerts += detector.Observe("x5 刹车失灵", 100).size();
  EXPECT_EQ(alerts, 0u);
}

TEST(WeakSignalsTest, AlertsOncePerDayAndRestoresFromCounts) {
  WeakSignalOptions o = CarDictionaries();
  WeakSignalDetector detector(o);
  for (int day = 0; day < 20; ++day) detector.Observe("x7 空调", day);  // establishes 20 observed days
  std::size_t alerts = 0;
  for (int k = 0; k < 8; ++k) alerts += detector.Observe("x7 天窗漏水", 20).size();
  // One alert per combination that became emerging (pair and triple combos), never repeated.
  EXPECT_GT(alerts, 0u);
  const std::size_t combos = detector.Combinations("x7 天窗漏水").size();
  EXPECT_LE(alerts, combos);
  EXPECT_EQ(detector.Observe("x7 天窗漏水", 20).size(), 0u);

  WeakSignalDetector restored(o);
  restored.AddCount("model:x7 + part:空调", 0, 1);
  restored.AddCount("model:x7 + part:天窗 + symptom:漏水", 20, 9);
  const auto e = restored.Emerging(20);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].count, 9u);
  EXPECT_EQ(e[0].history_days, 20 - 7);  // baseline ends guard_days before today
  EXPECT_EQ(e[0].history_total, 0.0);
}

TEST(WeakSignalsTest, ASignalSaysSinceWhenItHasBeenCounted) {
  WeakSignalDetector detector(CarDictionaries());
  const std::string key = "model:s3 + part:变速箱 + symptom:抖动";
  detector.Observe("s3 空调", 0);
  EXPECT_EQ(detector.Evaluate(key, 30).first_seen_day, 30);  // never counted: today
  detector.Observe("s3 变速箱抖动", 27);
  detector.Observe("s3 变速箱抖动", 29);
  detector.Observe("s3 变速箱抖动", 30);
  EXPECT_EQ(detector.Evaluate(key, 30).first_seen_day, 27);
  EXPECT_EQ(detector.Evaluate(key, 28).first_seen_day, 27);
  // Only the kept days count (history 28 + guard 7 before the day): day 27
  // has dropped out 36 days later, day 29 not yet; later still, all have.
  EXPECT_EQ(detector.Evaluate(key, 27 + 36).first_seen_day, 29);
  EXPECT_EQ(detector.Evaluate(key, 30 + 36).first_seen_day, 30 + 36);
}

TEST(WeakSignalsTest, DayIndexUsesTheGivenOffset) {
  EXPECT_EQ(DayIndex(0), 0);
  EXPECT_EQ(DayIndex(86399), 0);
  EXPECT_EQ(DayIndex(86400 - 3600, 8 * 3600), 1);  // 23:00 UTC is the next day in UTC+8
  EXPECT_EQ(DayIndex(-1), -1);
}

TEST(WeakSignalsTest, ParseTermGroupsValidates) {
  const auto groups = ParseTermGroups("groups:\n  model: [x5]\n  part: [刹车, 车机]\n", "s.yaml").value();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].terms.size(), 2u);
  const auto invalid = ParseTermGroups("groups:\n  model: [x5]\nextra: 1\n", "s.yaml").status();
  ASSERT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(invalid.message()).find("s.yaml:3"), std::string::npos) << invalid.message();
}

}  // namespace
}  // namespace voc::triage
