#include "tools/load/stats.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace voc::load {

std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: ceil(p/100 * n), at least the first sample.
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  if (rank < 1) rank = 1;
  return sorted[std::min(rank, sorted.size()) - 1];
}

LatencySummary LatencyRecorder::Summarize() const {
  LatencySummary s;
  s.count = count();
  if (samples_us_.empty()) return s;
  std::vector<std::int64_t> sorted = samples_us_;
  std::sort(sorted.begin(), sorted.end());
  double total = 0;
  for (auto us : sorted) total += static_cast<double>(us);
  s.mean_ms = total / static_cast<double>(sorted.size()) / 1000.0;
  s.p50_ms = static_cast<double>(Percentile(sorted, 50)) / 1000.0;
  s.p90_ms = static_cast<double>(Percentile(sorted, 90)) / 1000.0;
  s.p99_ms = static_cast<double>(Percentile(sorted, 99)) / 1000.0;
  s.max_ms = static_cast<double>(sorted.back()) / 1000.0;
  return s;
}

std::string FormatSummary(const LatencySummary& s) {
  return fmt::format("count {}, mean {:.2f} ms, p50 {:.2f} ms, p90 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms",
                     s.count, s.mean_ms, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms);
}

nlohmann::json ToJson(const LatencySummary& s) {
  return {{"count", s.count}, {"mean_ms", s.mean_ms}, {"p50_ms", s.p50_ms},
          {"p90_ms", s.p90_ms}, {"p99_ms", s.p99_ms}, {"max_ms", s.max_ms}};
}

double Rate(std::int64_t count, std::chrono::nanoseconds elapsed) {
  if (elapsed.count() <= 0) return 0;
  return static_cast<double>(count) / std::chrono::duration<double>(elapsed).count();
}

}  // namespace voc::load
