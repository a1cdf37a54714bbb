// Net Promoter Score of a set of 0..10 answers, with a 95 % confidence
// interval, shared by every service that reports NPS (triage's voice
// figures, verification's re-survey outcomes, goals).
//
// Each answer scores +100 (promoter, 9-10), 0 (passive, 7-8) or -100
// (detractor, 0-6); NPS is their mean. The interval is the normal
// approximation on that per-answer score: with shares p (promoters) and
// d (detractors) of n answers, the variance of one score is
// 100² · (p + d − (p − d)²), the standard error its square root over √n,
// and the interval NPS ± 1.96 · SE, clamped to [-100, 100].
// Below `min_answers` the figure is not shown: `shown` is false and the
// score and interval stay 0, so no reader can chart a noisy NPS by mistake.
#pragma once

#include <cstdint>

namespace voc::reports {

struct NpsCounts {
  int64_t promoters = 0;
  int64_t passives = 0;
  int64_t detractors = 0;

  int64_t answers() const { return promoters + passives + detractors; }
  NpsCounts& operator+=(const NpsCounts& other);
};

// The category of one 0..10 answer added to the counts; false (nothing
// counted) when the answer is out of range.
bool CountAnswer(int answer, NpsCounts& counts);

struct NpsFigure {
  NpsCounts counts;
  bool shown = false;
  double nps = 0;      // -100..100
  double ci_low = 0;   // 95 % interval
  double ci_high = 0;
};

// The default minimum of answers before an NPS is shown (config
// reports.nps_min_answers overrides it).
inline constexpr int64_t kDefaultNpsMinAnswers = 30;

NpsFigure ComputeNps(const NpsCounts& counts, int64_t min_answers = kDefaultNpsMinAnswers);

}  // namespace voc::reports
