#include "common/reports/proportion.h"

#include <cmath>

namespace voc::reports {

ShareChange TestShareRise(int64_t count, int64_t total, int64_t previous_count, int64_t previous_total,
                          double significance) {
  ShareChange out;
  if (total > 0) out.share = static_cast<double>(count) / static_cast<double>(total);
  if (previous_total > 0) out.previous_share = static_cast<double>(previous_count) / static_cast<double>(previous_total);
  if (total <= 0 || previous_total <= 0 || count < 0 || previous_count < 0 || count > total ||
      previous_count > previous_total)
    return out;
  const double n1 = static_cast<double>(total), n0 = static_cast<double>(previous_total);
  const double pooled = static_cast<double>(count + previous_count) / (n1 + n0);
  if (pooled <= 0 || pooled >= 1) return out;
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  out.z = (out.share - out.previous_share) / se;
  // 1 - Phi(z) = erfc(z / sqrt(2)) / 2.
  out.p_value = 0.5 * std::erfc(out.z / std::sqrt(2.0));
  out.significant_rise = out.p_value < significance;
  return out;
}

}  // namespace voc::reports
