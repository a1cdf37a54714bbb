// Weak signals: daily counts of term combinations, and a test that flags a
// combination whose count today is anomalous against its own history, even
// at single-digit counts.
//
// Combinations. Terms come from configurable dictionaries (groups), matched
// in the normalised text by one multi-pattern matcher:
//   * several groups (e.g. model x part x symptom): every combination of 2 or
//     3 terms taken from different groups (one term per group);
//   * one group (co-occurring key terms): every pair of distinct terms.
// A document counts once per combination per day. Terms per document are
// capped (`max_terms_per_document`, first occurrences win) to bound the work.
//
// Test (Gamma-Poisson, i.e. a Poisson rate with a conjugate prior):
//   Let S be the combination's total over a baseline of H days that ends
//   `guard_days` before today (days d-guard-H .. d-guard-1, with
//   H = min(history_days, observed days before the guard)). The guard keeps
//   a young trend's own first days out of its baseline; without it a rising
//   count raises its own expectation and is found days later. The daily
//   rate has posterior Gamma(alpha + S, beta + H), prior Gamma(alpha, beta)
//   with alpha = prior_count, beta = prior_days: a weak prior of alpha/beta
//   occurrences a day. Today's count c is then negative-binomial
//   NB(r = alpha + S, p = (beta + H) / (beta + H + 1)), and
//       p_value = P(X >= c)   (upper tail, summed exactly).
//   A combination is emerging when c >= min_count, p_value <= max_p_value and
//   at least min_history_days have been observed. A steady rate keeps
//   p_value moderate; a combination rising from nothing gets a tiny p_value
//   at a handful of mentions because its own history says it should be ~0.
//
// Time is a parameter: pass the day index (e.g. DayIndex(unix_seconds,
// utc_offset)); documents may arrive out of order within the history window.
// Restoring after a restart: replay the stored documents of the last
// history_days days (or AddCount for pre-aggregated counts).
//
// Bounds: series_ holds the combinations counted within the kept days, and
// past max_combinations those not updated within them are evicted; each
// series is KeptDays() daily counts (history_days + guard_days + 1 slots of
// 4 bytes) plus its terms. The number of combinations is itself bounded by
// the dictionaries (terms per document are capped). The matcher is fixed by
// the dictionaries. Nothing else grows with the input.
//
// Many replicas: TriageProcessor feeds every replica's detector every stored
// negative feedback once, in the order the replicas stored them (its own
// after commit, the others' as it catches up from the database), so each
// replica's counts are the same.
//
// Thread safety: all methods may be called concurrently (internal mutex).
#pragma once

#include <absl/status/statusor.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/triage/analysis/shared/multi_pattern_matcher.h"

namespace voc::triage {

struct TermGroup {
  std::string name;                 // e.g. "model", "part", "symptom"
  std::vector<std::string> terms;   // normalised terms (MultiPatternMatcher syntax)
};

struct WeakSignalOptions {
  std::vector<TermGroup> groups;
  int history_days = 28;
  int guard_days = 7;
  double prior_count = 0.5;         // alpha
  double prior_days = 1.0;          // beta
  double max_p_value = 1e-5;
  std::uint32_t min_count = 3;
  int min_history_days = 7;
  std::size_t max_terms_per_document = 8;
  std::size_t max_combinations = 1'000'000;  // stale ones are evicted beyond this
};

struct WeakSignal {
  std::string combination;          // "group:term + group:term", groups in configuration order
  std::vector<std::string> terms;
  std::int64_t day = 0;
  std::uint32_t count = 0;          // documents today
  double history_total = 0;         // S
  int history_days = 0;             // H (baseline days used)
  double expected = 0;              // posterior mean daily rate (alpha + S) / (beta + H)
  double p_value = 1;
  // The earliest day up to `day` on which the combination was counted, within
  // the days the detector keeps (history_days + guard_days before `day`);
  // `day` itself when it was never counted before.
  std::int64_t first_seen_day = 0;
};

// floor((unix_seconds + utc_offset_seconds) / 86400).
std::int64_t DayIndex(std::int64_t unix_seconds, std::int64_t utc_offset_seconds = 0);

// Upper tail P(X >= c) of NB(r, p) (failures before the r-th success).
double NegativeBinomialUpperTail(std::uint32_t c, double r, double p);

// Loads groups from YAML: `groups: {model: [...], part: [...], symptom: [...]}`
// (INVALID_ARGUMENT "<source>:<line>: <problem>" on error).
absl::StatusOr<std::vector<TermGroup>> ParseTermGroups(const std::string& yaml_text, const std::string& source);

class WeakSignalDetector {
 public:
  // Throws std::invalid_argument if there are no groups or no terms.
  explicit WeakSignalDetector(WeakSignalOptions options);

  // Counts the combinations in `normalized_text` on `day`; returns those
  // that became emerging on that day with this document (alert once).
  std::vector<WeakSignal> Observe(std::string_view normalized_text, std::int64_t day);
  // The combinations (keys as returned in WeakSignal::combination) found in a text.
  std::vector<std::string> Combinations(std::string_view normalized_text) const;
  // Adds a pre-aggregated count (restore from storage).
  void AddCount(const std::string& combination, std::int64_t day, std::uint32_t count);

  // Every combination that is emerging on `day`, smallest p-value first.
  std::vector<WeakSignal> Emerging(std::int64_t day) const;
  // Statistics of one combination on `day` (whether flagged or not). Only
  // the last history_days + guard_days + 1 days of each combination are kept,
  // so for an older day the baseline shrinks to the days still known.
  WeakSignal Evaluate(const std::string& combination, std::int64_t day) const;
  std::size_t combination_count() const;
  // How many days of counts one evaluation reads (history + guard + today):
  // what a restart must replay to judge today as before.
  int KeptDays() const { return static_cast<int>(RingSize()); }

 private:
  struct Series {
    std::vector<std::uint32_t> ring;  // history + guard + 1 slots, indexed by day mod size
    std::int64_t last_day = INT64_MIN;
    std::int64_t flagged_day = INT64_MIN;
    std::vector<std::string> terms;
  };
  void CollectCombinations(std::string_view text, std::vector<std::string>& keys,
                           std::vector<std::vector<std::string>>* terms) const;
  Series& SeriesForLocked(const std::string& key, std::int64_t day);
  WeakSignal EvaluateLocked(const std::string& key, const Series& s, std::int64_t day) const;
  bool IsEmerging(const WeakSignal& s) const;
  void EvictStaleLocked(std::int64_t day);
  std::size_t RingSize() const {
    return static_cast<std::size_t>(options_.history_days) + static_cast<std::size_t>(options_.guard_days) + 1;
  }

  WeakSignalOptions options_;
  MultiPatternMatcher matcher_;
  std::vector<std::uint32_t> group_of_pattern_;
  std::vector<std::string> term_of_pattern_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Series> series_;
  std::int64_t first_day_ = INT64_MAX;
  std::int64_t latest_day_ = INT64_MIN;
};

}  // namespace voc::triage
