// Each clause its own sentiment (issue 10): LexiconModel::ScoreWithClauses
// reads the whole text and, in the same pass, every clause of it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/text/clauses.h"

namespace voc::triage::sentiment {
namespace {

class ClauseSentimentTest : public ::testing::Test {
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

  // The label of each clause, in order.
  static std::vector<SentimentLabel> Clauses(const std::string& raw, SentimentResult* whole = nullptr) {
    const auto normalized = normalizer_->Normalize(raw);
    const auto clauses = text::SplitClauses(normalized.text);
    std::vector<ClauseReading> readings;
    const SentimentResult r = model_->ScoreWithClauses(normalized, segmenter_->Segment(normalized.text), clauses, readings);
    if (whole) *whole = r;
    std::vector<SentimentLabel> labels;
    for (const auto& reading : readings) labels.push_back(reading.label);
    return labels;
  }

  static text::Normalizer* normalizer_;
  static text::Segmenter* segmenter_;
  static LexiconModel* model_;
};

text::Normalizer* ClauseSentimentTest::normalizer_ = nullptr;
text::Segmenter* ClauseSentimentTest::segmenter_ = nullptr;
LexiconModel* ClauseSentimentTest::model_ = nullptr;

using L = std::vector<SentimentLabel>;
constexpr auto kNeg = SentimentLabel::kNegative;
constexpr auto kPos = SentimentLabel::kPositive;
constexpr auto kNeu = SentimentLabel::kNeutral;

TEST_F(ClauseSentimentTest, PraiseAndComplaintInOneReview) {
  EXPECT_EQ(Clauses("便宜,送餐快,难吃"), (L{kPos, kPos, kNeg}));  // price +, delivery +, taste -
  EXPECT_EQ(Clauses("味道很好,但是送得太慢了"), (L{kPos, kNeg}));
  EXPECT_EQ(Clauses("The food was great but the delivery was terrible"), (L{kPos, kNeg}));
}

TEST_F(ClauseSentimentTest, NegationStaysInItsClause) {
  // 不好吃 is negative in its clause; the next clause's praise is not negated.
  EXPECT_EQ(Clauses("不好吃,服务很好"), (L{kNeg, kPos}));
  EXPECT_EQ(Clauses("not good, the staff were friendly"), (L{kNeg, kPos}));
}

TEST_F(ClauseSentimentTest, AClauseWithoutSentimentWordsIsNeutral) {
  SentimentResult whole;
  EXPECT_EQ(Clauses("昨天晚上点的米线,太差了", &whole), (L{kNeu, kNeg}));
  EXPECT_EQ(whole.label, kNeg);  // the whole reading is unchanged
}

TEST_F(ClauseSentimentTest, WholeReadingEqualsScore) {
  const auto normalized = normalizer_->Normalize("快递很快,但是包装破损了,客服态度也差");
  const auto tokens = segmenter_->Segment(normalized.text);
  std::vector<ClauseReading> readings;
  const auto with = model_->ScoreWithClauses(normalized, tokens, text::SplitClauses(normalized.text), readings);
  const auto plain = model_->Score(normalized, tokens);
  EXPECT_EQ(with.label, plain.label);
  EXPECT_DOUBLE_EQ(with.score, plain.score);
  EXPECT_EQ(with.evidence, plain.evidence);
  EXPECT_EQ(readings.size(), 3u);
}

}  // namespace
}  // namespace voc::triage::sentiment
