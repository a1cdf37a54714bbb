// voc-load's modes with tiny counts: against the in-process echo server and
// against a real loop (every service as its own process, tests/e2e/stack.h).
// Each run's last line must be one JSON object whose counts equal what was
// sent, and the loop must hold what the tool says it accepted.
#include <cstdlib>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/stack.h"
#include "tools/load/run.h"

namespace voc::e2e {
namespace {

struct ToolRun {
  int exit_code = -1;
  std::string output;
  std::string errors;
  nlohmann::json figures;  // the last line
};

ToolRun RunTool(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  ToolRun run;
  run.exit_code = load::RunLoadTool(args, out, err);
  run.output = out.str();
  run.errors = err.str();
  std::istringstream lines(run.output);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  run.figures = nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
  return run;
}

// A small corpus of the shapes the shared corpora have (Chinese and English,
// quoted commas).
std::string WriteCorpus(const std::string& dir) {
  const std::string path = dir + "/corpus.csv";
  std::ofstream(path) << "label,text\n"
                      << "negative,送餐太慢了，等了两个小时\n"
                      << "negative,\"菜是凉的, 汤也洒了\"\n"
                      << "positive,很快，好吃，味道足，量大\n"
                      << "negative,@airline my flight was cancelled and nobody called me\n"
                      << "negative,客服态度很差，问题一直没解决\n";
  return path;
}

// voc-load sends $VOC_API_KEY (issue 9): the stack's all-scopes test token.
void UseStackKey(Stack& stack) { setenv("VOC_API_KEY", stack.credentials().Token("tester").c_str(), 1); }

std::string Address(const Stack& stack, const std::string& name) {
  return "127.0.0.1:" + std::to_string(stack.port(name));
}

// How many feedback ingest stores for the run's customer.
int StoredFeedback(Stack& stack, const std::string& customer) {
  int count = 0;
  v1::ListFeedbackRequest request;
  request.set_customer_id(customer);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    v1::ListFeedbackResponse response;
    const auto status = stack.ingest().ListFeedback(&context, request, &response);
    if (!status.ok()) return -1;
    count += response.feedbacks_size();
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return count;
}

TEST(LoadToolEchoTest, CountsEveryEchoCall) {
  const ToolRun run = RunTool({"echo", "--in-flight", "4", "--count", "200"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  ASSERT_TRUE(run.figures.is_object()) << run.output;
  EXPECT_EQ(run.figures["mode"], "echo");
  EXPECT_EQ(run.figures["calls"], 200);
  EXPECT_EQ(run.figures["failed"], 0);
  EXPECT_EQ(run.figures["latency"]["count"], 200);
  EXPECT_GT(run.figures["per_s"].get<double>(), 0);
}

TEST(LoadToolEchoTest, AUsageErrorPrintsNoFigures) {
  const ToolRun run = RunTool({"submit", "--count", "5"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.errors.find("--target is required"), std::string::npos) << run.errors;
  EXPECT_TRUE(run.output.empty());
}

class LoadToolStackTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::string corpus_ = WriteCorpus(dir_.path());
};

TEST_F(LoadToolStackTest, SubmitCountsWhatIngestStored) {
  Stack stack;
  UseStackKey(stack);
  const ToolRun run = RunTool({"submit", "--target", Address(stack, "ingest"), "--in-flight", "4", "--count", "40",
                               "--csv", corpus_, "--with-echo"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  ASSERT_TRUE(run.figures.is_object()) << run.output;
  EXPECT_EQ(run.figures["sent"], 40);
  EXPECT_EQ(run.figures["accepted"], 40);
  EXPECT_TRUE(run.figures["errors"].empty()) << run.figures["errors"];
  EXPECT_EQ(run.figures["latency"]["count"], 40);
  EXPECT_EQ(run.figures["echo"]["calls"], 40);
  EXPECT_GT(run.figures["ratio_to_echo"].get<double>(), 0);
  EXPECT_EQ(StoredFeedback(stack, run.figures["run_id"]), 40);
}

TEST_F(LoadToolStackTest, BatchCountsFeedbackNotCalls) {
  Stack stack;
  UseStackKey(stack);
  const ToolRun run = RunTool({"batch", "--target", Address(stack, "ingest"), "--batch-size", "10", "--in-flight",
                               "2", "--count", "45", "--csv", corpus_});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  ASSERT_TRUE(run.figures.is_object()) << run.output;
  EXPECT_EQ(run.figures["batches_sent"], 5);  // 4 of 10 and one of 5
  EXPECT_EQ(run.figures["batches_ok"], 5);
  EXPECT_EQ(run.figures["accepted"], 45);
  EXPECT_EQ(run.figures["refused"], 0);
  EXPECT_EQ(StoredFeedback(stack, run.figures["run_id"]), 45);
}

TEST_F(LoadToolStackTest, EndToEndSeesEveryCaseAndEveryRedLineAlert) {
  const int webhook_port = testing::FreePort();
  StackOptions options;
  options.notifier_webhook_url = "http://127.0.0.1:" + std::to_string(webhook_port) + "/";
  Stack stack(options);
  UseStackKey(stack);
  const ToolRun run = RunTool({"e2e", "--ingest", Address(stack, "ingest"), "--tracking", Address(stack, "tracking"),
                               "--redis", Address(stack, "redis"), "--count", "12", "--in-flight", "4", "--csv",
                               corpus_, "--webhook-listen", "127.0.0.1:" + std::to_string(webhook_port),
                               "--red-line-every", "4", "--timeout", "120"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  ASSERT_TRUE(run.figures.is_object()) << run.output;
  EXPECT_EQ(run.figures["sent"], 12);
  EXPECT_EQ(run.figures["accepted"], 12);
  EXPECT_EQ(run.figures["cases"], 12);  // every detractor got its callback case
  EXPECT_EQ(run.figures["submit_to_case"]["count"], 12);
  EXPECT_EQ(run.figures["red_lines"], 3);  // seq 3, 7, 11
  EXPECT_EQ(run.figures["alerts"], 3);
  EXPECT_GT(run.figures["e2e_per_s"].get<double>(), 0);
  EXPECT_EQ(run.figures["triaged"], 12);  // each seen on voc:triaged on its way
  EXPECT_EQ(run.figures["submit_to_triaged"]["count"], 12);

  // Tracking agrees: 12 callback cases for the run's customer.
  grpc::ClientContext context;
  v1::ListCasesRequest request;
  request.set_customer_id(run.figures["run_id"]);
  request.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  request.set_page_size(100);
  v1::ListCasesResponse response;
  ASSERT_TRUE(stack.tracking().ListCases(&context, request, &response).ok());
  EXPECT_EQ(response.cases_size(), 12);
}

TEST_F(LoadToolStackTest, SoakSamplesEveryServiceAndRedis) {
  Stack stack;
  UseStackKey(stack);
  std::string pids;
  for (const auto& name : ServiceNames()) {
    if (!pids.empty()) pids += ",";
    pids += "voc-" + name + "=" + std::to_string(stack.pid(name));
  }
  const std::string samples = dir_.path() + "/samples.csv";
  const ToolRun run = RunTool({"soak", "--ingest", Address(stack, "ingest"), "--redis", Address(stack, "redis"),
                               "--total", "30", "--rate", "100", "--in-flight", "4", "--csv", corpus_, "--samples",
                               samples, "--pids", pids, "--sample-every", "0.1", "--settle", "0.5"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  ASSERT_TRUE(run.figures.is_object()) << run.output;
  EXPECT_EQ(run.figures["total"], 30);
  EXPECT_EQ(run.figures["accepted"], 30);
  const int sampled = run.figures["samples"];
  EXPECT_GE(sampled, 3);  // 0.3 s of submitting and 0.5 s of settling, every 0.1 s
  for (const auto& name : ServiceNames()) {
    EXPECT_GT(run.figures["memory"]["voc-" + name + "_rss_kb"]["final"].get<std::int64_t>(), 0) << name;
  }
  EXPECT_GT(run.figures["memory"]["redis_used_memory_bytes"]["final"].get<std::int64_t>(), 0);

  std::ifstream in(samples);
  std::string header, line;
  ASSERT_TRUE(std::getline(in, header));
  EXPECT_EQ(header.rfind("elapsed_s,submitted,", 0), 0u) << header;
  EXPECT_NE(header.find("voc-ingest_rss_kb"), std::string::npos) << header;
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, sampled);
}

}  // namespace
}  // namespace voc::e2e
