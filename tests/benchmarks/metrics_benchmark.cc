// What metrics cost on the hot path (common/metrics): a counter increment,
// a histogram observation, the per-RPC recording rpc::Serve adds (Serve of a
// trivial call against Guard of the same call, which is Serve without
// metrics), and a scrape of a registry the size of a service's.
//   build/tests/benchmarks/metrics_benchmark
#include <benchmark/benchmark.h>

#include <chrono>

#include "common/metrics/loop_metrics.h"
#include "common/metrics/registry.h"
#include "common/rpc/status.h"
#include "voc/v1/ingest.pb.h"

namespace {

using voc::metrics::Registry;

void BM_CounterIncrement(benchmark::State& state) {
  static Registry registry;
  static voc::metrics::Counter& counter = registry.AddCounter("bm_counter_total", "c", {"k"}).WithLabels({"v"});
  for (auto _ : state) counter.Increment();
  benchmark::DoNotOptimize(counter.value());
}
BENCHMARK(BM_CounterIncrement)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  static Registry registry;
  static voc::metrics::Histogram& histogram =
      registry.AddHistogram("bm_latency_seconds", "h", {"method"}).WithLabels({"Get"});
  double value = 0.0001;
  for (auto _ : state) {
    histogram.Observe(value);
    value = value < 5 ? value * 1.7 : 0.0001;  // walk across the buckets
  }
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// The whole recording of one RPC: method lookup, code counter, histogram.
void BM_RecordRpc(benchmark::State& state) {
  for (auto _ : state) voc::metrics::RecordRpc("SubmitFeedback", 0, std::chrono::microseconds(250));
}
BENCHMARK(BM_RecordRpc)->Threads(1)->Threads(2);

absl::StatusOr<voc::v1::SubmitFeedbackResponse> TrivialCall() { return voc::v1::SubmitFeedbackResponse(); }

// rpc::Serve of a call that does nothing: Guard + metrics (two clock reads,
// RecordRpc) + the move into the response.
void BM_ServeTrivialCall(benchmark::State& state) {
  voc::v1::SubmitFeedbackResponse response;
  for (auto _ : state) {
    benchmark::DoNotOptimize(voc::rpc::Serve("SubmitFeedback", &response, [] { return TrivialCall(); }));
  }
}
BENCHMARK(BM_ServeTrivialCall)->Threads(1)->Threads(2);

// The same without metrics: what Serve was before it counted.
void BM_GuardTrivialCall(benchmark::State& state) {
  voc::v1::SubmitFeedbackResponse response;
  for (auto _ : state) {
    benchmark::DoNotOptimize(voc::rpc::Guard("SubmitFeedback", [&]() -> grpc::Status {
      auto result = TrivialCall();
      if (!result.ok()) return voc::rpc::ToGrpcStatus(result.status());
      response = std::move(result).value();
      return grpc::Status::OK;
    }));
  }
}
BENCHMARK(BM_GuardTrivialCall)->Threads(1)->Threads(2);

// A scrape: 20 methods x 3 codes, their latency histograms (17 buckets).
void BM_ExposeServiceSizedRegistry(benchmark::State& state) {
  Registry registry;
  auto& handled = registry.AddCounter("bm_rpc_handled_total", "h", {"method", "code"});
  auto& duration = registry.AddHistogram("bm_rpc_duration_seconds", "d", {"method"});
  for (int m = 0; m < 20; ++m) {
    const std::string method = "Method" + std::to_string(m);
    for (const char* code : {"OK", "NOT_FOUND", "INVALID_ARGUMENT"}) handled.WithLabels({method, code}).Increment(m);
    duration.WithLabels({method}).Observe(0.001 * m);
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = registry.Expose();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ExposeServiceSizedRegistry);

}  // namespace

BENCHMARK_MAIN();
