// histogram_text.h: the one-text histograms of the Loop report's block rows
// (tracking migration 12) must read back what was written, whatever order
// an SQL aggregate listed the buckets in, and add like the row-per-bucket
// sums they replaced.
#include "services/tracking/store/histogram_text.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace voc::tracking {
namespace {

TEST(HistogramTextTest, ATextReadsBackAsTheRunItWasMadeOf) {
  const HistogramRun run = {{0, 3}, {31, 1}, {1'800'000, 12}, {2'013'265'920, -2}};
  const std::string text = EncodeHistogram(run);
  EXPECT_EQ(text, "0:3 31:1 1800000:12 2013265920:-2");
  HistogramRun back;
  ASSERT_TRUE(ParseHistogram(text, back));
  EXPECT_EQ(back, run);
  EXPECT_EQ(EncodeHistogram({}), "");
  ASSERT_TRUE(ParseHistogram("", back));
  EXPECT_TRUE(back.empty());
}

TEST(HistogramTextTest, AnAggregatesOrderRepeatsAndZerosAreNormalised) {
  // group_concat may list a group's rows in any order.
  HistogramRun run;
  ASSERT_TRUE(ParseHistogram("900:2 100:1 900:3 500:0 100:-1 700:4", run));
  EXPECT_EQ(run, (HistogramRun{{700, 4}, {900, 5}}));
}

TEST(HistogramTextTest, WhatIsNotPairsOfIntegersIsRefused) {
  HistogramRun run;
  for (const char* bad : {"12", "12:", ":3", "1:2:3", "a:1", "1:b", "1:2,3:4", "1 :2"}) {
    EXPECT_FALSE(ParseHistogram(bad, run)) << bad;
  }
}

TEST(HistogramTextTest, AddingRunsEqualsAddingBucketByBucket) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> bucket(0, 40), count(-3, 5);
  for (int trial = 0; trial < 200; ++trial) {
    std::map<std::int64_t, std::int64_t> expected;
    HistogramRun sum;
    for (int part = 0; part < 5; ++part) {
      std::map<std::int64_t, std::int64_t> piece;
      for (int i = 0; i < 10; ++i) piece[bucket(random) * 1000] += count(random);
      HistogramRun run;
      for (const auto& [b, n] : piece) {
        if (n != 0) run.emplace_back(b, n);
      }
      const std::int64_t sign = part % 2 ? -1 : 1;
      AddHistogram(sum, run, sign);
      for (const auto& [b, n] : run) {
        if ((expected[b] += sign * n) == 0) expected.erase(b);
      }
    }
    const HistogramRun want(expected.begin(), expected.end());
    ASSERT_EQ(sum, want) << "trial " << trial;
  }
}

}  // namespace
}  // namespace voc::tracking
