#include "common/reports/nps.h"

#include <algorithm>
#include <cmath>

namespace voc::reports {

NpsCounts& NpsCounts::operator+=(const NpsCounts& other) {
  promoters += other.promoters;
  passives += other.passives;
  detractors += other.detractors;
  return *this;
}

bool CountAnswer(int answer, NpsCounts& counts) {
  if (answer < 0 || answer > 10) return false;
  if (answer >= 9) {
    ++counts.promoters;
  } else if (answer >= 7) {
    ++counts.passives;
  } else {
    ++counts.detractors;
  }
  return true;
}

NpsFigure ComputeNps(const NpsCounts& counts, int64_t min_answers) {
  NpsFigure figure;
  figure.counts = counts;
  const int64_t n = counts.answers();
  // At least one answer even when the minimum is configured as 0: an NPS of
  // nothing is undefined, not zero.
  if (n == 0 || n < min_answers) return figure;
  const double p = static_cast<double>(counts.promoters) / static_cast<double>(n);
  const double d = static_cast<double>(counts.detractors) / static_cast<double>(n);
  const double score_variance = 100.0 * 100.0 * std::max(0.0, p + d - (p - d) * (p - d));
  const double standard_error = std::sqrt(score_variance / static_cast<double>(n));
  constexpr double kZ95 = 1.959963984540054;
  figure.shown = true;
  figure.nps = 100.0 * (p - d);
  figure.ci_low = std::max(-100.0, figure.nps - kZ95 * standard_error);
  figure.ci_high = std::min(100.0, figure.nps + kZ95 * standard_error);
  return figure;
}

}  // namespace voc::reports
