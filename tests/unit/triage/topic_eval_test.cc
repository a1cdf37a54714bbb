// `voc triage eval`'s multi-label topic scores (issue 10): parent implication,
// top-level vs per-id, micro vs macro, scored ids, labels joined by row hash.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/servers.h"
#include "tools/triage/topic_eval.h"

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

}  // namespace
}  // namespace voc::triage::tools
