// Latency percentiles and call counts for the load tool's reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace voc::load {

// Nearest-rank percentile (the smallest sample with at least p% of the
// samples at or below it) of `sorted`, which must be sorted ascending.
// 0 for an empty input; p is clamped to [0, 100].
std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double p);

struct LatencySummary {
  std::int64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Collects latencies (in microseconds) and summarises them. Keeps every
// sample so the percentiles are exact; 8 bytes a sample (1,000,000 calls
// are 8 MB).
class LatencyRecorder {
 public:
  void Add(std::chrono::nanoseconds latency) { samples_us_.push_back(latency.count() / 1000); }
  void AddMicros(std::int64_t us) { samples_us_.push_back(us); }
  std::int64_t count() const { return static_cast<std::int64_t>(samples_us_.size()); }
  LatencySummary Summarize() const;

 private:
  std::vector<std::int64_t> samples_us_;
};

// "count 120, mean 1.20 ms, p50 1.10 ms, p90 ..., p99 ..., max ..."
std::string FormatSummary(const LatencySummary& summary);
nlohmann::json ToJson(const LatencySummary& summary);

// Calls that ended in an error, by gRPC code name ("UNAVAILABLE": 3).
using ErrorCounts = std::map<std::string, std::int64_t>;

// Per second, 0 when no time passed.
double Rate(std::int64_t count, std::chrono::nanoseconds elapsed);

}  // namespace voc::load
