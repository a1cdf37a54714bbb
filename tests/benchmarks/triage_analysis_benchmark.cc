// Throughput of the full triage analysis (normalise, segment, sentiment,
// topics, red lines, priority) and of the online stages that follow it for
// negative feedback (similar-complaint clustering, weak-signal counting).
//
// Texts: $VOC_DATA_DIR/online_shopping_10_cats/train.csv; without
// VOC_DATA_DIR every benchmark is skipped. Optional: $VOC_TOPIC_MODEL and
// $VOC_REDLINE_MODEL (the trained topic model and red-line second stage), $VOC_SENTIMENT_MODEL (a
// model from `voc triage train`) to include the trained sentiment model.
// Run from the source root so config/ is found:
//
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_analysis_benchmark
//
// items_per_second is documents per second on one core (one thread).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "services/triage/analysis/clusters/similar_complaints.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "tools/triage/dataset.h"

namespace {

using namespace voc::triage;

double ResidentMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Fixture {
  std::vector<std::string> texts;
  std::unique_ptr<TriageAnalyzer> analyzer;
  std::vector<std::string> normalized;
  double rss_before_mb = 0;
  double rss_after_load_mb = 0;

  Fixture() {
    const char* data_dir = std::getenv("VOC_DATA_DIR");
    if (!data_dir || !*data_dir) return;
    for (auto& row : tools::ReadLabelledCsv(std::string(data_dir) + "/online_shopping_10_cats/train.csv"))
      texts.push_back(std::move(row.text));
    rss_before_mb = ResidentMegabytes();
    AnalyzerOptions options = ShippedAnalyzerOptions();
    if (const char* model = std::getenv("VOC_SENTIMENT_MODEL"); model && *model) options.sentiment_model_path = model;
    // Topics (issue 10): VOC_WHOLE_TEXT_TOPICS=1 measures the reading before clause-level topics.
    if (const char* whole = std::getenv("VOC_WHOLE_TEXT_TOPICS"); whole && *whole == '1') options.clause_topics = false;
    // Trained stages (issue 10): a multi-label topic model next to the rules, the red-line second stage.
    if (const char* model = std::getenv("VOC_TOPIC_MODEL"); model && *model) options.topic_model_path = model;
    if (const char* model = std::getenv("VOC_REDLINE_MODEL"); model && *model) options.redline_model_path = model;
    if (const char* veto = std::getenv("VOC_TOPIC_MODEL_VETO"); veto && *veto) options.topic_model_veto = std::atof(veto);
    analyzer = MakeTriageAnalyzer(options).value();
    rss_after_load_mb = ResidentMegabytes();
    normalized.reserve(texts.size());
    for (const auto& t : texts) normalized.push_back(analyzer->Normalize(t));
  }
};

Fixture& Data() {
  static Fixture fixture;
  return fixture;
}

bool SkipWithoutData(benchmark::State& state) {
  if (Data().texts.empty()) {
    state.SkipWithError("set VOC_DATA_DIR to the shared data folder");
    return true;
  }
  return false;
}

void BM_AnalyzeFull(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto& texts = Data().texts;
  std::size_t i = 0;
  AnalysisInput input;
  input.channel = "ecommerce_review";
  for (auto _ : state) {
    input.text = texts[i];
    benchmark::DoNotOptimize(Data().analyzer->Analyze(input));
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["model_load_rss_mb"] = Data().rss_after_load_mb - Data().rss_before_mb;
  state.counters["rss_mb"] = ResidentMegabytes();
}
BENCHMARK(BM_AnalyzeFull)->MinTime(3.0);

// Full analysis, then for negative feedback cluster assignment, weak-signal
// counting and the drill-down terms, with the stream spread over 60 days: the
// online triage hot path (what TriageProcessor and TriageWorker do per message).
void BM_AnalyzeClusterAndSignals(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto& texts = Data().texts;
  ClusterIndex clusters;
  WeakSignalOptions signal_options;
  signal_options.groups = DefaultSignalGroups(*Data().analyzer->taxonomy().Current());
  WeakSignalDetector signals(signal_options);
  std::size_t i = 0, negatives = 0;
  std::int64_t n = 0;
  std::string normalized;
  AnalysisInput input;
  std::vector<std::string> topic_ids;
  const std::int64_t day0 = DayIndex(1'700'000'000);
  for (auto _ : state) {
    input.text = texts[i];
    const Analysis a = Data().analyzer->AnalyzeWithText(input, normalized);
    const std::int64_t day = day0 + (n * 60) / static_cast<std::int64_t>(texts.size());
    if (a.sentiment == SentimentLabel::kNegative) {
      topic_ids.clear();
      for (const auto& t : a.topics) topic_ids.push_back(t.path);
      benchmark::DoNotOptimize(clusters.Add(std::to_string(n), normalized, day * 86400, topic_ids));
      benchmark::DoNotOptimize(signals.Observe(normalized, day));
      // The drill-down terms the service stores with each negative result.
      benchmark::DoNotOptimize(Data().analyzer->Terms(normalized));
      ++negatives;
    }
    ++n;
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["negative_share"] = static_cast<double>(negatives) / static_cast<double>(n);
  state.counters["clusters"] = static_cast<double>(clusters.cluster_count());
  state.counters["cluster_index_mb"] = clusters.MemoryBytes() / 1048576.0;
  state.counters["signal_combinations"] = static_cast<double>(signals.combination_count());
  state.counters["rss_mb"] = ResidentMegabytes();
}
BENCHMARK(BM_AnalyzeClusterAndSignals)->MinTime(3.0);

void BM_TopicMatch(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto taxonomy = Data().analyzer->taxonomy().Current();
  const auto& texts = Data().normalized;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(taxonomy->Match(texts[i]));
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matcher_kb"] = taxonomy->MemoryBytes() / 1024.0;
}
BENCHMARK(BM_TopicMatch);

void BM_RedLineFind(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto list = Data().analyzer->red_lines().Current();
  const auto& texts = Data().normalized;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(list->Find(texts[i]));
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedLineFind);

void BM_ClusterAdd(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto& texts = Data().normalized;
  ClusterIndex clusters;
  std::size_t i = 0;
  std::int64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(clusters.Add(std::to_string(n), texts[i], n));
    ++n;
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["clusters"] = static_cast<double>(clusters.cluster_count());
  state.counters["cluster_index_mb"] = clusters.MemoryBytes() / 1048576.0;
}
BENCHMARK(BM_ClusterAdd);

void BM_SignalObserve(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const auto& texts = Data().normalized;
  WeakSignalOptions options;
  options.groups = DefaultSignalGroups(*Data().analyzer->taxonomy().Current());
  WeakSignalDetector signals(options);
  std::size_t i = 0;
  std::int64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(signals.Observe(texts[i], n * 60 / static_cast<std::int64_t>(texts.size())));
    ++n;
    if (++i == texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["combinations"] = static_cast<double>(signals.combination_count());
}
BENCHMARK(BM_SignalObserve);

}  // namespace

BENCHMARK_MAIN();
