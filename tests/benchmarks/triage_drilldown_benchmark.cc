// What the triage service reads back from its database: a DrillDown RPC over
// a window of 20,000 stored results, and the weak-signal restore at start
// (36 days of negative feedback replayed into a fresh detector).
//
// Data: 20,000 texts of $VOC_DATA_DIR/online_shopping_10_cats/train.csv
// (two rows in five, so every category is in), each triaged and stored by
// TriageProcessor into a SQLite file on /dev/shm (tmpfs: the one-time setup
// does not wait for fsync; the measured reads come from the page cache
// either way). The category is the feedback's product, one of 40 stores its
// store. Without VOC_DATA_DIR every benchmark is skipped. Run from the
// source root so config/ is found:
//
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_drilldown_benchmark
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "tools/triage/dataset.h"
#include "services/triage/triage_service.h"
#include "services/triage/triage_processor.h"
#include "services/triage/triage_consumer.h"
#include "tests/benchmarks/bench_support.h"

namespace {

using namespace voc::triage;

constexpr std::int64_t kNowMs = 1764028800000;  // 2025-11-25T00:00Z
constexpr std::int64_t kDayMs = 86400000;
constexpr std::size_t kStoredResults = 20000;

struct Fixture {
  std::string dir;
  voc::FakeClock clock{voc::FromMillis(kNowMs)};
  std::unique_ptr<voc::storage::Database> db;
  std::unique_ptr<TriageStore> store;
  std::unique_ptr<TriageAnalyzer> analyzer;
  std::unique_ptr<TriageProcessor> processor;
  // The RPC's logic, measured without gRPC and authentication around it.
  std::unique_ptr<TriageService> logic;
  std::size_t negatives = 0;
  std::string largest_cluster;

  Fixture() {
    const char* data_dir = std::getenv("VOC_DATA_DIR");
    if (!data_dir || !*data_dir) return;
    std::ifstream in(std::string(data_dir) + "/online_shopping_10_cats/train.csv");
    std::stringstream content;
    content << in.rdbuf();
    auto rows = tools::ParseCsv(content.str());  // label,text,category

    dir = voc::bench::TempDirectory("voc-drill");
    db = voc::storage::Database::Open("sqlite3://" + dir + "/triage.db").value();
    db->Migrate("triage", TriageMigrations()).value();
    store = std::make_unique<TriageStore>(*db);
    analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
    processor = std::make_unique<TriageProcessor>(*analyzer, *store, clock);
    logic = std::make_unique<TriageService>(*processor, *store, nullptr, clock);

    std::size_t stored = 0;
    for (std::size_t i = 1; i < rows.size() && stored < kStoredResults; ++i) {
      if (i % 5 >= 2 || rows[i].size() < 3) continue;
      voc::v1::Feedback f;
      f.set_id("f" + std::to_string(i));
      f.set_channel(voc::v1::CHANNEL_REVIEW);
      f.set_text(rows[i][1]);
      f.set_product(rows[i][2]);
      f.mutable_customer()->set_store("store-" + std::to_string(i % 40));
      // Spread over the 28 days before now, newest last.
      const auto offset = static_cast<std::int64_t>(stored) * 28 * kDayMs / static_cast<std::int64_t>(kStoredResults);
      *f.mutable_occurred_time() = voc::MillisToProto(kNowMs - 28 * kDayMs + offset);
      auto triaged = processor->Process(f).value();
      if (triaged.result().sentiment() == voc::v1::SENTIMENT_NEGATIVE) ++negatives;
      ++stored;
    }
    auto clusters = processor->clusters().List(2, 1);
    if (!clusters.empty()) largest_cluster = "clusters/" + std::to_string(clusters.front().id);
  }

  ~Fixture() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

Fixture& Data() {
  static Fixture fixture;
  return fixture;
}

bool SkipWithoutData(benchmark::State& state) {
  if (!Data().processor) {
    state.SkipWithError("set VOC_DATA_DIR to the shared data folder");
    return true;
  }
  return false;
}

void RunDrillDown(benchmark::State& state, const voc::v1::DrillDownRequest& request) {
  voc::v1::DrillDownResponse response;
  for (auto _ : state) {
    response.Clear();
    auto answer = Data().logic->DrillDown(request);
    if (!answer.ok()) state.SkipWithError(std::string(answer.status().message()).c_str());
    if (answer.ok()) response = *std::move(answer);
    benchmark::DoNotOptimize(response);
  }
  state.counters["stored_results"] = kStoredResults;
  state.counters["negative_documents"] = static_cast<double>(Data().negatives);
  state.counters["focus"] = static_cast<double>(response.focus_size());
  state.counters["factors"] = response.factors_size();
}

voc::v1::DrillDownRequest WholeWindow() {
  voc::v1::DrillDownRequest request;
  *request.mutable_start_time() = voc::MillisToProto(kNowMs - 30 * kDayMs);
  *request.mutable_end_time() = voc::MillisToProto(kNowMs + 1);
  return request;
}

void BM_DrillDownTopic(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto request = WholeWindow();
  request.set_topic("logistics");
  RunDrillDown(state, request);
}
BENCHMARK(BM_DrillDownTopic)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_DrillDownCluster(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto request = WholeWindow();
  request.set_cluster(Data().largest_cluster);
  RunDrillDown(state, request);
}
BENCHMARK(BM_DrillDownCluster)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The first request over rows stored before drill-down terms were kept
// (drill_terms NULL): it segments every document, as every request used to,
// and writes the terms back (on tmpfs here, so without the fsync).
void BM_DrillDownTopicFirstRequestOverOldRows(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto request = WholeWindow();
  request.set_topic("logistics");
  voc::v1::DrillDownResponse response;
  for (auto _ : state) {
    state.PauseTiming();
    Data().db->InTransaction([](soci::session& s) { s << "UPDATE triage_results SET drill_terms = NULL"; });
    response.Clear();
    state.ResumeTiming();
    auto answer = Data().logic->DrillDown(request);
    if (!answer.ok()) state.SkipWithError(std::string(answer.status().message()).c_str());
    if (answer.ok()) response = *std::move(answer);
  }
  state.counters["focus"] = static_cast<double>(response.focus_size());
  state.counters["factors"] = response.factors_size();
}
BENCHMARK(BM_DrillDownTopicFirstRequestOverOldRows)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// What storing the terms adds to triage: TriageAnalyzer::Terms of one
// negative feedback (items_per_second: negative feedback per second).
void BM_TermsOfOneNegativeFeedback(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  auto docs = Data().store->LoadSignalDocuments(0, kNowMs + kDayMs, 200000).value();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Data().analyzer->Terms(docs[i].normalized_text));
    if (++i == docs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TermsOfOneNegativeFeedback)->MinTime(2.0);

// What main.cc does at start to rebuild the weak-signal detector's history.
void BM_RestoreSignals(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  WeakSignalOptions options;
  options.groups = DefaultSignalGroups(*Data().analyzer->taxonomy().Current());
  for (auto _ : state) {
    WeakSignalDetector signals(options);
    (void)RestoreSignalHistory(*Data().store, signals, kNowMs).value();
    benchmark::DoNotOptimize(signals.combination_count());
  }
  state.counters["negative_documents"] = static_cast<double>(Data().negatives);
}
BENCHMARK(BM_RestoreSignals)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
