#include "tools/load/feedback_source.h"

#include <gtest/gtest.h>

#include <set>

namespace voc::load {
namespace {

TEST(FeedbackSourceTest, GivesEveryFeedbackItsOwnExternalIdAndTheRunsCustomer) {
  const FeedbackSource source({"a", "b"}, "run-1", {});
  std::set<std::string> ids;
  for (int seq = 0; seq < 100; ++seq) {
    const auto f = source.Make(seq);
    ids.insert(f.external_id());
    EXPECT_EQ(f.customer().id(), "run-1");
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(source.Make(7).external_id(), "run-1-7");
}

TEST(FeedbackSourceTest, TakesTheTextsInTurn) {
  const FeedbackSource source({"first", "second", "third"}, "r", {});
  EXPECT_EQ(source.Make(0).text(), "first");
  EXPECT_EQ(source.Make(2).text(), "third");
  EXPECT_EQ(source.Make(4).text(), "second");
}

TEST(FeedbackSourceTest, DetractorsOnlyMeansNpsZeroToSix) {
  const FeedbackSource detractors({"t"}, "r", {v1::CHANNEL_NPS_SURVEY, true, 0});
  const FeedbackSource mixed({"t"}, "r", {v1::CHANNEL_NPS_SURVEY, false, 0});
  std::set<int> seen;
  for (int seq = 0; seq < 50; ++seq) {
    const auto f = detractors.Make(seq);
    ASSERT_TRUE(f.has_nps());
    EXPECT_LE(f.nps(), 6);
    seen.insert(mixed.Make(seq).nps());
  }
  EXPECT_EQ(seen.size(), 11u);  // 0..10
  EXPECT_FALSE(FeedbackSource({"t"}, "r", {v1::CHANNEL_REVIEW, false, 0}).Make(0).has_nps());
}

TEST(FeedbackSourceTest, MarksEveryKthFeedbackAsARedLine) {
  const FeedbackSource source({"味道不错"}, "r", {v1::CHANNEL_NPS_SURVEY, true, 10});
  int red = 0;
  for (int seq = 0; seq < 100; ++seq) {
    const auto f = source.Make(seq);
    const bool has_phrase = f.text().find(kRedLinePhrase) != std::string::npos;
    EXPECT_EQ(has_phrase, source.IsRedLine(seq)) << seq;
    red += has_phrase;
  }
  EXPECT_EQ(red, 10);
}

TEST(FeedbackSourceTest, RunIdsDifferBetweenRuns) {
  const std::string a = NewRunId();
  EXPECT_EQ(a.rfind("load-", 0), 0u);
  // Same process: ids differ at least by the millisecond.
  std::string b = a;
  while (b == a) b = NewRunId();
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace voc::load
