#include "services/triage/analysis/text/segmenter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voc::triage::text {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.emplace_back(t.text);
  return out;
}

TEST(SegmenterTest, EmptyTextHasNoTokens) {
  const Segmenter segmenter;
  EXPECT_TRUE(segmenter.Segment("").empty());
  EXPECT_TRUE(segmenter.Segment("   ").empty());
}

TEST(SegmenterTest, IcuSegmentsChineseIntoWords) {
  const Segmenter segmenter;
  const auto tokens = Texts(segmenter.Segment("服务态度很好"));
  EXPECT_EQ(tokens, (std::vector<std::string>{"服务", "态度", "很好"}));
}

TEST(SegmenterTest, EnglishWordsKeepApostrophesMentionsAndHashtags) {
  const Segmenter segmenter;
  const auto tokens = segmenter.Segment("@united didn't help, #fail http://t.co/x 2 hrs");
  EXPECT_EQ(Texts(tokens),
            (std::vector<std::string>{"@united", "didn't", "help", ",", "#fail", "http://t.co/x", "2", "hrs"}));
  EXPECT_EQ(tokens[0].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[2].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[3].kind, TokenKind::kPunct);
  EXPECT_EQ(tokens[5].kind, TokenKind::kUrl);
  EXPECT_EQ(tokens[6].kind, TokenKind::kNumber);
}

TEST(SegmenterTest, MixedScriptsAndEmoji) {
  const Segmenter segmenter;
  const auto tokens = segmenter.Segment("iphone很卡😡!");
  ASSERT_GE(tokens.size(), 4u);
  EXPECT_EQ(tokens.front().text, "iphone");
  EXPECT_EQ(tokens[tokens.size() - 2].kind, TokenKind::kEmoji);
  EXPECT_EQ(tokens.back().text, "!");
}

TEST(SegmenterTest, TokensPointIntoTheText) {
  const Segmenter segmenter;
  const std::string text = "质量不错 good";
  for (const auto& token : segmenter.Segment(text)) {
    EXPECT_GE(token.text.data(), text.data());
    EXPECT_LE(token.text.data() + token.text.size(), text.data() + text.size());
  }
}

TEST(SegmenterTest, MaxMatchPrefersTheLongestLexiconWord) {
  SegmenterOptions options;
  options.chinese = ChineseSegmentation::kLexiconMaxMatch;
  options.lexicon = {"不错", "不错过", "质量", "配送"};
  const Segmenter segmenter(options);
  EXPECT_EQ(Texts(segmenter.Segment("质量不错配送慢")),
            (std::vector<std::string>{"质量", "不错", "配送", "慢"}));
}

}  // namespace
}  // namespace voc::triage::text
