#include "common/reports/proportion.h"

#include <cmath>

namespace voc::reports {

double NormalUpperTail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double PooledZ(int64_t count_a, int64_t total_a, int64_t count_b, int64_t total_b) {
  const double na = static_cast<double>(total_a), nb = static_cast<double>(total_b);
  const double pooled = static_cast<double>(count_a + count_b) / (na + nb);
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  return (static_cast<double>(count_a) / na - static_cast<double>(count_b) / nb) / se;
}

ShareChange TestShareRise(int64_t count, int64_t total, int64_t previous_count, int64_t previous_total,
                          double significance) {
  ShareChange out;
  if (total > 0) out.share = static_cast<double>(count) / static_cast<double>(total);
  if (previous_total > 0) out.previous_share = static_cast<double>(previous_count) / static_cast<double>(previous_total);
  if (total <= 0 || previous_total <= 0 || count < 0 || previous_count < 0 || count > total ||
      previous_count > previous_total)
    return out;
  // A pooled share of 0 or 1: nothing, or everything, in both periods.
  if (count + previous_count == 0 || count + previous_count == total + previous_total) return out;
  out.z = PooledZ(count, total, previous_count, previous_total);
  out.p_value = NormalUpperTail(out.z);
  out.significant_rise = out.p_value < significance;
  return out;
}

}  // namespace voc::reports
