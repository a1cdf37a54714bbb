// `voc triage eval`'s multi-label topic scores (issue 10): parent implication,
// top-level vs per-id, micro vs macro, scored ids, labels joined by row hash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/servers.h"
#include "tools/triage/topic_eval.h"
#include "tools/triage/triage_cli.h"

namespace voc::triage::tools {
namespace {

TEST(TopicEvalTest, SplitsTopicLists) {
  EXPECT_EQ(SplitTopicList("food.taste; logistics"), (std::vector<std::string>{"food.taste", "logistics"}));
  EXPECT_TRUE(SplitTopicList("-").empty());
  EXPECT_TRUE(SplitTopicList("").empty());
}

TEST(TopicEvalTest, SubtopicImpliesItsParent) {
  TopicScorer scorer;
  // Gold food.taste, predicted food: right at the top level, a miss for the subtopic.
  scorer.Add({"food.taste"}, {"food"});
  const auto j = scorer.ToJson();
  EXPECT_DOUBLE_EQ(j["top_level"]["micro"]["precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["top_level"]["micro"]["recall"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["all_ids"]["ids"]["food"]["f1"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["all_ids"]["ids"]["food.taste"]["recall"].get<double>(), 0.0);
  EXPECT_EQ(j["all_ids"]["ids"]["food.taste"]["gold"].get<long>(), 1);
}

TEST(TopicEvalTest, MicroPoolsCountsAndMacroAveragesIds) {
  TopicScorer scorer;
  scorer.Add({"logistics.delivery_delay"}, {"logistics.delivery_delay"});  // logistics tp
  scorer.Add({"logistics"}, {"logistics"});                                // logistics tp
  scorer.Add({"price"}, {"food"});                                         // price fn, food fp
  scorer.Add({}, {});                                                      // nothing either way
  const auto j = scorer.ToJson();
  EXPECT_EQ(j["n"].get<long>(), 4);
  EXPECT_EQ(j["rows_with_gold"].get<long>(), 3);
  EXPECT_EQ(j["rows_with_gold_but_none_predicted"].get<long>(), 0);
  // Top level: tp 2, fp 1, fn 1.
  EXPECT_NEAR(j["top_level"]["micro"]["precision"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(j["top_level"]["micro"]["recall"].get<double>(), 2.0 / 3, 1e-12);
  // Macro over logistics (1.0), price (0) and food (0).
  EXPECT_NEAR(j["top_level"]["macro"]["f1"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(scorer.TopMicroF1(), 2.0 / 3, 1e-12);
}

TEST(TopicEvalTest, UnscoredTopicsAreNotCountedAgainstTheAnalyser) {
  TopicScorer scorer({"service", "service.staff_attitude"});
  // hotel.noise was added after the labelling: neither a hit nor a false alarm.
  scorer.Add({"service"}, {"service.staff_attitude", "hotel.noise"});
  const auto j = scorer.ToJson();
  EXPECT_DOUBLE_EQ(j["top_level"]["micro"]["precision"].get<double>(), 1.0);
  EXPECT_FALSE(j["top_level"]["ids"].contains("hotel"));
}

TEST(TopicEvalTest, CountsRowsWithATopicButNonePredicted) {
  TopicScorer scorer;
  scorer.Add({"service"}, {});
  scorer.Add({"price"}, {"price"});
  EXPECT_EQ(scorer.ToJson()["rows_with_gold_but_none_predicted"].get<long>(), 1);
}

TEST(TopicEvalTest, LabelsAreJoinedByRowHash) {
  voc::testing::TempDir dir;
  const std::string path = dir.path() + "/labels.tsv";
  {
    std::ofstream out(path);
    out << "# scored: food food.taste logistics\n"
        << "hash\tsource\ttopics\n"
        << TopicRowHash("难吃") << "\tdemo\tfood.taste\n"
        << TopicRowHash("好评") << "\tdemo\t-\n";
  }
  const TopicLabels labels = ReadTopicLabels(path);
  EXPECT_EQ(labels.scored.size(), 3u);
  std::vector<LabelledRow> rows{{"negative", "难吃", "", ""}, {"negative", "没有标签", "", ""},
                                {"positive", "好评", "", ""}};
  const auto joined = JoinTopicLabels(labels, rows);
  ASSERT_EQ(joined.size(), 2u);
  EXPECT_EQ(joined[0].text, "难吃");
  EXPECT_EQ(joined[0].topics, "food.taste");
  EXPECT_EQ(joined[1].topics, "-");
  EXPECT_EQ(TopicRowHash("难吃").size(), 16u);
  // Only the rows labelled from the data file's own folder.
  EXPECT_EQ(JoinTopicLabels(labels, rows, "demo").size(), 2u);
  EXPECT_TRUE(JoinTopicLabels(labels, rows, "other").empty());
  EXPECT_EQ(SourceOfDataPath("../shared/data/waimai_10k/train.csv"), "waimai_10k");
  EXPECT_NE(TopicRowHash("难吃"), TopicRowHash("难吃 "));
}

TEST(TopicEvalTest, MalformedLabelsNameTheirLine) {
  voc::testing::TempDir dir;
  const std::string path = dir.path() + "/bad.tsv";
  {
    std::ofstream out(path);
    out << "# scored: food\nhash\tsource\ttopics\n0123456789abcdef\tdemo\tprice\n";
  }
  try {
    ReadTopicLabels(path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.tsv:3:"), std::string::npos) << e.what();
  }
}

// ---- `train --target topic` on multi-label rows and `eval` with the model ----

nlohmann::json LastJsonLine(const std::string& text) {
  std::string last, line;
  std::istringstream lines(text);
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last);
}

int RunTriage(std::vector<std::string> args, std::string& out_text, std::string& err_text) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = RunTriageCommand(static_cast<int>(argv.size()), argv.data(), out, err);
  out_text = out.str();
  err_text = err.str();
  return rc;
}

// Negative reviews with one or more topics (`;`-separated), some the rules know.
std::vector<std::pair<std::string, std::string>> MultiLabelRows() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    rows.push_back({"菜太咸了，难以下咽" + n, "food.taste"});
    rows.push_back({"饭菜难吃，味道差" + n, "food.taste"});
    rows.push_back({"送餐太慢了，等了两个小时" + n, "logistics.delivery_delay"});
    rows.push_back({"骑手迟到一个多小时" + n, "logistics.delivery_delay"});
    rows.push_back({"送得太慢，菜也难吃" + n, "logistics.delivery_delay;food.taste"});
    rows.push_back({"不想说了" + n, "-"});
  }
  return rows;
}

std::string Csv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string csv = "label,text,topics\n";
  for (const auto& [text, topics] : rows) csv += "negative," + text + "," + topics + "\n";
  return csv;
}

TEST(TopicEvalTest, TrainsAMultiLabelTopicModelAndEvaluatesItWithTheRules) {
  voc::testing::TempDir dir;
  const std::string csv = dir.path() + "/rows.csv", model = dir.path() + "/topics.model";
  {
    std::ofstream(csv) << Csv(MultiLabelRows());
  }
  std::string out, err;
  ASSERT_EQ(RunTriage({"triage", "train", "--target", "topic", "--data", csv, "--out", model, "--hash-bits", "14"},
                      out, err),
            0)
      << err;
  const auto trained = LastJsonLine(out);
  EXPECT_EQ(trained["multi_label"], true);
  EXPECT_EQ(trained["examples"], 18);
  // Subtopics imply their parents: the model learns both levels.
  EXPECT_EQ(trained["labels"], (std::vector<std::string>{"food", "food.taste", "logistics", "logistics.delivery_delay"}));

  ASSERT_EQ(RunTriage({"triage", "eval", "--data", csv, "--topic-model", model, "--topic-veto", "0.1"}, out, err), 0)
      << err;
  const auto evaluated = LastJsonLine(out);
  ASSERT_TRUE(evaluated.contains("topics"));
  EXPECT_EQ(evaluated["topics"]["topic_model"], model);
  EXPECT_DOUBLE_EQ(evaluated["topics"]["topic_model_veto"].get<double>(), 0.1);
  EXPECT_EQ(evaluated["topics"]["n"], 18);
  EXPECT_FALSE(evaluated.contains("topic_n"));  // not the single-label report
}

TEST(TopicEvalTest, CrossValidatedTopicModelTrainsOnTheOtherFoldsOfTheLabelledSources) {
  voc::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/demo");
  const auto rows = MultiLabelRows();
  {
    std::ofstream(dir.path() + "/demo/train.csv") << "label,text\n";
    std::ofstream data(dir.path() + "/demo/train.csv", std::ios::app);
    for (const auto& [text, topics] : rows) data << "negative," << text << "\n";
    std::ofstream labels(dir.path() + "/labels.tsv");
    labels << "# scored: food food.taste logistics logistics.delivery_delay\nhash\tsource\ttopics\n";
    for (const auto& [text, topics] : rows) labels << TopicRowHash(text) << "\tdemo\t" << topics << "\n";
  }
  std::string out, err;
  ASSERT_EQ(RunTriage({"triage", "eval", "--data", dir.path() + "/demo/train.csv", "--topic-labels",
                       dir.path() + "/labels.tsv", "--topic-cv", "3"},
                      out, err),
            0)
      << err;
  const auto j = LastJsonLine(out);
  EXPECT_EQ(j["topics"]["n"], 18);
  EXPECT_EQ(j["topics"]["topic_model"]["folds"], 3);
  EXPECT_EQ(j["topics"]["topic_model"]["training_rows"], 18);

  // The same rows train a model from the labels file and the data root.
  ASSERT_EQ(RunTriage({"triage", "train", "--target", "topic", "--topic-labels", dir.path() + "/labels.tsv",
                       "--data-root", dir.path(), "--out", dir.path() + "/m.model", "--hash-bits", "12"},
                      out, err),
            0)
      << err;
  EXPECT_EQ(LastJsonLine(out)["examples"], 18);
  // One fold is not cross-validation.
  EXPECT_EQ(RunTriage({"triage", "eval", "--data", dir.path() + "/demo/train.csv", "--topic-labels",
                       dir.path() + "/labels.tsv", "--topic-cv", "1"},
                      out, err),
            2);
}

}  // namespace
}  // namespace voc::triage::tools
