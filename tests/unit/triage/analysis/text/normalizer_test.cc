#include "services/triage/analysis/text/normalizer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace voc::triage::text {
namespace {

class NormalizerTest : public ::testing::Test {
 protected:
  static const Normalizer& normalizer() {
    static const Normalizer instance;
    return instance;
  }
};

TEST_F(NormalizerTest, EmptyTextStaysEmpty) {
  const auto result = normalizer().Normalize("");
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.elongations, 0);
  EXPECT_TRUE(result.emoji.empty());
}

TEST_F(NormalizerTest, FullWidthBecomesHalfWidthAndLowerCase) {
  EXPECT_EQ(normalizer().Normalize("ＧＯＯＤ　Ｊｏｂ１２３！").text, "good job123!");
  EXPECT_EQ(normalizer().Normalize("送餐很快，味道不错！").text, "送餐很快,味道不错!");
}

TEST_F(NormalizerTest, TraditionalChineseBecomesSimplified) {
  EXPECT_EQ(normalizer().Normalize("質量很好，服務態度也不錯").text, "质量很好,服务态度也不错");
  EXPECT_EQ(normalizer().Normalize("這輛車的發動機有異響").text, "这辆车的发动机有异响");
}

TEST_F(NormalizerTest, SimplifiedChineseIsUnchanged) {
  EXPECT_EQ(normalizer().Normalize("这家外卖送得太慢了").text, "这家外卖送得太慢了");
}

TEST_F(NormalizerTest, ChineseElongationIsReducedAndCounted) {
  const auto result = normalizer().Normalize("太太太差了");
  EXPECT_EQ(result.text, "太差了");
  EXPECT_EQ(result.elongations, 1);
}

TEST_F(NormalizerTest, DoubledChineseCharactersAreWords) {
  const auto result = normalizer().Normalize("谢谢师傅");
  EXPECT_EQ(result.text, "谢谢师傅");
  EXPECT_EQ(result.elongations, 0);
}

TEST_F(NormalizerTest, EnglishElongationKeepsTwoLetters) {
  const auto result = normalizer().Normalize("Sooooo BAAAAD");
  EXPECT_EQ(result.text, "soo baad");
  EXPECT_EQ(result.elongations, 2);
}

TEST_F(NormalizerTest, DigitsAreNeverShortened) {
  EXPECT_EQ(normalizer().Normalize("waited 1000 minutes").text, "waited 1000 minutes");
}

TEST_F(NormalizerTest, ExclamationsAndQuestionsAreCountedAndSqueezed) {
  const auto result = normalizer().Normalize("why?\?\?!!! 为什么！！");
  EXPECT_EQ(result.text, "why?! 为什么!");
  EXPECT_EQ(result.question_marks, 3);
  EXPECT_EQ(result.exclamations, 5);
}

TEST_F(NormalizerTest, EmojiAreKeptAsSignals) {
  const auto result = normalizer().Normalize("难吃😡😡😡 but 👍");
  EXPECT_EQ(result.text, "难吃😡 but 👍");
  ASSERT_EQ(result.emoji.size(), 2u);
  EXPECT_EQ(result.emoji[0], "😡");
  EXPECT_EQ(result.emoji[1], "👍");
  EXPECT_EQ(result.elongations, 1);
}

TEST_F(NormalizerTest, EmojiOnlyText) {
  const auto result = normalizer().Normalize("❤️");
  EXPECT_EQ(result.text, "❤");
  EXPECT_EQ(result.emoji.size(), 1u);
}

TEST_F(NormalizerTest, TypographicApostropheIsFolded) {
  EXPECT_EQ(normalizer().Normalize("Don’t  fly\n\there").text, "don't fly here");
}

TEST_F(NormalizerTest, IllFormedUtf8DoesNotCrash) {
  const auto result = normalizer().Normalize(std::string("ok \xFF\xFE bad", 9));
  EXPECT_NE(result.text.find("ok"), std::string::npos);
}

TEST_F(NormalizerTest, IsSafeToShareAcrossThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      NormalizedText out;
      for (int i = 0; i < 200; ++i) normalizer().NormalizeInto("服務態度很差！！", out);
      results[t] = out.text;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& r : results) EXPECT_EQ(r, "服务态度很差!");
}

}  // namespace
}  // namespace voc::triage::text
