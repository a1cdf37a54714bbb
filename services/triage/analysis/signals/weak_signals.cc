#include "services/triage/analysis/signals/weak_signals.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "common/config/yaml_file.h"

namespace voc::triage {

std::int64_t DayIndex(std::int64_t unix_seconds, std::int64_t utc_offset_seconds) {
  const std::int64_t t = unix_seconds + utc_offset_seconds;
  return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

double NegativeBinomialUpperTail(std::uint32_t c, double r, double p) {
  if (c == 0) return 1.0;
  if (p >= 1.0) return 0.0;
  const double q = 1.0 - p;
  // log pmf(c) = r log p + sum_{x<c} log((x + r) / (x + 1)) + c log q
  double log_term = r * std::log(p) + c * std::log(q);
  for (std::uint32_t x = 0; x < c; ++x) log_term += std::log((x + r) / (x + 1.0));
  double term = std::exp(log_term);
  double sum = 0.0;
  for (std::uint64_t x = c; x < c + 1'000'000ULL; ++x) {
    sum += term;
    term *= (x + r) / (x + 1.0) * q;
    if (term < sum * 1e-17 || term == 0.0) break;
  }
  return std::min(1.0, sum);
}

namespace {

std::vector<TermGroup> ParseTermGroupsOrThrow(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = config::ParseYaml(yaml_text, source);
  config::RequireMapWithKeys(source, root, "weak-signal dictionaries", {"groups"});
  const YAML::Node groups = root["groups"];
  if (!groups || !groups.IsMap() || groups.size() == 0)
    config::FailAt(source, groups ? groups : root, "'groups' must map group names to term lists");
  std::vector<TermGroup> out;
  for (const auto& entry : groups) {
    TermGroup g{entry.first.Scalar(), config::StringList(source, entry.second, entry.first.Scalar())};
    if (g.terms.empty()) config::FailAt(source, entry.second, "group '" + g.name + "' has no terms");
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<TermGroup>> ParseTermGroups(const std::string& yaml_text, const std::string& source) {
  return config::LoadYaml([&] { return ParseTermGroupsOrThrow(yaml_text, source); });
}

WeakSignalDetector::WeakSignalDetector(WeakSignalOptions options) : options_(std::move(options)) {
  if (options_.groups.empty()) throw std::invalid_argument("weak signals: no term groups");
  if (options_.history_days < 1) throw std::invalid_argument("weak signals: history_days must be >= 1");
  if (options_.guard_days < 0) throw std::invalid_argument("weak signals: guard_days must be >= 0");
  MultiPatternMatcher::Builder builder;
  for (std::uint32_t g = 0; g < options_.groups.size(); ++g) {
    for (const auto& term : options_.groups[g].terms) {
      const std::uint32_t id = builder.Add(term);
      if (id == group_of_pattern_.size()) {  // first listing of this term wins
        group_of_pattern_.push_back(g);
        term_of_pattern_.push_back(term);
      }
    }
  }
  if (builder.size() == 0) throw std::invalid_argument("weak signals: no terms");
  matcher_ = builder.Build();
}

void WeakSignalDetector::CollectCombinations(std::string_view text, std::vector<std::string>& keys,
                                             std::vector<std::vector<std::string>>* terms) const {
  keys.clear();
  if (terms) terms->clear();
  thread_local std::vector<std::uint32_t> found;  // pattern ids, first occurrences
  found.clear();
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t, std::size_t) {
    if (found.size() < options_.max_terms_per_document && std::find(found.begin(), found.end(), id) == found.end())
      found.push_back(id);
  });
  if (found.size() < 2) return;
  // Canonical order: by group, then by term.
  std::sort(found.begin(), found.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (group_of_pattern_[a] != group_of_pattern_[b]) return group_of_pattern_[a] < group_of_pattern_[b];
    return term_of_pattern_[a] < term_of_pattern_[b];
  });
  const bool single_group = options_.groups.size() == 1;
  auto label = [&](std::uint32_t p) { return options_.groups[group_of_pattern_[p]].name + ":" + term_of_pattern_[p]; };
  auto emit = [&](std::initializer_list<std::uint32_t> parts) {
    std::string key;
    std::vector<std::string> names;
    for (std::uint32_t p : parts) {
      if (!key.empty()) key += " + ";
      key += label(p);
      names.push_back(term_of_pattern_[p]);
    }
    keys.push_back(std::move(key));
    if (terms) terms->push_back(std::move(names));
  };
  const std::size_t n = found.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const bool distinct_groups = group_of_pattern_[found[i]] != group_of_pattern_[found[j]];
      if (!single_group && !distinct_groups) continue;
      emit({found[i], found[j]});
      if (single_group) continue;
      for (std::size_t k = j + 1; k < n; ++k)
        if (group_of_pattern_[found[k]] != group_of_pattern_[found[j]]) emit({found[i], found[j], found[k]});
    }
  }
}

std::vector<std::string> WeakSignalDetector::Combinations(std::string_view text) const {
  std::vector<std::string> keys;
  CollectCombinations(text, keys, nullptr);
  return keys;
}

WeakSignalDetector::Series& WeakSignalDetector::SeriesForLocked(const std::string& key, std::int64_t day) {
  Series& s = series_[key];
  const std::size_t size = RingSize();
  if (s.ring.empty()) s.ring.assign(size, 0);
  if (day > s.last_day) {
    // Zero the slots of the days skipped since the last update.
    const std::int64_t gap = s.last_day == INT64_MIN ? static_cast<std::int64_t>(size) : day - s.last_day;
    for (std::int64_t k = 0; k < std::min<std::int64_t>(gap, size); ++k)
      s.ring[static_cast<std::size_t>(((day - k) % static_cast<std::int64_t>(size) + size) % size)] = 0;
    s.last_day = day;
  }
  return s;
}

namespace {
std::size_t Slot(std::int64_t day, std::size_t size) {
  const auto n = static_cast<std::int64_t>(size);
  return static_cast<std::size_t>((day % n + n) % n);
}
}  // namespace

WeakSignal WeakSignalDetector::EvaluateLocked(const std::string& key, const Series& s, std::int64_t day) const {
  const std::size_t size = s.ring.size();
  auto count_on = [&](std::int64_t d) -> std::uint32_t {
    if (size == 0 || d > s.last_day || d <= s.last_day - static_cast<std::int64_t>(size)) return 0;
    return s.ring[Slot(d, size)];
  };
  WeakSignal w;
  w.combination = key;
  w.terms = s.terms;
  w.day = day;
  w.count = count_on(day);
  w.first_seen_day = day;
  for (std::int64_t d = day - static_cast<std::int64_t>(size) + 1; d < day; ++d) {
    if (count_on(d) > 0) {
      w.first_seen_day = d;
      break;
    }
  }
  const std::int64_t guard = options_.guard_days;
  const std::int64_t observed =
      first_day_ == INT64_MAX ? 0 : std::max<std::int64_t>(0, day - guard - first_day_);
  const int wanted = static_cast<int>(std::min<std::int64_t>(options_.history_days, observed));
  for (int k = 1; k <= wanted; ++k) {
    const std::int64_t d = day - guard - k;
    // Days whose slot was already reused (evaluating an old day) are unknown:
    // leave them out of the baseline rather than count them as zero.
    if (size != 0 && s.last_day != INT64_MIN && d <= s.last_day - static_cast<std::int64_t>(size)) continue;
    w.history_total += count_on(d);
    ++w.history_days;
  }
  const double r = options_.prior_count + w.history_total;
  const double exposure = options_.prior_days + w.history_days;
  w.expected = r / exposure;
  w.p_value = NegativeBinomialUpperTail(w.count, r, exposure / (exposure + 1.0));
  return w;
}

bool WeakSignalDetector::IsEmerging(const WeakSignal& s) const {
  return s.count >= options_.min_count && s.p_value <= options_.max_p_value &&
         s.history_days >= options_.min_history_days;
}

std::vector<WeakSignal> WeakSignalDetector::Observe(std::string_view text, std::int64_t day) {
  thread_local std::vector<std::string> keys;
  thread_local std::vector<std::vector<std::string>> terms;
  CollectCombinations(text, keys, &terms);
  std::vector<WeakSignal> alerts;
  std::lock_guard lock(mu_);
  first_day_ = std::min(first_day_, day);
  latest_day_ = std::max(latest_day_, day);
  if (keys.empty()) return alerts;
  // A combination counts once per document.
  thread_local std::vector<std::size_t> order;
  order.resize(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  for (std::size_t n = 0; n < order.size(); ++n) {
    const std::size_t i = order[n];
    if (n > 0 && keys[i] == keys[order[n - 1]]) continue;
    const std::size_t size = RingSize();
    Series& s = SeriesForLocked(keys[i], day);
    if (day <= s.last_day - static_cast<std::int64_t>(size)) continue;  // older than the window
    if (s.terms.empty()) s.terms = terms[i];
    ++s.ring[Slot(day, size)];
    if (day != s.last_day || s.flagged_day == day) continue;
    WeakSignal w = EvaluateLocked(keys[i], s, day);
    if (IsEmerging(w)) {
      s.flagged_day = day;
      alerts.push_back(std::move(w));
    }
  }
  if (series_.size() > options_.max_combinations) EvictStaleLocked(latest_day_);
  return alerts;
}

void WeakSignalDetector::AddCount(const std::string& combination, std::int64_t day, std::uint32_t count) {
  std::lock_guard lock(mu_);
  first_day_ = std::min(first_day_, day);
  latest_day_ = std::max(latest_day_, day);
  const std::size_t size = RingSize();
  Series& s = SeriesForLocked(combination, day);
  if (day <= s.last_day - static_cast<std::int64_t>(size)) return;
  s.ring[Slot(day, size)] += count;
}

std::vector<WeakSignal> WeakSignalDetector::Emerging(std::int64_t day) const {
  std::vector<WeakSignal> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, s] : series_) {
    if (day > s.last_day || day <= s.last_day - static_cast<std::int64_t>(s.ring.size())) continue;
    if (s.ring[Slot(day, s.ring.size())] < options_.min_count) continue;
    WeakSignal w = EvaluateLocked(key, s, day);
    if (IsEmerging(w)) out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(), [](const WeakSignal& a, const WeakSignal& b) {
    if (a.p_value != b.p_value) return a.p_value < b.p_value;
    return a.combination < b.combination;
  });
  return out;
}

WeakSignal WeakSignalDetector::Evaluate(const std::string& combination, std::int64_t day) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(combination);
  static const Series kEmpty;
  return EvaluateLocked(combination, it == series_.end() ? kEmpty : it->second, day);
}

std::size_t WeakSignalDetector::combination_count() const {
  std::lock_guard lock(mu_);
  return series_.size();
}

void WeakSignalDetector::EvictStaleLocked(std::int64_t day) {
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.last_day < day - static_cast<std::int64_t>(RingSize())) it = series_.erase(it);
    else ++it;
  }
}

}  // namespace voc::triage
