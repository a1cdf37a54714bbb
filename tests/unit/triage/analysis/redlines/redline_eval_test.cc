// `voc triage eval-redlines` and the dev-set join: labelled rows in, one JSON
// object with precision, recall, per-category figures and false alarms by
// term out (as its last line), on the shipped analyser and red-line file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/config/yaml_file.h"
#include "tests/support/servers.h"
#include "tools/triage/redline_eval.h"
#include "tools/triage/triage_cli.h"

namespace voc::triage::tools {
namespace {

void Write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

nlohmann::json EvalRedlines(std::vector<std::string> args, int* code = nullptr) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = RunEvalRedlines(static_cast<int>(argv.size()), argv.data(), 2, out, err);
  if (code) *code = rc;
  std::string last, line;
  std::istringstream lines(out.str());
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last);
}

TEST(RedLineEvalTest, CsvGivesPrecisionRecallPerCategoryAndFalseAlarmsByTerm) {
  voc::testing::TempDir dir;
  const std::string csv = dir.path() + "/rows.csv";
  Write(csv,
        "label,text,category\n"
        "true,我要打12315投诉,regulatory\n"         // caught
        "true,brakes failed on the highway,safety\n"  // caught
        "false,住在315房间，空调很吵,\n"              // no hit: not flagged
        "false,多媒体功能差,\n"                        // no hit: not flagged
        "false,我要发微博吐槽一下,\n"                  // a false alarm of 发微博
        "true,\"吃完肚子一直咕咕叫\",safety\n");       // missed
  const auto j = EvalRedlines({"triage", "eval-redlines", "--data", csv});
  EXPECT_EQ(j["n"], 6);
  EXPECT_EQ(j["flagged"], 3);
  EXPECT_EQ(j["true_positives"], 2);
  EXPECT_NEAR(j["precision"].get<double>(), 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(j["recall"].get<double>(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(j["categories"]["regulatory"]["positives"], 1);
  EXPECT_NEAR(j["categories"]["regulatory"]["recall"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(j["categories"]["safety"]["recall"].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(j["categories"]["pr_crisis"]["precision"].get<double>(), 0.0, 1e-9);
  EXPECT_EQ(j["false_alarms_by_term"]["发微博"], 1);
  EXPECT_EQ(j["mode"], "context_rules");
}

TEST(RedLineEvalTest, DevsetIsJoinedByHashAndAnUnknownHashIsAnError) {
  voc::testing::TempDir dir;
  Write(dir.path() + "/data.csv", "label,text\nnegative,我要打12315投诉\nnegative,订单#315还没发货\n");
  const std::string devset = dir.path() + "/devset.tsv";
  Write(devset, "# labels by hash\nfile\thash\tlabel\tcategory\tset\n"
                "data.csv\t" + config::ContentHash("我要打12315投诉") + "\ttrue\tregulatory\tflagged\n"
                "data.csv\t" + config::ContentHash("订单#315还没发货") + "\tfalse\t\tflagged\n");
  const auto rows = JoinRedLineDevset(devset, dir.path());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "我要打12315投诉");
  EXPECT_TRUE(rows[0].label);
  EXPECT_EQ(rows[1].set, "flagged");
  const auto j = EvalRedlines({"triage", "eval-redlines", "--devset", devset, "--data-root", dir.path()});
  EXPECT_EQ(j["flagged"], 1);
  EXPECT_NEAR(j["precision"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(j["kept_of_shipped_true"].get<double>(), 1.0, 1e-9);

  Write(devset, "file\thash\tlabel\ndata.csv\t0000000000000000\ttrue\n");
  EXPECT_THROW(JoinRedLineDevset(devset, dir.path()), std::runtime_error);
}

TEST(RedLineEvalTest, RawCandidatesCountEveryOccurrenceAsTheOldListsDid) {
  voc::testing::TempDir dir;
  const std::string csv = dir.path() + "/rows.tsv";
  Write(csv, "label\ttext\nfalse\t住在315房间\nfalse\t多媒体功能差\n");
  Write(dir.path() + "/old.yaml", "version: old\ncategories:\n  regulatory: [\"315\"]\n  pr_crisis: [媒体]\n");
  const auto j = EvalRedlines({"triage", "eval-redlines", "--data", csv, "--redlines", dir.path() + "/old.yaml", "--raw-candidates"});
  EXPECT_EQ(j["flagged"], 2);
  EXPECT_EQ(j["false_alarms_by_term"]["315"], 1);
  EXPECT_EQ(j["false_alarms_by_term"]["媒体"], 1);
  EXPECT_EQ(j["mode"], "raw_candidates");
}

TEST(RedLineEvalTest, ALabelThatIsNotTrueOrFalseIsRefusedWithItsRow) {
  voc::testing::TempDir dir;
  const std::string csv = dir.path() + "/rows.csv";
  Write(csv, "label,text\ntrue,x\nmaybe,y\n");
  try {
    ReadRedLineRows(csv);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("rows.csv:3: label must be true or false"), std::string::npos) << e.what();
  }
}

// ---- The trained second stage through the CLI (issue 10, red lines item 3) ----

nlohmann::json LastJson(const std::string& text) {
  std::string last, line;
  std::istringstream lines(text);
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last);
}

int Triage(std::vector<std::string> args, std::string* out_text, std::string* err_text = nullptr) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = RunTriageCommand(static_cast<int>(argv.size()), argv.data(), out, err);
  if (out_text) *out_text = out.str();
  if (err_text) *err_text = err.str();
  return rc;
}

// 着火 next to a railway station vs a real fire, 12315 as a hotline: the
// shipped list's candidates, labelled as a company would.
std::string SecondStageRows() {
  std::string csv = "label,text,category\n";
  const char* fires[] = {"厨房着火了，吓死人", "房间插座突然着火了", "充电器着火了，差点烧到床", "楼下电动车着火了",
                         "宿舍着火了，消防车都来了", "车子自燃着火了"};
  const char* stations[] = {"酒店紧挨着火车站，很方便", "挨着火车站，出行方便", "离着火车站很近",
                            "靠着火车站，有点吵", "正对着火车站出口", "就挨着火车站，下楼就到"};
  for (int repeat = 0; repeat < 2; ++repeat) {
    for (const char* t : fires) csv += std::string("true,") + t + (repeat ? "。" : "") + ",safety\n";
    for (const char* t : stations) csv += std::string("false,") + t + (repeat ? "。" : "") + ",\n";
  }
  csv += "true,我要打12315投诉,regulatory\n";
  return csv;
}

TEST(RedLineEvalTest, TrainsTheSecondStageAndEvaluatesWithItAndCrossValidated) {
  voc::testing::TempDir dir;
  const std::string csv = dir.path() + "/rows.csv", model = dir.path() + "/redline.model";
  Write(csv, SecondStageRows());
  std::string out, err;
  // The shipped rules already drop every 着火 of 挨着火车站: among the red lines
  // they confirm there is no false alarm to learn from.
  EXPECT_NE(Triage({"triage", "train", "--target", "redline", "--data", csv, "--out", model, "--examples", "confirmed"},
                   &out, &err),
            0);
  EXPECT_NE(err.find("false alarms that the red-line list's context rules confirm"), std::string::npos) << err;
  EXPECT_NE(Triage({"triage", "train", "--target", "redline", "--data", csv, "--out", model, "--examples", "all"}, &out,
                   &err),
            0);
  ASSERT_EQ(Triage({"triage", "train", "--target", "redline", "--data", csv, "--out", model}, &out, &err), 0) << err;
  const auto trained = LastJson(out);
  EXPECT_EQ(trained["target"], "redline");
  EXPECT_EQ(trained["rows"], 25);
  EXPECT_GE(trained["examples"].get<int>(), 24);
  EXPECT_TRUE(std::filesystem::exists(model));

  int rc = 0;
  const auto with_model = EvalRedlines({"triage", "eval-redlines", "--data", csv, "--redline-model", model}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(with_model["second_stage"]["model"], model);
  EXPECT_EQ(with_model["n"], 25);
  // On its own training rows it keeps the real fires and the hotline.
  EXPECT_GE(with_model["true_positives"].get<int>(), 1);

  const auto cv = EvalRedlines({"triage", "eval-redlines", "--data", csv, "--cross-validate", "3"}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(cv["second_stage"]["cross_validated_folds"], 3);
  EXPECT_EQ(cv["second_stage"]["examples"], "candidates");
  EXPECT_EQ(cv["n"], 25);

  // A file that is not a model is refused with its path.
  const std::string bad = dir.path() + "/bad.model";
  Write(bad, "not a model");
  std::vector<std::string> args = {"triage", "eval-redlines", "--data", csv, "--redline-model", bad};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream o, e;
  EXPECT_THROW(RunEvalRedlines(static_cast<int>(argv.size()), argv.data(), 2, o, e), std::runtime_error);
  ASSERT_NE(Triage(args, &out, &err), 0);
  EXPECT_NE(err.find(bad), std::string::npos) << err;

  // Rows of one kind only cannot teach it.
  Write(csv, "label,text,category\ntrue,厨房着火了,safety\n");
  EXPECT_NE(Triage({"triage", "train", "--target", "redline", "--data", csv, "--out", model}, &out, &err), 0);
  EXPECT_NE(err.find("both kinds"), std::string::npos) << err;
}

}  // namespace
}  // namespace voc::triage::tools
