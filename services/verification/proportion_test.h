// The statistics behind a project verification: did the topic's share of
// complaints fall between the window before the project and the window after
// it? Pure functions, no I/O, so the figures can be tested against known values.
#pragma once

#include <cstdint>
#include <string>

#include "common/reports/proportion.h"

namespace voc::verification {

// Negative feedback counted by triage in the two windows.
struct ComplaintCounts {
  std::int64_t before_topic = 0;  // negative feedback on the project's topic, before
  std::int64_t before_total = 0;  // all negative feedback, before
  std::int64_t after_topic = 0;
  std::int64_t after_total = 0;
};

struct ProportionTestResult {
  double before_share = 0;  // before_topic / before_total (0 when before_total is 0)
  double after_share = 0;
  double z_score = 0;       // positive when the share fell
  double p_value = 1;       // one-sided: P(Z >= z) under H0 "the share did not change"
  bool verified = false;    // p_value < significance, and the test was computable
  // Why the test could not be computed (empty when it could). Such a result is
  // never verified: no data is not evidence of improvement.
  std::string not_computable_reason;
};

// One-sided two-proportion z-test with a pooled standard error.
//   H0: p_after = p_before   H1: p_after < p_before (the topic's share fell)
//   z = (p_before - p_after) / sqrt(p(1-p)(1/n_before + 1/n_after)), p = pooled share
//   p-value = 1 - Phi(z); verified when p-value < significance.
// Degenerate inputs never divide by zero; they yield z = 0, p = 1, not verified,
// with a reason:
//   - no negative feedback at all before (no baseline), or after (nothing measured);
//   - a topic count above its total or a negative count (inconsistent figures);
//   - pooled share 0 or 1 (the topic had none, or all, of the complaints in both
//     windows: the share cannot have fallen).
// The normal approximation is rough for small counts (fewer than ~5 topic
// complaints in a window); the summary reports the raw counts so readers can judge.
ProportionTestResult OneSidedTwoProportionTest(const ComplaintCounts& counts, double significance);

// The standard normal upper tail, P(Z >= z), shared with the voice figures.
using reports::NormalUpperTail;

// One sentence stating the figures and the verdict, e.g.
// "Topic logistics: 40/100 negative feedback (40.0%) before vs 10/100 (10.0%)
//  after; z = 4.90, one-sided p = 0.0000 < 0.05: the share fell significantly — verified."
std::string DescribeResult(const std::string& topic, const ComplaintCounts& counts,
                           const ProportionTestResult& result, double significance);

}  // namespace voc::verification
