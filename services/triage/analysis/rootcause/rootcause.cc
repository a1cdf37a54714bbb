#include "services/triage/analysis/rootcause/rootcause.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "services/triage/analysis/drilldown/drilldown.h"

namespace voc::triage {
namespace {

double LogChoose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

// Sum of exp(terms) without overflow.
double SumExp(const std::vector<double>& logs) {
  if (logs.empty()) return 0;
  const double top = *std::max_element(logs.begin(), logs.end());
  double sum = 0;
  for (double l : logs) sum += std::exp(l - top);
  return std::min(1.0, std::exp(top) * sum);
}

using Feature = std::pair<std::string, std::string>;

struct Tally {
  std::size_t count = 0;
  std::vector<std::string> examples;
};

// Document frequency of every feature; the examples are the first ids.
std::map<Feature, Tally> CountFeatures(const std::vector<JoinedDocument>& docs, std::size_t examples) {
  std::map<Feature, Tally> out;
  std::set<Feature> seen;
  for (const auto& doc : docs) {
    seen.clear();
    for (const auto& f : doc.attributes) {
      if (!seen.insert(f).second) continue;
      Tally& t = out[f];
      ++t.count;
      if (t.examples.size() < examples) t.examples.push_back(doc.feedback_id);
    }
  }
  return out;
}

// Benjamini-Hochberg over the whole family: each finding's q-value, from
// every p-value tested.
template <typename Finding>
void AssignQValues(std::vector<Finding>& family) {
  std::vector<double> p;
  p.reserve(family.size());
  for (const Finding& f : family) p.push_back(f.p_value);
  const std::vector<double> q = BenjaminiHochberg(p);
  for (std::size_t i = 0; i < family.size(); ++i) family[i].q_value = q[i];
}

}  // namespace

double FisherOneSided(std::size_t a, std::size_t n1, std::size_t b, std::size_t n2) {
  const double N = static_cast<double>(n1 + n2);
  const double K = static_cast<double>(a + b);
  const double n = static_cast<double>(n1);
  const double denominator = LogChoose(N, n);
  const std::size_t top = std::min(a + b, n1);
  std::vector<double> logs;
  for (std::size_t x = a; x <= top; ++x) {
    const double dx = static_cast<double>(x);
    if (n - dx > N - K) continue;  // impossible: more misses than unmarked items
    logs.push_back(LogChoose(K, dx) + LogChoose(N - K, n - dx) - denominator);
  }
  return SumExp(logs);
}

double BinomialUpperTail(std::size_t x, std::size_t n, double p) {
  if (x == 0) return 1.0;
  if (x > n || p <= 0) return 0.0;
  if (p >= 1) return 1.0;
  const double lp = std::log(p), lq = std::log1p(-p);
  std::vector<double> logs;
  for (std::size_t k = x; k <= n; ++k) {
    const double dk = static_cast<double>(k);
    logs.push_back(LogChoose(static_cast<double>(n), dk) + dk * lp + (static_cast<double>(n) - dk) * lq);
  }
  return SumExp(logs);
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p_values[x] < p_values[y]; });
  std::vector<double> q(m, 1.0);
  double running = 1.0;
  for (std::size_t i = m; i-- > 0;) {
    const double candidate = p_values[order[i]] * static_cast<double>(m) / static_cast<double>(i + 1);
    running = std::min(running, candidate);
    q[order[i]] = std::min(1.0, running);
  }
  return q;
}

EnrichmentResult FindOverRepresented(const std::vector<JoinedDocument>& target,
                                     const std::vector<JoinedDocument>& baseline, const RootCauseOptions& options) {
  EnrichmentResult result;
  const std::size_t n1 = target.size(), n2 = baseline.size();
  if (n1 == 0) return result;
  const auto in_target = CountFeatures(target, options.examples);
  const auto in_baseline = CountFeatures(baseline, 0);

  // The family is every feature either set has: choosing it by the target's
  // counts would drop the tests that came out weak and make the others look
  // stronger. Features under min_support are tested (they count in m) but
  // never reported.
  std::map<Feature, Tally> every = in_target;
  for (const auto& [feature, tally] : in_baseline) every.try_emplace(feature);
  std::vector<AttributeFinding> family;
  for (const auto& [feature, tally] : every) {
    const auto it = in_baseline.find(feature);
    const std::size_t b = it == in_baseline.end() ? 0 : it->second.count;
    AttributeFinding f;
    f.attribute = feature.first;
    f.value = feature.second;
    f.target_count = tally.count;
    f.target_size = n1;
    f.baseline_count = b;
    f.baseline_size = n2;
    const double a = static_cast<double>(tally.count);
    f.lift = ((a + 0.5) / (static_cast<double>(n1) + 1)) / ((static_cast<double>(b) + 0.5) / (static_cast<double>(n2) + 1));
    f.g2 = LogLikelihoodRatio(a, static_cast<double>(n1), static_cast<double>(b), static_cast<double>(n2));
    f.p_value = FisherOneSided(tally.count, n1, b, n2);
    f.example_feedback_ids = tally.examples;
    family.push_back(std::move(f));
  }
  result.tested = family.size();
  AssignQValues(family);
  for (AttributeFinding& f : family) {
    const double target_share = static_cast<double>(f.target_count) / static_cast<double>(n1);
    const double baseline_share = n2 ? static_cast<double>(f.baseline_count) / static_cast<double>(n2) : 0.0;
    if (f.target_count < options.min_support || f.q_value > options.max_q_value || f.lift < options.min_lift ||
        target_share <= baseline_share) {
      continue;
    }
    result.findings.push_back(std::move(f));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const AttributeFinding& x, const AttributeFinding& y) {
    if (x.g2 != y.g2) return x.g2 > y.g2;
    if (x.attribute != y.attribute) return x.attribute < y.attribute;
    return x.value < y.value;
  });
  if (options.limit && result.findings.size() > options.limit) result.findings.resize(options.limit);
  return result;
}

RateResult FindHighRates(const std::vector<ExposureUnit>& units, const RootCauseOptions& options) {
  RateResult result;
  result.units = units.size();
  struct Group {
    std::size_t units = 0, events = 0;
    double exposure = 0;
    std::vector<std::string> examples;
  };
  std::map<std::string, Group> groups;
  for (const auto& u : units) {
    result.events += u.feedback_ids.size();
    result.exposure += u.exposure;
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& [attribute, value] : u.attributes) {
      const std::string one = attribute + "=" + value;
      if (seen.insert(one).second) names.push_back(one);
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> keys = names;
    if (options.pairs) {
      for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j) {
          // Two values of one attribute (a multi-valued one) are not a pair worth testing.
          if (names[i].substr(0, names[i].find('=')) == names[j].substr(0, names[j].find('='))) continue;
          keys.push_back(names[i] + " & " + names[j]);
        }
    }
    for (const auto& key : keys) {
      Group& g = groups[key];
      ++g.units;
      g.events += u.feedback_ids.size();
      g.exposure += u.exposure;
      for (const auto& id : u.feedback_ids)
        if (g.examples.size() < options.examples) g.examples.push_back(id);
    }
  }
  std::vector<RateFinding> family;
  for (const auto& [key, g] : groups) {  // every group is tested; only supported ones are reported
    RateFinding f;
    f.group = key;
    f.units = g.units;
    f.events = g.events;
    f.exposure = g.exposure;
    f.other_events = result.events - g.events;
    f.other_exposure = result.exposure - g.exposure;
    if (f.exposure <= 0) continue;
    f.rate = static_cast<double>(f.events) / f.exposure;
    f.other_rate = f.other_exposure > 0 ? static_cast<double>(f.other_events) / f.other_exposure : 0.0;
    f.rate_ratio = f.other_rate > 0 ? f.rate / f.other_rate : std::numeric_limits<double>::infinity();
    const double share = f.exposure / result.exposure;
    f.p_value = BinomialUpperTail(f.events, result.events, share);
    f.example_feedback_ids = g.examples;
    family.push_back(std::move(f));
  }
  result.tested = family.size();
  AssignQValues(family);
  for (RateFinding& f : family) {
    if (f.events < options.min_support || f.q_value > options.max_q_value || f.rate_ratio < options.min_lift) continue;
    result.findings.push_back(std::move(f));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const RateFinding& x, const RateFinding& y) {
    if (x.p_value != y.p_value) return x.p_value < y.p_value;
    return x.group < y.group;
  });
  if (options.limit && result.findings.size() > options.limit) result.findings.resize(options.limit);
  return result;
}

}  // namespace voc::triage
