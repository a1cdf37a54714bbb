#include "services/triage/analysis/drilldown/drilldown.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace voc::triage {
namespace {

constexpr char kSeparator = '\x1f';

double XLogXOverE(double observed, double expected) {
  return observed > 0 && expected > 0 ? observed * std::log(observed / expected) : 0.0;
}

}  // namespace

void FeatureCounts::Add(const DrillDocument& doc) {
  ++documents_;
  thread_local std::unordered_set<std::string> seen;
  seen.clear();
  auto count_once = [&](std::string key) {
    if (seen.insert(key).second) ++counts_[key];
  };
  for (const auto& t : doc.terms) count_once("term" + std::string(1, kSeparator) + t);
  for (const auto& [name, value] : doc.attributes) count_once(name + kSeparator + value);
}

void FeatureCounts::AddCount(const std::string& kind, const std::string& value, std::size_t documents_with_feature) {
  counts_[kind + kSeparator + value] += documents_with_feature;
}

double LogLikelihoodRatio(double a, double n1, double b, double n2) {
  const double n = n1 + n2;
  const double with = a + b;
  const double without = n - with;
  if (n1 <= 0 || n2 <= 0 || with <= 0 || without <= 0) return 0.0;
  const double sum = XLogXOverE(a, n1 * with / n) + XLogXOverE(n1 - a, n1 * without / n) +
                     XLogXOverE(b, n2 * with / n) + XLogXOverE(n2 - b, n2 * without / n);
  return std::max(0.0, 2.0 * sum);
}

std::vector<OverRepresented> DrillDown(const FeatureCounts& target, const FeatureCounts& baseline,
                                       const DrillDownOptions& options) {
  std::vector<OverRepresented> out;
  const double n1 = static_cast<double>(target.documents());
  const double n2 = static_cast<double>(baseline.documents());
  if (n1 <= 0) return out;
  for (const auto& [key, count] : target.counts()) {
    if (count < options.min_support) continue;
    auto it = baseline.counts().find(key);
    const std::size_t base = it == baseline.counts().end() ? 0 : it->second;
    const double a = static_cast<double>(std::min<std::size_t>(count, target.documents()));
    const double b = static_cast<double>(std::min<std::size_t>(base, baseline.documents()));
    const double target_share = a / n1;
    const double baseline_share = n2 > 0 ? b / n2 : 0.0;
    if (target_share <= baseline_share) continue;
    const double lift = ((a + 0.5) / (n1 + 1)) / ((b + 0.5) / (n2 + 1));
    if (lift < options.min_lift) continue;
    const double g2 = LogLikelihoodRatio(a, n1, b, n2);
    const double p = std::erfc(std::sqrt(g2 / 2.0));
    if (p > options.max_p_value) continue;
    const auto sep = key.find(kSeparator);
    out.push_back(OverRepresented{key.substr(0, sep), key.substr(sep + 1), count, base, target_share,
                                  baseline_share, lift, g2, p});
  }
  std::sort(out.begin(), out.end(), [](const OverRepresented& x, const OverRepresented& y) {
    if (x.g2 != y.g2) return x.g2 > y.g2;
    if (x.kind != y.kind) return x.kind < y.kind;
    return x.value < y.value;
  });
  if (options.limit && out.size() > options.limit) out.resize(options.limit);
  return out;
}

std::vector<OverRepresented> DrillDown(const std::vector<DrillDocument>& target,
                                       const std::vector<DrillDocument>& baseline, const DrillDownOptions& options) {
  FeatureCounts t, b;
  for (const auto& d : target) t.Add(d);
  for (const auto& d : baseline) b.Add(d);
  return DrillDown(t, b, options);
}

}  // namespace voc::triage
