#include "tools/load/stats.h"

#include <gtest/gtest.h>

#include <numeric>

namespace voc::load {
namespace {

TEST(PercentileTest, IsTheNearestRank) {
  std::vector<std::int64_t> hundred(100);
  std::iota(hundred.begin(), hundred.end(), 1);  // 1..100
  EXPECT_EQ(Percentile(hundred, 50), 50);
  EXPECT_EQ(Percentile(hundred, 90), 90);
  EXPECT_EQ(Percentile(hundred, 99), 99);
  EXPECT_EQ(Percentile(hundred, 99.5), 100);
  EXPECT_EQ(Percentile(hundred, 100), 100);
  EXPECT_EQ(Percentile(hundred, 0), 1);
}

TEST(PercentileTest, OfFewSamplesIsOneOfThem) {
  const std::vector<std::int64_t> three = {10, 20, 30};
  EXPECT_EQ(Percentile(three, 50), 20);  // rank ceil(1.5) = 2
  EXPECT_EQ(Percentile(three, 99), 30);
  EXPECT_EQ(Percentile(three, 33), 10);  // rank ceil(0.99) = 1
  EXPECT_EQ(Percentile({7}, 99), 7);
}

TEST(PercentileTest, OfNothingIsZeroAndPIsClamped) {
  EXPECT_EQ(Percentile({}, 50), 0);
  EXPECT_EQ(Percentile({1, 2}, 250), 2);
  EXPECT_EQ(Percentile({1, 2}, -5), 1);
}

TEST(LatencyRecorderTest, SummarizesInMillisecondsWhateverTheOrder) {
  LatencyRecorder recorder;
  // 1..100 ms, added in reverse.
  for (int ms = 100; ms >= 1; --ms) recorder.Add(std::chrono::milliseconds(ms));
  const LatencySummary s = recorder.Summarize();
  EXPECT_EQ(s.count, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
  EXPECT_DOUBLE_EQ(s.p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.p90_ms, 90);
  EXPECT_DOUBLE_EQ(s.p99_ms, 99);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
}

TEST(LatencyRecorderTest, KeepsMicroseconds) {
  LatencyRecorder recorder;
  recorder.Add(std::chrono::microseconds(1500));
  recorder.AddMicros(500);
  const LatencySummary s = recorder.Summarize();
  EXPECT_DOUBLE_EQ(s.max_ms, 1.5);
  EXPECT_DOUBLE_EQ(s.p50_ms, 0.5);
  EXPECT_DOUBLE_EQ(s.mean_ms, 1.0);
}

TEST(LatencyRecorderTest, EmptyIsAllZero) {
  const LatencySummary s = LatencyRecorder().Summarize();
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.p99_ms, 0);
  EXPECT_EQ(s.max_ms, 0);
}

TEST(SummaryTest, JsonCarriesEveryFigure) {
  LatencyRecorder recorder;
  recorder.Add(std::chrono::milliseconds(2));
  const auto json = ToJson(recorder.Summarize());
  EXPECT_EQ(json["count"], 1);
  for (const char* key : {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"}) {
    EXPECT_DOUBLE_EQ(json[key].get<double>(), 2.0) << key;
  }
  EXPECT_EQ(FormatSummary(recorder.Summarize()),
            "count 1, mean 2.00 ms, p50 2.00 ms, p90 2.00 ms, p99 2.00 ms, max 2.00 ms");
}

TEST(RateTest, IsPerSecondAndZeroWithoutTime) {
  EXPECT_DOUBLE_EQ(Rate(500, std::chrono::milliseconds(250)), 2000.0);
  EXPECT_DOUBLE_EQ(Rate(500, std::chrono::nanoseconds(0)), 0.0);
}

}  // namespace
}  // namespace voc::load
