// The registry: series handles, families, collectors, concurrent counting,
// and the loop's catalogue of metrics (common/metrics/loop_metrics.h).
#include "common/metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "common/metrics/loop_metrics.h"

namespace voc::metrics {
namespace {

const MetricFamilySnapshot* Find(const std::vector<MetricFamilySnapshot>& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.descriptor.name == name) return &family;
  }
  return nullptr;
}

TEST(MetricsRegistryTest, ACounterHandleCountsAndTheFamilyShowsEachLabelSet) {
  Registry registry;
  auto& handled = registry.AddCounter("voc_handled_total", "Handled.", {"method", "code"});
  Counter& ok = handled.WithLabels({"Get", "OK"});
  ok.Increment();
  ok.Increment(4);
  handled.WithLabels({"Get", "NOT_FOUND"}).Increment();
  EXPECT_EQ(&handled.WithLabels({"Get", "OK"}), &ok) << "the same label set is the same series";
  EXPECT_EQ(registry.Expose(),
            "# HELP voc_handled_total Handled.\n"
            "# TYPE voc_handled_total counter\n"
            "voc_handled_total{method=\"Get\",code=\"NOT_FOUND\"} 1\n"
            "voc_handled_total{method=\"Get\",code=\"OK\"} 5\n");
}

TEST(MetricsRegistryTest, AFamilyWithoutSeriesIsLeftOutAndAnUnlabelledOneStartsAtZeroWhenAsked) {
  Registry registry;
  registry.AddCounter("voc_unused_total", "Never used.", {"kind"});
  registry.AddGauge("voc_depth", "Depth.").Get();
  EXPECT_EQ(registry.Expose(), "# HELP voc_depth Depth.\n# TYPE voc_depth gauge\nvoc_depth 0\n");
}

TEST(MetricsRegistryTest, GaugesSetAndAdd) {
  Registry registry;
  Gauge& gauge = registry.AddGauge("voc_level", "Level.").Get();
  gauge.Set(10);
  gauge.Add(-2.5);
  EXPECT_EQ(gauge.value(), 7.5);
}

TEST(MetricsRegistryTest, HistogramObservationsLandInTheFirstBucketWhoseBoundIsNotBelow) {
  Registry registry;
  Histogram& h = registry.AddHistogram("voc_latency_seconds", "Latency.", {}, {0.1, 1}).Get();
  h.Observe(0.05);
  h.Observe(0.1);  // le="0.1" includes 0.1 itself
  h.Observe(0.5);
  h.Observe(7);
  const auto read = h.Read();
  EXPECT_EQ(read.counts, (std::vector<std::uint64_t>{2, 1, 1}));
  EXPECT_DOUBLE_EQ(read.sum, 7.65);
  EXPECT_EQ(registry.Expose(),
            "# HELP voc_latency_seconds Latency.\n"
            "# TYPE voc_latency_seconds histogram\n"
            "voc_latency_seconds_bucket{le=\"0.1\"} 2\n"
            "voc_latency_seconds_bucket{le=\"1\"} 3\n"
            "voc_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "voc_latency_seconds_sum 7.65\n"
            "voc_latency_seconds_count 4\n");
}

TEST(MetricsRegistryTest, RegisteringTheSameFamilyTwiceReturnsItAndAConflictIsRefused) {
  Registry registry;
  auto& first = registry.AddCounter("voc_x_total", "X.", {"a"});
  EXPECT_EQ(&registry.AddCounter("voc_x_total", "X.", {"a"}), &first);
  EXPECT_THROW(registry.AddCounter("voc_x_total", "X.", {"b"}), std::logic_error);
  EXPECT_THROW(registry.AddGauge("voc_x_total", "X.", {"a"}), std::logic_error);
  EXPECT_THROW(registry.AddCounter("voc-bad", "Bad."), std::logic_error);
  EXPECT_THROW(registry.AddHistogram("voc_h", "H.", {"le"}), std::logic_error);
  EXPECT_THROW(first.WithLabels({"one", "two"}), std::logic_error) << "two values for one label";
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAndObservationsAreNeverLost) {
  Registry registry;
  Counter& counter = registry.AddCounter("voc_concurrent_total", "C.").Get();
  Histogram& histogram = registry.AddHistogram("voc_concurrent_seconds", "H.", {}, {0.5}).Get();
  auto& family = registry.AddCounter("voc_concurrent_labelled_total", "L.", {"thread"});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = family.WithLabels({std::to_string(t % 2)});
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        mine.Increment();
        histogram.Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  // Scrapes while counting must neither block the counting nor crash.
  for (int i = 0; i < 20; ++i) registry.Expose();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(family.WithLabels({"0"}).value() + family.WithLabels({"1"}).value(), std::uint64_t{kThreads} * kPerThread);
  const auto read = histogram.Read();
  EXPECT_EQ(read.counts[0], std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_EQ(read.counts[1], std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_DOUBLE_EQ(read.sum, kThreads * (kPerThread / 2) * 1.25);
}

TEST(MetricsRegistryTest, CollectorsAddFamiliesAtScrapeTimeUntilTheirHandleGoes) {
  Registry registry;
  int calls = 0;
  {
    CollectorHandle handle = registry.AddCollector([&] {
      ++calls;
      return std::vector<MetricFamilySnapshot>{
          {{"voc_backlog", "Backlog.", MetricType::kGauge, {"outbox"}}, {{"", {{"outbox", "feedback"}}, 12}}}};
    });
    EXPECT_EQ(registry.Expose(),
              "# HELP voc_backlog Backlog.\n# TYPE voc_backlog gauge\nvoc_backlog{outbox=\"feedback\"} 12\n");
    CollectorHandle moved = std::move(handle);
    registry.Expose();
    EXPECT_EQ(calls, 2);
  }
  EXPECT_EQ(registry.Expose(), "");
  EXPECT_EQ(calls, 2);
}

TEST(MetricsRegistryTest, TwoCollectorsOfOneFamilyAreMergedUnderOneTypeLine) {
  Registry registry;
  const auto backlog = [](std::string outbox, double value) {
    return [outbox, value] {
      return std::vector<MetricFamilySnapshot>{
          {{"voc_backlog", "Backlog.", MetricType::kGauge, {"outbox"}}, {{"", {{"outbox", outbox}}, value}}}};
    };
  };
  auto a = registry.AddCollector(backlog("feedback", 1));
  auto b = registry.AddCollector(backlog("events", 2));
  const std::string text = registry.Expose();
  EXPECT_EQ(text,
            "# HELP voc_backlog Backlog.\n# TYPE voc_backlog gauge\n"
            "voc_backlog{outbox=\"feedback\"} 1\nvoc_backlog{outbox=\"events\"} 2\n");
}

TEST(MetricsRegistryTest, TheLoopsCatalogueIsValidAndRpcsAreCountedByMethodAndCode) {
  RegisterLoopMetrics();  // throws std::logic_error on an invalid name
  RecordRpc("CatalogueTestMethod", 0, std::chrono::microseconds(300));
  RecordRpc("CatalogueTestMethod", 0, std::chrono::milliseconds(20));
  RecordRpc("CatalogueTestMethod", 5, std::chrono::microseconds(50));
  RecordRpc("CatalogueTestMethod", 99, std::chrono::microseconds(50));  // not a gRPC code: UNKNOWN
  auto& handled = Registry::Default().AddCounter(
      "voc_rpc_handled_total", "RPCs handled by this service, by method and gRPC status code.", {"method", "code"});
  EXPECT_EQ(handled.WithLabels({"CatalogueTestMethod", "OK"}).value(), 2u);
  EXPECT_EQ(handled.WithLabels({"CatalogueTestMethod", "NOT_FOUND"}).value(), 1u);
  EXPECT_EQ(handled.WithLabels({"CatalogueTestMethod", "UNKNOWN"}).value(), 1u);
  const auto families = Registry::Default().Collect();
  const auto* duration = Find(families, "voc_rpc_duration_seconds");
  ASSERT_NE(duration, nullptr);
  for (const auto& sample : duration->samples) {
    if (sample.suffix == "_count" && sample.labels == Labels{{"method", "CatalogueTestMethod"}}) {
      EXPECT_EQ(sample.value, 4);
    }
  }
  for (const std::string name : {"voc_sla_breaches_total", "voc_sla_escalations_total", "voc_sla_overdue_cases",
                                 "voc_triage_documents_analysed_total"}) {
    EXPECT_NE(Find(families, name), nullptr) << name;
  }
}

}  // namespace
}  // namespace voc::metrics
