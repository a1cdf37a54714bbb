#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "services/triage/analysis/shared/multi_pattern_matcher.h"

namespace voc::triage {
namespace {

using Match = std::tuple<std::uint32_t, std::size_t, std::size_t>;

std::vector<Match> All(const MultiPatternMatcher& m, std::string_view text) {
  std::vector<Match> out;
  m.ForEachMatch(text, [&](std::uint32_t id, std::size_t b, std::size_t e) { out.emplace_back(id, b, e); });
  return out;
}

TEST(MultiPatternMatcherTest, FindsOverlappingChineseAndEnglishPatterns) {
  MultiPatternMatcher::Builder b;
  const auto slow = b.Add("太慢");
  const auto too_slow_yet = b.Add("太慢了");
  const auto late = b.Add("late");
  const auto m = b.Build();
  const std::string text = "外卖太慢了, LATE again";
  const auto hits = All(m, text);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0], Match(slow, 6, 12));
  EXPECT_EQ(hits[1], Match(too_slow_yet, 6, 15));
  EXPECT_EQ(std::get<0>(hits[2]), late);
  EXPECT_EQ(text.substr(std::get<1>(hits[2]), 4), "LATE");
}

TEST(MultiPatternMatcherTest, AsciiTermsRespectWordBoundariesUnlessStarred) {
  MultiPatternMatcher::Builder b;
  const auto late = b.Add("late");
  const auto delay = b.Add("delay*");
  const auto m = b.Build();
  EXPECT_TRUE(All(m, "chocolate cake").empty());
  EXPECT_TRUE(All(m, "lately fine").empty());
  const auto hits = All(m, "flight delayed, arrived late.");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(std::get<0>(hits[0]), delay);
  EXPECT_EQ(std::get<0>(hits[1]), late);
}

TEST(MultiPatternMatcherTest, DuplicatePatternsShareAnId) {
  MultiPatternMatcher::Builder b;
  EXPECT_EQ(b.Add("Crash"), b.Add("crash"));
  EXPECT_NE(b.Add("crash"), b.Add("crash*"));
  EXPECT_THROW(b.Add("*"), std::invalid_argument);
}

TEST(MultiPatternMatcherTest, EmptyMatcherFindsNothing) {
  MultiPatternMatcher m;
  EXPECT_TRUE(All(m, "anything").empty());
}

}  // namespace
}  // namespace voc::triage
