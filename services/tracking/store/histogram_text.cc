#include "services/tracking/store/histogram_text.h"

#include <algorithm>
#include <charconv>

namespace voc::tracking {

std::string EncodeHistogram(const HistogramRun& run) {
  std::string out;
  out.reserve(run.size() * 14);
  char buffer[48];
  for (const auto& [bucket, count] : run) {
    if (!out.empty()) out += ' ';
    char* end = std::to_chars(buffer, buffer + sizeof buffer, bucket).ptr;
    *end++ = ':';
    end = std::to_chars(end, buffer + sizeof buffer, count).ptr;
    out.append(buffer, end);
  }
  return out;
}

bool ParseHistogram(std::string_view text, HistogramRun& out) {
  out.clear();
  const char* p = text.data();
  const char* const end = p + text.size();
  bool sorted = true;
  while (p < end) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    std::int64_t bucket = 0, count = 0;
    auto [after_bucket, e1] = std::from_chars(p, end, bucket);
    if (e1 != std::errc() || after_bucket == end || *after_bucket != ':') return false;
    auto [after_count, e2] = std::from_chars(after_bucket + 1, end, count);
    if (e2 != std::errc() || (after_count != end && *after_count != ' ')) return false;
    p = after_count;
    if (!out.empty() && bucket <= out.back().first) {
      // Stored texts are ascending; migration 12's aggregates need not be.
      if (bucket == out.back().first) {
        out.back().second += count;
        continue;
      }
      sorted = false;
    }
    out.emplace_back(bucket, count);
  }
  if (!sorted) {
    std::sort(out.begin(), out.end());
    HistogramRun combined;
    for (const auto& pair : out) {
      if (!combined.empty() && combined.back().first == pair.first) {
        combined.back().second += pair.second;
      } else {
        combined.push_back(pair);
      }
    }
    out.swap(combined);
  }
  std::erase_if(out, [](const auto& pair) { return pair.second == 0; });
  return true;
}

void AddHistogram(HistogramRun& into, const HistogramRun& add, std::int64_t sign) {
  if (add.empty()) return;
  HistogramRun merged;
  merged.reserve(into.size() + add.size());
  auto a = into.begin();
  auto b = add.begin();
  while (a != into.end() || b != add.end()) {
    if (b == add.end() || (a != into.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == into.end() || b->first < a->first) {
      merged.emplace_back(b->first, sign * b->second);
      ++b;
    } else {
      const std::int64_t n = a->second + sign * b->second;
      if (n != 0) merged.emplace_back(a->first, n);
      ++a;
      ++b;
    }
  }
  std::erase_if(merged, [](const auto& pair) { return pair.second == 0; });
  into.swap(merged);
}

}  // namespace voc::tracking
