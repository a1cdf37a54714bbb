#include "services/entities/outreach/effect.h"

#include <cmath>

namespace voc::entities::outreach {

TwoProportionTest CompareProportions(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2,
                                     std::int64_t min_group, double alpha) {
  TwoProportionTest t;
  if (n1 > 0) t.p1 = static_cast<double>(x1) / static_cast<double>(n1);
  if (n2 > 0) t.p2 = static_cast<double>(x2) / static_cast<double>(n2);
  t.difference = t.p1 - t.p2;
  if (n1 > 0 && n2 > 0) {
    const double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
    const double se0 = std::sqrt(pooled * (1 - pooled) * (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
    if (se0 > 0) {
      t.z = t.difference / se0;
      t.p_value = std::erfc(std::fabs(t.z) / std::sqrt(2.0));
    }
    constexpr double kZ975 = 1.959963984540054;
    const double se = std::sqrt(t.p1 * (1 - t.p1) / static_cast<double>(n1) + t.p2 * (1 - t.p2) / static_cast<double>(n2));
    t.ci_low = t.difference - kZ975 * se;
    t.ci_high = t.difference + kZ975 * se;
  }
  if (n1 < min_group || n2 < min_group) {
    t.verdict = "too_few_customers";
  } else if (t.p_value < alpha) {
    t.verdict = t.difference < 0 ? "fewer_complaints" : "more_complaints";
  } else {
    t.verdict = "no_difference_detected";
  }
  return t;
}

}  // namespace voc::entities::outreach
