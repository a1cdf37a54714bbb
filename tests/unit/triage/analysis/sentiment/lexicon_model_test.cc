#include "services/triage/analysis/sentiment/lexicon_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace voc::triage::sentiment {
namespace {

class LexiconModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    normalizer_ = new text::Normalizer();
    segmenter_ = new text::Segmenter();
    model_ = LexiconModel::FromDirectory(DefaultLexiconDirectory(), *normalizer_).release();
  }
  static void TearDownTestSuite() {
    delete model_;
    delete segmenter_;
    delete normalizer_;
  }

  static SentimentResult Score(const std::string& raw) {
    const auto normalized = normalizer_->Normalize(raw);
    return model_->Score(normalized, segmenter_->Segment(normalized.text));
  }

  static text::Normalizer* normalizer_;
  static text::Segmenter* segmenter_;
  static LexiconModel* model_;
};

text::Normalizer* LexiconModelTest::normalizer_ = nullptr;
text::Segmenter* LexiconModelTest::segmenter_ = nullptr;
LexiconModel* LexiconModelTest::model_ = nullptr;

TEST_F(LexiconModelTest, PolarWordsInBothLanguages) {
  EXPECT_EQ(Score("味道很好吃").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("送餐太慢了").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("Great crew, lovely flight").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("My bag was lost and the agent was rude").label, SentimentLabel::kNegative);
}

TEST_F(LexiconModelTest, NegationFlipsPolarity) {
  EXPECT_EQ(Score("不好").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("不错").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("这个菜不好吃").label, SentimentLabel::kNegative);
  EXPECT_GT(Score("没有问题").score, 0.0);
  EXPECT_EQ(Score("not bad at all").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("the seats were not comfortable").label, SentimentLabel::kNegative);
  // A negation with nothing to negate is itself a mild complaint in feedback.
  EXPECT_EQ(Score("it didn't work").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("it didn't work").intensity, kIntensityGrumble);
  EXPECT_EQ(Score("can't check in online").label, SentimentLabel::kNegative);
  // ... but not once a sentiment word takes the negation.
  EXPECT_EQ(Score("the food was not bad").label, SentimentLabel::kPositive);
  // "nothing but" is not a negation.
  EXPECT_EQ(Score("nothing but great things about you").label, SentimentLabel::kPositive);
}

TEST_F(LexiconModelTest, SummaryOutweighsTheDetails) {
  EXPECT_EQ(Score("房间有点小，早餐一般，总的来说还不错").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("a bit late and the seat was small, overall a lovely flight").label, SentimentLabel::kPositive);
}

TEST_F(LexiconModelTest, LongReviewOpeningImpressionWeighsMore) {
  // Three opinionated clauses: the opening verdict is not outvoted by two small faults.
  EXPECT_EQ(Score("酒店很好，房间有点旧，早餐一般。").label, SentimentLabel::kPositive);
  // With fewer clauses, the rule does not apply.
  EXPECT_EQ(Score("酒店很好，早餐和服务都太差").label, SentimentLabel::kNegative);
}

TEST_F(LexiconModelTest, EmoticonsCountButNotInsideUrls) {
  EXPECT_EQ(Score("my flight is at 10 :(").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("see you soon :)").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("new route http://t.co/abc").label, SentimentLabel::kNeutral);
}

TEST_F(LexiconModelTest, DegreeWordsScaleTheScore) {
  EXPECT_GT(Score("非常好").score, Score("好").score);
  EXPECT_LT(Score("很慢").score, Score("有点慢").score);
  EXPECT_GT(Score("very helpful").score, Score("a bit helpful").score);
}

TEST_F(LexiconModelTest, LaterClauseOfAContrastWeighsMore) {
  EXPECT_EQ(Score("味道不错，但是送得太慢了").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("虽然有点贵，但是很好吃").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("The food was good but the delivery was terrible").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("a bit late, however the crew was amazing").label, SentimentLabel::kPositive);
}

TEST_F(LexiconModelTest, QuestionsDoNotPraise) {
  EXPECT_NE(Score("这也叫好吃?").label, SentimentLabel::kPositive);
  EXPECT_LT(Score("is the wifi good?").score, Score("the wifi is good").score);
}

TEST_F(LexiconModelTest, IntensityLevels) {
  EXPECT_EQ(Score("很满意").intensity, kIntensityCalm);
  EXPECT_EQ(Score("有点慢").intensity, kIntensityGrumble);
  EXPECT_GE(Score("太垃圾了！！！").intensity, kIntensityComplaint);
  EXPECT_EQ(Score("再这样我就去12315投诉，找媒体曝光").intensity, kIntensityAnger);
  EXPECT_EQ(Score("I will never fly with you again").intensity, kIntensityAnger);
  EXPECT_EQ(Score("Contacting my lawyer about this").intensity, kIntensityAnger);
  EXPECT_EQ(Score("我要投诉").label, SentimentLabel::kNegative);
}

TEST_F(LexiconModelTest, ElongationRaisesIntensity) {
  EXPECT_GT(Score("太太太慢了").intensity, Score("慢").intensity);
}

TEST_F(LexiconModelTest, TraditionalAndFullWidthTextIsUnderstood) {
  EXPECT_EQ(Score("服務態度很差").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("質量不錯，物流很快").label, SentimentLabel::kPositive);
  EXPECT_EQ(Score("ＧＲＥＡＴ ｓｅｒｖｉｃｅ！").label, SentimentLabel::kPositive);
}

TEST_F(LexiconModelTest, EmptyAndEmojiOnlyText) {
  const auto empty = Score("");
  EXPECT_EQ(empty.label, SentimentLabel::kNeutral);
  EXPECT_EQ(empty.score, 0.0);
  EXPECT_TRUE(empty.evidence.empty());
  EXPECT_EQ(Score("😡😡").label, SentimentLabel::kNegative);
  EXPECT_EQ(Score("👍").label, SentimentLabel::kPositive);
}

TEST_F(LexiconModelTest, EvidenceNamesTheDrivingWords) {
  const auto result = Score("送餐员态度恶劣，饭也凉了");
  ASSERT_FALSE(result.evidence.empty());
  EXPECT_NE(std::find(result.evidence.begin(), result.evidence.end(), "态度恶劣"), result.evidence.end());
  const auto negated = Score("not good");
  ASSERT_FALSE(negated.evidence.empty());
  EXPECT_EQ(negated.evidence.front(), "not good");
}

TEST_F(LexiconModelTest, ScoreStaysInRange) {
  const auto result = Score("非常非常好吃，太棒了，完美，强烈推荐，五星好评!!!");
  EXPECT_LE(result.score, 1.0);
  EXPECT_GT(result.score, 0.9);
}

TEST(LexiconFilesTest, MalformedEntryIsRejectedWithItsLine) {
  const auto dir = std::filesystem::temp_directory_path() / "voc_lexicon_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "zh_sentiment.tsv") << "# comment\n好\t2\n差\tvery\n";
  std::ofstream(dir / "zh_rules.tsv") << "negator\t不\n";
  std::ofstream(dir / "en_sentiment.tsv") << "good\t2\n";
  std::ofstream(dir / "en_rules.tsv") << "negator\tnot\n";
  const text::Normalizer normalizer;
  try {
    LexiconModel::FromDirectory(dir.string(), normalizer);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("zh_sentiment.tsv:3"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace voc::triage::sentiment
