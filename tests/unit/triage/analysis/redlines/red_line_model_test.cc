// The red-line second stage (issue 10, red lines item 3): trained on labelled
// rows over the candidates' contexts, loaded from a file (a malformed one is
// refused with its path), explained by the context words that decided, and
// applied to confirmed red lines (a non-incident becomes a watch, never a page).
#include "services/triage/analysis/redlines/red_line_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "services/triage/analysis/factory.h"
#include "tests/support/servers.h"

namespace voc::triage {
namespace {

// `boundary: false` so the rules alone confirm 着火 inside 挨着火车站: the
// second stage has to tell them apart from the context.
constexpr char kList[] = R"(version: "test.1"
categories:
  safety:
    - {term: 着火, boundary: false}
    - 拉肚子
  regulatory:
    - 12315
)";

std::vector<RedLineTrainingRow> Rows() {
  std::vector<RedLineTrainingRow> rows = {
      {true, "厨房着火了，吓死人", "safety"},
      {true, "房间里的插座突然着火了", "safety"},
      {true, "充电器着火了，差点烧到床", "safety"},
      {true, "电动车停在楼下着火，烧了一片", "safety"},
      {true, "吃完就拉肚子，一晚上跑厕所", "safety"},
      {true, "全家吃了都拉肚子", "safety"},
      {false, "酒店挨着火车站，很方便", ""},
      {false, "紧挨着火车站，出行方便", ""},
      {false, "离着火车站不远，交通方便", ""},
      {false, "靠着火车站，就是有点吵", ""},
      {false, "宾馆正对着火车站出口", ""},
      {false, "菜很好吃，没有拉肚子", ""},
      {true, "我已经打12315投诉了", "regulatory"},
      {false, "这个没有候选词", ""},
  };
  return rows;
}

class RedLineModelTest : public ::testing::Test {
 protected:
  RedLineModelTest() {
    auto parsed = RedLineList::Parse(kList, "test.yaml");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    list_ = *parsed;
  }
  std::unique_ptr<sentiment::LinearModel> Train(RedLineTrainingSummary* summary = nullptr) {
    sentiment::TrainingOptions training = DefaultRedLineTraining();
    training.epochs = 30;
    return TrainRedLineModel(Rows(), *list_, normalizer_, segmenter_, DefaultRedLineFeatures(), training, summary);
  }
  RedLineVerdict Judge(const RedLineModel& model, const std::string& raw, RedLineCategory category) {
    const std::string text = normalizer_.Normalize(raw).text;
    for (const auto& hit : list_->Candidates(text))
      if (hit.category == category) return model.Judge(category, text, hit.begin, hit.end, segmenter_);
    ADD_FAILURE() << "no candidate in " << raw;
    return {};
  }

  std::shared_ptr<const RedLineList> list_;
  text::Normalizer normalizer_;
  text::Segmenter segmenter_;
};

TEST_F(RedLineModelTest, TrainsOnTheCandidatesOfLabelledRows) {
  RedLineTrainingSummary summary;
  const auto model = Train(&summary);
  EXPECT_EQ(summary.rows, 14u);
  EXPECT_EQ(summary.rows_without_candidate, 1u);  // 这个没有候选词
  EXPECT_EQ(summary.examples, 13u);
  EXPECT_EQ(summary.incident_examples, 7u);
  EXPECT_EQ(summary.labels, (std::vector<std::string>{"not_incident", "regulatory", "safety"}));
  EXPECT_EQ(model->labels(), summary.labels);

  // Only what the second stage is asked about: in 菜很好吃，没有拉肚子 the rules
  // drop the negated 拉肚子, so it is no example.
  RedLineTrainingSummary confirmed;
  TrainRedLineModel(Rows(), *list_, normalizer_, segmenter_, DefaultRedLineFeatures(), DefaultRedLineTraining(),
                    &confirmed, RedLineExamples::kConfirmed);
  EXPECT_EQ(confirmed.rows_without_candidate, 2u);
  EXPECT_EQ(confirmed.examples, 12u);
  EXPECT_EQ(confirmed.incident_examples, 7u);
}

// A term marked `second_stage: false` is neither learnt from nor judged: the
// rules decide it alone, even where the model reads its context as no incident.
TEST_F(RedLineModelTest, AnUnambiguousTermIsNotJudgedByTheSecondStage) {
  const RedLineModel model(Train());
  auto parsed = RedLineList::Parse(R"(version: "test.2"
categories:
  safety:
    - {term: 着火, boundary: false, second_stage: false}
    - 拉肚子
)",
                                   "unambiguous.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::string text = normalizer_.Normalize("我们就住在挨着火车站的酒店").text;
  Analysis a;
  a.red_lines = (*parsed)->Decide(text).red_lines;
  ASSERT_EQ(a.red_lines.size(), 1u);
  EXPECT_FALSE(a.red_lines[0].second_stage);
  ApplyRedLineModel(model, 0.5, text, segmenter_, a);
  ASSERT_EQ(a.red_lines.size(), 1u);  // the same text with the judged term became a watch above
  EXPECT_TRUE(a.red_line_watch.empty());
  EXPECT_NE(a.red_lines[0].rule.find("second stage: not asked (unambiguous term)"), std::string::npos)
      << a.red_lines[0].rule;

  RedLineTrainingSummary summary;
  TrainRedLineModel({{true, "厨房着火了", "safety"}, {true, "吃完就拉肚子", "safety"},
                     {false, "挨着火车站", ""}, {false, "拉肚子这种事我可不敢吃", ""}},
                    **parsed, normalizer_, segmenter_, DefaultRedLineFeatures(), DefaultRedLineTraining(), &summary,
                    RedLineExamples::kConfirmed);
  EXPECT_EQ(summary.examples, 2u);  // the two 拉肚子; 着火 is not the second stage's to learn
  EXPECT_EQ(summary.rows_without_candidate, 2u);
}

TEST_F(RedLineModelTest, TheSameWordInAnIncidentAndInAnAddress) {
  const RedLineModel model(Train());
  EXPECT_TRUE(model.Covers(RedLineCategory::kSafety));
  EXPECT_FALSE(model.Covers(RedLineCategory::kLegal));
  const RedLineVerdict fire = Judge(model, "宿舍楼道里着火了，好可怕", RedLineCategory::kSafety);
  EXPECT_TRUE(fire.known);
  EXPECT_GT(fire.probability, 0.5);
  const RedLineVerdict station = Judge(model, "这家店就挨着火车站", RedLineCategory::kSafety);
  EXPECT_LT(station.probability, 0.5);
  // Explained by the context words that decided.
  ASSERT_FALSE(station.words.empty());
  EXPECT_TRUE(std::any_of(station.words.begin(), station.words.end(), [](const std::string& w) {
    return w.find("车站") != std::string::npos || w.find("火车") != std::string::npos || w.find("挨着") != std::string::npos;
  })) << station.words.front();
  ASSERT_FALSE(fire.words.empty());
}

TEST_F(RedLineModelTest, ANonIncidentBecomesAWatchWithTheReason) {
  const RedLineModel model(Train());
  for (const auto& [raw, stays] : std::vector<std::pair<std::string, bool>>{{"楼下电动车着火了", true},
                                                                             {"我们就住在挨着火车站的酒店", false}}) {
    const std::string text = normalizer_.Normalize(raw).text;
    Analysis a;
    a.red_lines = list_->Decide(text).red_lines;
    ASSERT_EQ(a.red_lines.size(), 1u) << raw;  // the rules alone confirm both
    ApplyRedLineModel(model, 0.5, text, segmenter_, a);
    if (stays) {
      ASSERT_EQ(a.red_lines.size(), 1u) << raw;
      EXPECT_TRUE(a.red_line_watch.empty());
      EXPECT_NE(a.red_lines[0].rule.find("second stage: incident (p="), std::string::npos) << a.red_lines[0].rule;
    } else {
      EXPECT_TRUE(a.red_lines.empty()) << raw;
      ASSERT_EQ(a.red_line_watch.size(), 1u);
      EXPECT_EQ(a.red_line_watch[0].level, RedLineLevel::kWatch);
      EXPECT_EQ(a.red_line_watch[0].priority, Priority::kP2);
      EXPECT_NE(a.red_line_watch[0].rule.find("second stage: not an incident (p="), std::string::npos)
          << a.red_line_watch[0].rule;
    }
  }
}

TEST_F(RedLineModelTest, ACategoryTheModelDoesNotKnowIsLeftToTheRules) {
  std::vector<RedLineTrainingRow> rows = Rows();
  std::erase_if(rows, [](const RedLineTrainingRow& r) { return r.category == "regulatory"; });
  const RedLineModel model(
      TrainRedLineModel(rows, *list_, normalizer_, segmenter_, DefaultRedLineFeatures(), DefaultRedLineTraining()));
  const std::string text = normalizer_.Normalize("我要打12315").text;
  Analysis a;
  a.red_lines = list_->Decide(text).red_lines;
  ASSERT_EQ(a.red_lines.size(), 1u);
  const std::string rule = a.red_lines[0].rule;
  ApplyRedLineModel(model, 0.99, text, segmenter_, a);
  ASSERT_EQ(a.red_lines.size(), 1u);
  EXPECT_EQ(a.red_lines[0].rule, rule);
}

TEST_F(RedLineModelTest, NothingToLearnIsAnError) {
  std::vector<RedLineTrainingRow> only_true = {{true, "厨房着火了", "safety"}};
  EXPECT_THROW(TrainRedLineModel(only_true, *list_, normalizer_, segmenter_, DefaultRedLineFeatures(),
                                 DefaultRedLineTraining()),
               std::invalid_argument);
  std::vector<RedLineTrainingRow> bad_category = {{true, "厨房着火了", "fire"}, {false, "挨着火车站", ""}};
  EXPECT_THROW(TrainRedLineModel(bad_category, *list_, normalizer_, segmenter_, DefaultRedLineFeatures(),
                                 DefaultRedLineTraining()),
               std::invalid_argument);
}

TEST_F(RedLineModelTest, SavedModelLoadsAndJudgesTheSame) {
  voc::testing::TempDir dir;
  const std::string path = dir.path() + "/redline.model";
  const RedLineModel trained(Train());
  trained.linear().Save(path);
  auto loaded = RedLineModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto a = Judge(trained, "厨房着火了", RedLineCategory::kSafety);
  const auto b = Judge(**loaded, "厨房着火了", RedLineCategory::kSafety);
  EXPECT_NEAR(a.probability, b.probability, 1e-6);
}

// A file that is not a red-line model is refused with its path, by the
// loader and by the analyser's configuration.
TEST_F(RedLineModelTest, MalformedOrWrongModelFilesAreRefusedWithTheirPath) {
  voc::testing::TempDir dir;
  const std::string garbage = dir.path() + "/garbage.model";
  {
    std::ofstream(garbage) << "VOCLIN02 but not really";
  }
  auto loaded = RedLineModel::Load(garbage);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find(garbage), std::string::npos) << loaded.status();

  // A sentiment model's labels are not red-line categories.
  const std::string sentiment_path = dir.path() + "/sentiment.model";
  sentiment::FeatureOptions options;
  options.hash_bits = 10;
  const sentiment::FeatureExtractor extractor(options);
  std::vector<sentiment::Feature> f;
  const auto n = normalizer_.Normalize("好");
  extractor.Extract(n, segmenter_.Segment(n.text), f);
  sentiment::LinearModel::Train({f, f}, {0, 1}, {"negative", "positive"}, options, {})->Save(sentiment_path);
  auto wrong = RedLineModel::Load(sentiment_path);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find(sentiment_path), std::string::npos) << wrong.status();
  EXPECT_NE(wrong.status().message().find("negative"), std::string::npos) << wrong.status();

  AnalyzerOptions analyzer_options = ShippedAnalyzerOptions();
  analyzer_options.redline_model_path = garbage;
  auto analyzer = MakeTriageAnalyzer(analyzer_options);
  ASSERT_FALSE(analyzer.ok());
  EXPECT_EQ(analyzer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(analyzer.status().message().find(garbage), std::string::npos) << analyzer.status();
}

}  // namespace
}  // namespace voc::triage
