// Root causes in joined operational data (issue 13, "Drill-down over joined
// attributes"): which attribute values of the entities a feedback links to
// (a vehicle's production batch, an order's carrier, the app build) are
// over-represented among a target set of feedback (a topic, a cluster or a
// weak signal over a window) against the window's other feedback, and which
// groups of exposure units (store-days, vehicles) have a complaint *rate*
// above the rest.
//
// Enrichment, per feature f = (attribute, value), counting documents that
// have f at least once:
//                 has f    lacks f
//     target        a      n1 - a
//     baseline      b      n2 - b
//   * p: Fisher's exact test, one-sided (over-representation): the
//     hypergeometric probability P(X >= a) of drawing n1 documents out of
//     n1 + n2 of which a + b have f. Exact, so a value three target
//     documents have and no baseline document has is not over-stated as the
//     chi-square approximation of G^2 would.
//   * G^2 (Dunning's log-likelihood ratio, drilldown.h) and lift
//     (add-half smoothed, as the word-level drill-down) are reported as the
//     effect's size; findings are sorted by G^2.
//   * The family: every feature the target or the baseline has (choosing it
//     by the target's counts would drop the weak tests and flatter the
//     rest). Benjamini-Hochberg over that family gives each its q-value; a
//     feature is reported when a >= min_support, q <= max_q_value,
//     lift >= min_lift and its target share exceeds its baseline share.
//     Under no cause at all this reports anything in at most about
//     max_q_value of datasets.
//
// Rates with an exposure, per group g (an attribute value of the exposure
// units, or a pair of two attributes' values: "store=S07 and
// staff_on_shift=2"): x1 events over exposure e1 in g, x2 over e2 in the
// other units. Under equal rates, x1 given x1 + x2 is
// Binomial(x1 + x2, e1 / (e1 + e2)) (the exact conditional test of two
// Poisson rates); p = P(X >= x1), one-sided; rate ratio (x1/e1)/(x2/e2).
// Benjamini-Hochberg over every group; reported when x1 >= min_support,
// q <= max_q_value and the rate ratio >= min_lift.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace voc::triage {

// One feedback with the attributes joined to it ("vehicle.production_batch"
// = "B-2026-07", "feedback.app_version" = "5.2.0"). An attribute may appear
// with several values (a customer owning two cars); each counts once.
struct JoinedDocument {
  std::string feedback_id;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct RootCauseOptions {
  std::size_t min_support = 3;  // target documents (or events) with the feature
  double min_lift = 1.5;        // lift (enrichment) or rate ratio (rates)
  double max_q_value = 0.05;    // Benjamini-Hochberg level
  std::size_t examples = 5;     // example feedback ids per finding
  std::size_t limit = 50;       // 0: no limit
  bool pairs = true;            // rates: also test pairs of attribute values
};

struct AttributeFinding {
  std::string attribute;
  std::string value;
  std::size_t target_count = 0;
  std::size_t target_size = 0;
  std::size_t baseline_count = 0;
  std::size_t baseline_size = 0;
  double lift = 0;
  double g2 = 0;
  double p_value = 1;
  double q_value = 1;
  std::vector<std::string> example_feedback_ids;  // target documents with the feature, in input order
};

struct EnrichmentResult {
  std::size_t tested = 0;  // features in the Benjamini-Hochberg family (m)
  std::vector<AttributeFinding> findings;
};

EnrichmentResult FindOverRepresented(const std::vector<JoinedDocument>& target,
                                     const std::vector<JoinedDocument>& baseline,
                                     const RootCauseOptions& options = {});

// One exposure unit (a store-day, a vehicle) with its attributes, its
// exposure (visitors, 1 per vehicle) and the target feedback linked to it.
struct ExposureUnit {
  std::string unit;  // its key, for examples
  std::vector<std::pair<std::string, std::string>> attributes;
  double exposure = 1;
  std::vector<std::string> feedback_ids;  // the events
};

struct RateFinding {
  std::string group;  // "store=S07" or "store=S07 & staff_on_shift=2"
  std::size_t units = 0;
  std::size_t events = 0;
  double exposure = 0;
  std::size_t other_events = 0;
  double other_exposure = 0;
  double rate = 0;        // events / exposure
  double other_rate = 0;
  double rate_ratio = 0;  // rate / other_rate (infinity when the others have none)
  double p_value = 1;
  double q_value = 1;
  std::vector<std::string> example_feedback_ids;
};

struct RateResult {
  std::size_t tested = 0;
  std::size_t units = 0;
  std::size_t events = 0;
  double exposure = 0;
  std::vector<RateFinding> findings;  // by p-value, smallest first
};

RateResult FindHighRates(const std::vector<ExposureUnit>& units, const RootCauseOptions& options = {});

// The pieces, exposed for tests and reuse.
// P(X >= a) for X hypergeometric: n1 draws from n1 + n2 items of which a + b are marked.
double FisherOneSided(std::size_t a, std::size_t n1, std::size_t b, std::size_t n2);
// P(X >= x) for X ~ Binomial(n, p).
double BinomialUpperTail(std::size_t x, std::size_t n, double p);
// Benjamini-Hochberg q-values, in the order of `p_values`.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values);

}  // namespace voc::triage
