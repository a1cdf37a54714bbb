// A trained multi-label topic model next to the rules (issue 10, topics item
// 4), in the analyser built from the shipped configuration: it adds a topic to
// a complaint the rules leave without one (above its threshold, explained by
// the words that decided, routed to the taxonomy's department), adds none to
// praise, may add a topic of another top level (`extra`) and may veto a rule
// topic it finds unlikely (`veto`).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/linear_model.h"
#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"
#include "tests/support/servers.h"

namespace voc::triage {
namespace {

// "叮咚按钮" is a product word the shipped taxonomy does not know.
const std::vector<std::pair<std::string, std::vector<std::string>>> kRows = {
    {"叮咚按钮太差了", {"app"}},
    {"叮咚按钮又坏了，太差了", {"app"}},
    {"叮咚按钮根本没反应", {"app"}},
    {"叮咚按钮点了没用", {"app"}},
    {"菜太咸了", {"food", "food.taste"}},
    {"饭菜难吃死了", {"food", "food.taste"}},
    {"送餐太慢了", {"logistics", "logistics.delivery_delay"}},
    {"骑手迟到一个小时", {"logistics", "logistics.delivery_delay"}},
    {"下次再说", {}},
};

class TopicModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new voc::testing::TempDir();
    model_path_ = dir_->path() + "/topics.model";
    // Segment as the analyser does: longest match over the lexicon's words.
    text::Normalizer normalizer;
    text::SegmenterOptions options;
    options.chinese = text::ChineseSegmentation::kLexiconMaxMatch;
    options.lexicon =
        sentiment::LexiconModel::FromDirectory(sentiment::DefaultLexiconDirectory(), normalizer)->ChineseWords();
    const text::Segmenter segmenter(std::move(options));
    sentiment::FeatureOptions features;
    features.hash_bits = 14;
    const sentiment::FeatureExtractor extractor(features);
    const std::vector<std::string> labels = {"app", "food", "food.taste", "logistics", "logistics.delivery_delay"};
    std::vector<std::vector<sentiment::Feature>> examples;
    std::vector<std::vector<int>> sets;
    for (int repeat = 0; repeat < 5; ++repeat) {
      for (const auto& [raw, ids] : kRows) {
        const auto n = normalizer.Normalize(raw);
        std::vector<text::Token> tokens;
        segmenter.SegmentInto(n.text, tokens);
        examples.emplace_back();
        extractor.Extract(n, tokens, examples.back());
        sets.emplace_back();
        for (const auto& id : ids)
          sets.back().push_back(static_cast<int>(std::find(labels.begin(), labels.end(), id) - labels.begin()));
      }
    }
    sentiment::TrainingOptions training;
    training.epochs = 20;
    training.naive_bayes_scaling = false;
    auto model = sentiment::LinearModel::TrainMultiLabel(examples, sets, labels, features, training);
    model->set_segmentation("maxmatch");
    model->Save(model_path_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::unique_ptr<TriageAnalyzer> Make(bool with_model, double add = 0.5, double extra = 2.0,
                                              double veto = 0.0) {
    AnalyzerOptions options = ShippedAnalyzerOptions();
    if (with_model) options.topic_model_path = model_path_;
    options.topic_model_add = add;
    options.topic_model_extra = extra;
    options.topic_model_veto = veto;
    return MakeTriageAnalyzer(options).value();
  }
  static bool Has(const Analysis& a, const std::string& top) {
    return std::any_of(a.topics.begin(), a.topics.end(),
                       [&](const TopicMatch& t) { return t.path == top || t.path.starts_with(top + "."); });
  }
  static std::string Ids(const Analysis& a) {
    std::string out;
    for (const auto& t : a.topics) out += t.path + " ";
    return out;
  }

  static voc::testing::TempDir* dir_;
  static std::string model_path_;
};

voc::testing::TempDir* TopicModelTest::dir_ = nullptr;
std::string TopicModelTest::model_path_;

TEST_F(TopicModelTest, AddsATopicToAComplaintTheRulesLeaveWithoutOneWithTheWordsThatDecided) {
  const std::string text = "叮咚按钮太差劲了";
  const Analysis rules_only = Make(false)->Analyze({.text = text});
  ASSERT_TRUE(rules_only.topics.empty()) << Ids(rules_only);
  const Analysis combined = Make(true)->Analyze({.text = text});
  ASSERT_EQ(combined.topics.size(), 1u) << Ids(combined);
  const TopicMatch& t = combined.topics[0];
  EXPECT_EQ(t.path, "app");
  EXPECT_EQ(t.sentiment, SentimentLabel::kNegative);
  EXPECT_FALSE(t.department.empty());  // the taxonomy's owner of `app`
  ASSERT_FALSE(t.evidence.empty());
  EXPECT_TRUE(std::any_of(t.evidence.begin(), t.evidence.end(),
                          [](const std::string& w) { return w.find("叮咚") != std::string::npos || w.find("按钮") != std::string::npos; }))
      << t.evidence.front();
  EXPECT_TRUE(std::any_of(combined.topic_mentions.begin(), combined.topic_mentions.end(),
                          [](const TopicMatch& m) { return m.path == "app"; }));
  // Above its threshold only.
  EXPECT_TRUE(Make(true, /*add=*/0.999)->Analyze({.text = text}).topics.empty());
}

TEST_F(TopicModelTest, PraiseGetsNoModelTopic) {
  const Analysis a = Make(true)->Analyze({.text = "叮咚按钮很好用，非常满意，点赞"});
  EXPECT_EQ(a.sentiment, SentimentLabel::kPositive);
  EXPECT_TRUE(a.topics.empty()) << Ids(a);
}

TEST_F(TopicModelTest, ExtraAddsAnotherTopLevelOnlyWhenAskedTo) {
  const std::string text = "菜太咸了，叮咚按钮也太差了";
  const Analysis plain = Make(true)->Analyze({.text = text});
  ASSERT_TRUE(Has(plain, "food")) << Ids(plain);
  EXPECT_FALSE(Has(plain, "app")) << Ids(plain);
  const Analysis extra = Make(true, 0.5, /*extra=*/0.5)->Analyze({.text = text});
  EXPECT_TRUE(Has(extra, "food")) << Ids(extra);
  EXPECT_TRUE(Has(extra, "app")) << Ids(extra);
}

TEST_F(TopicModelTest, VetoDropsARuleTopicTheModelFindsUnlikely) {
  const std::string text = "包装破损了，盒子都烂了";
  const Analysis kept = Make(true)->Analyze({.text = text});
  ASSERT_TRUE(Has(kept, "logistics")) << Ids(kept);
  const Analysis vetoed = Make(true, /*add=*/0.999, 2.0, /*veto=*/0.3)->Analyze({.text = text});
  EXPECT_FALSE(Has(vetoed, "logistics")) << Ids(vetoed);
  // A rule topic the model agrees with stays.
  const Analysis agreed = Make(true, 0.5, 2.0, 0.3)->Analyze({.text = "送餐太慢了，骑手迟到"});
  EXPECT_TRUE(Has(agreed, "logistics")) << Ids(agreed);
}

TEST_F(TopicModelTest, AMalformedTopicModelRefusesTheAnalyserWithItsPath) {
  const std::string bad = dir_->path() + "/bad.model";
  {
    std::ofstream(bad) << "VOCLIN02";
  }
  AnalyzerOptions options = ShippedAnalyzerOptions();
  options.topic_model_path = bad;
  auto analyzer = MakeTriageAnalyzer(options);
  ASSERT_FALSE(analyzer.ok());
  EXPECT_EQ(analyzer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(analyzer.status().message().find(bad), std::string::npos) << analyzer.status();
}

}  // namespace
}  // namespace voc::triage
