// Root-cause drill-down: which terms and attributes (product/model, store,
// region, channel, ...) are over-represented in a target set of feedback (one
// topic or cluster over a time window) against a baseline set.
//
// Statistic, per feature f (a term, or an attribute "name=value"), counting
// documents that contain f at least once:
//                 has f    lacks f
//     target        a      n1 - a
//     baseline      b      n2 - b
//   * Dunning's log-likelihood ratio G^2 = 2 * sum O * ln(O / E) over the four
//     cells (E from the row and column totals); under independence G^2 is
//     chi-square with 1 degree of freedom, so p = erfc(sqrt(G^2 / 2)).
//   * lift = ((a + 0.5) / (n1 + 1)) / ((b + 0.5) / (n2 + 1)) (add-half
//     smoothing so a feature absent from the baseline has a finite lift).
//   A feature is reported when a >= min_support, lift >= min_lift, its target
//   share exceeds its baseline share, and p <= max_p_value; results are
//   sorted by G^2, largest first.
//
// The baseline should not contain the target documents (e.g. the same window
// for other topics, or the previous window for the same topic); if it does,
// the statistic is conservative.
//
// Thread safety: FeatureCounts is not synchronised (build one per request);
// DrillDown is a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace voc::triage {

struct DrillDocument {
  std::vector<std::string> terms;                               // e.g. segmented key words
  std::vector<std::pair<std::string, std::string>> attributes;  // e.g. {"store", "S012"}, {"model", "X5"}
};

// Document frequencies of every feature of a set of documents.
class FeatureCounts {
 public:
  void Add(const DrillDocument& doc);
  // For pre-aggregated counts (e.g. from SQL): `documents` docs in total.
  void AddCount(const std::string& kind, const std::string& value, std::size_t documents_with_feature);
  void AddDocuments(std::size_t documents) { documents_ += documents; }

  std::size_t documents() const { return documents_; }
  // key: kind + '\x1f' + value; kind is "term" for terms, else the attribute name.
  const std::unordered_map<std::string, std::size_t>& counts() const { return counts_; }

 private:
  std::size_t documents_ = 0;
  std::unordered_map<std::string, std::size_t> counts_;
};

struct DrillDownOptions {
  std::size_t min_support = 3;   // target documents with the feature
  double min_lift = 1.5;
  double max_p_value = 0.01;
  std::size_t limit = 20;        // 0: no limit
};

struct OverRepresented {
  std::string kind;              // "term" or the attribute name ("store", "model", ...)
  std::string value;
  std::size_t target_count = 0;
  std::size_t baseline_count = 0;
  double target_share = 0;       // target_count / target documents
  double baseline_share = 0;
  double lift = 0;
  double g2 = 0;
  double p_value = 1;
};

std::vector<OverRepresented> DrillDown(const FeatureCounts& target, const FeatureCounts& baseline,
                                       const DrillDownOptions& options = {});

// Convenience: counts both sets and drills down.
std::vector<OverRepresented> DrillDown(const std::vector<DrillDocument>& target,
                                       const std::vector<DrillDocument>& baseline,
                                       const DrillDownOptions& options = {});

// Dunning's G^2 for the 2x2 table above (0 when a margin is empty).
double LogLikelihoodRatio(double a, double n1, double b, double n2);

}  // namespace voc::triage
