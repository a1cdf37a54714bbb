// A small Prometheus-style metrics registry (prometheus-cpp is not packaged
// in Debian): counters, gauges and histograms with label sets, plus
// collectors that compute values when /metrics is scraped.
//
// The hot path is a handle: a family hands out a reference to one series
// (one label set) once, and the caller keeps it, so an increment is one
// relaxed atomic add with no lookup, no lock and no allocation. Series live
// as long as the registry (they are never removed), so the references stay
// valid.
//
// Registration happens at start-up with names written in the code. A name or
// label set that breaks the exposition format's rules, or the same name
// registered twice with another type or labels, is a programming error:
// std::logic_error, thrown where it was registered (the unit tests register
// every family the loop uses).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/exposition.h"

namespace voc::metrics {

// A monotonically increasing count of events. Counts only (integers): every
// counter in the loop counts things, and an integer add is cheaper than a
// floating-point compare-and-swap.
class Counter {
 public:
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets by upper bound. Each bucket holds its own
// (non-cumulative) count; the exposition adds them up, so _count always equals
// the +Inf bucket.
class Histogram {
 public:
  // `bounds` strictly increasing and finite (checked by the family).
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> counts;  // per bucket, the last one is +Inf
    double sum = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Upper bounds in seconds for request latencies on this stack: calls take
// from tens of microseconds (a cached read) to seconds (a stalled database).
const std::vector<double>& LatencyBuckets();

// The series of one metric name, keyed by label values (in the order of the
// family's label names). WithLabels locks and may allocate: call it once and
// keep the reference.
template <typename Series>
class Family {
 public:
  Series& WithLabels(const std::vector<std::string>& values);
  // The series without labels (a family registered with no label names).
  Series& Get() { return WithLabels({}); }

  const MetricDescriptor& descriptor() const { return descriptor_; }

 private:
  friend class Registry;
  Family(MetricDescriptor descriptor, std::vector<double> bounds)
      : descriptor_(std::move(descriptor)), bounds_(std::move(bounds)) {}
  std::unique_ptr<Series> Make() const;
  void AppendTo(std::vector<MetricFamilySnapshot>& out) const;

  MetricDescriptor descriptor_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Computes families when scraped (a stream's lag, an outbox's backlog). Runs
// on the scraping thread; it may do I/O and should be bounded in time.
using Collector = std::function<std::vector<MetricFamilySnapshot>()>;

class Registry;

// Unregisters its collector when destroyed, so an object that registered a
// collector capturing `this` can die before the registry. Movable.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  CollectorHandle(CollectorHandle&& other) noexcept { *this = std::move(other); }
  CollectorHandle& operator=(CollectorHandle&& other) noexcept;
  ~CollectorHandle() { Reset(); }
  void Reset();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process's registry: what the service's /metrics endpoint serves and
  // where common/ code (rpc::Serve, the queue, the notifier) counts.
  static Registry& Default();

  // Registers a family, or returns the one registered under `name` when its
  // type, help and labels are the same (so two places may ask for it).
  CounterFamily& AddCounter(const std::string& name, const std::string& help,
                            const std::vector<std::string>& label_names = {});
  GaugeFamily& AddGauge(const std::string& name, const std::string& help,
                        const std::vector<std::string>& label_names = {});
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help,
                                const std::vector<std::string>& label_names,
                                const std::vector<double>& bounds = LatencyBuckets());

  [[nodiscard]] CollectorHandle AddCollector(Collector collector);

  // Every family with at least one series, and every collector's, sorted
  // by name.
  std::vector<MetricFamilySnapshot> Collect() const;
  // Collect() in the text exposition format 0.0.4.
  std::string Expose() const { return WriteText(Collect()); }

 private:
  friend class CollectorHandle;
  void RemoveCollector(std::uint64_t id);
  // Checks the descriptor and finds or creates its family.
  template <typename Series>
  Family<Series>& Add(MetricDescriptor descriptor, std::vector<double> bounds);

  mutable std::mutex mu_;  // guards the maps; held while collecting
  std::map<std::string, std::unique_ptr<CounterFamily>> counters_;
  std::map<std::string, std::unique_ptr<GaugeFamily>> gauges_;
  std::map<std::string, std::unique_ptr<HistogramFamily>> histograms_;
  std::map<std::uint64_t, Collector> collectors_;
  std::uint64_t next_collector_id_ = 1;
};

}  // namespace voc::metrics
