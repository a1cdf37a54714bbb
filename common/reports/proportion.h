// Did a share rise between two periods? The test behind "topics rising
// fastest" in the voice figures and the digest: a one-sided two-proportion
// z-test with a pooled standard error,
//   H0: p_now = p_before   H1: p_now > p_before
//   z = (p_now - p_before) / sqrt(p(1-p)(1/n_now + 1/n_before)), p = pooled share
//   p-value = 1 - Phi(z).
// Degenerate inputs (an empty period, a count above its total, a pooled share
// of 0 or 1) give z = 0 and p = 1: no rise can be claimed from them.
// Verification's project check asks the opposite question, "did it fall",
// with its own reasons for a degenerate verdict; both use PooledZ and
// NormalUpperTail below, so the two tests cannot drift apart.
#pragma once

#include <cstdint>

namespace voc::reports {

struct ShareChange {
  double share = 0;           // count / total (0 when total is 0)
  double previous_share = 0;  // previous_count / previous_total
  double z = 0;               // positive when the share rose
  double p_value = 1;         // one-sided
  bool significant_rise = false;  // p_value < significance
};

inline constexpr double kDefaultSignificance = 0.05;

// The standard normal upper tail, P(Z >= z).
double NormalUpperTail(double z);

// (count_a / total_a - count_b / total_b) over the pooled standard error
//   sqrt(p(1-p)(1/total_a + 1/total_b)), p = (count_a + count_b) / (total_a + total_b).
// The caller rules out the degenerate inputs first: both totals > 0, counts
// within their totals, and a pooled share strictly between 0 and 1.
double PooledZ(int64_t count_a, int64_t total_a, int64_t count_b, int64_t total_b);

ShareChange TestShareRise(int64_t count, int64_t total, int64_t previous_count, int64_t previous_total,
                          double significance = kDefaultSignificance);

}  // namespace voc::reports
