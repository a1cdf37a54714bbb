// What the store benchmarks share: lists from the environment, a scratch
// folder on /dev/shm, and percentiles of per-call times. Header-only.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace voc::bench {

// The comma-separated items of environment variable `name`, or of
// `fallback` when it is unset or empty.
inline std::vector<std::string> ListFromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  std::stringstream in(value && *value ? value : fallback);
  std::vector<std::string> out;
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// A new folder "<prefix>-XXXXXX" on /dev/shm (memory: a fill does not wait
// for fsync), else /tmp. The caller removes it.
inline std::string TempDirectory(const std::string& prefix) {
  std::string pattern = (std::filesystem::exists("/dev/shm") ? "/dev/shm/" : "/tmp/") + prefix + "-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// The nearest-rank percentile `p` (0..1) of `values` (not empty).
inline double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace voc::bench
