// The measured effect of a campaign (issue 13): the complaint rate on the
// issue's topic of the contacted customers against the held-out ones, by a
// pooled two-proportion z-test (two-sided) with a 95% Wald interval of the
// difference (contacted - held out). Pure arithmetic: the counts come from
// the caller.
#pragma once

#include <cstdint>
#include <string>

namespace voc::entities::outreach {

struct TwoProportionTest {
  double p1 = 0, p2 = 0;        // rates of group 1 (contacted) and 2 (held out)
  double difference = 0;        // p1 - p2
  double z = 0;
  double p_value = 1;           // two-sided
  double ci_low = 0, ci_high = 0;
  std::string verdict;          // fewer_complaints | more_complaints | no_difference_detected | too_few_customers
};

inline constexpr char kEffectTestName[] =
    "two-proportion z-test (pooled), two-sided, alpha 0.05; 95% Wald interval of the difference of complaint "
    "rates (contacted - held out)";

// x of n in each group. Fewer than `min_group` customers in either group:
// verdict too_few_customers (the statistics still computed when n > 0).
TwoProportionTest CompareProportions(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2,
                                     std::int64_t min_group = 10, double alpha = 0.05);

}  // namespace voc::entities::outreach
