// The Loop report's figures (issue 12, voc.v1.LoopReport) from plain case
// rows, as of one moment: a pure function, free of storage, gRPC and the
// wall clock, so every rule below is unit-tested on hand-made rows.
//
// "As of" is the report's end (min(now, end of the range)): an
// acknowledgement, callback, resolution, breach or escalation after it is
// not counted, so the report of a past range stays the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/tracking/sla/clock_schedule.h"
#include "voc/v1/reports.pb.h"

namespace voc::tracking {

inline constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
// The hot loop: a detractor is called back within this much wall-clock
// time of the case's opening (inclusive).
inline constexpr std::int64_t kHotLoopWindowMs = kDayMs;

// A logged callback attempt (case_callbacks).
struct LoopCallback {
  std::int64_t time_ms = 0;
  bool reached = false;
};

// One SLA clock of a case: its case_clocks row and, when the SLA sweeper
// fired the clock's breach point, when (sla_fired.fired_ms).
struct LoopClock {
  ClockRow row;
  std::optional<std::int64_t> breach_fired_ms;
};

// What the figures need of one case opened in the range.
struct LoopCaseRow {
  std::string case_id;
  std::string department;  // the primary owner's (case_owners ordinal 0); "" when none
  int kind = 0;            // v1::CaseKind
  std::int64_t create_ms = 0;
  // The "resolved" history entry's time; nullopt while not resolved.
  std::optional<std::int64_t> resolved_ms;
  std::optional<LoopClock> first_response;  // none for a case from before the clocks
  std::optional<LoopClock> resolution;
  std::vector<std::int64_t> escalation_ms;  // the "escalated" history entries' times
  std::vector<LoopCallback> callbacks;
};

// How one clock stands at a moment.
enum class ClockOutcome {
  kPending,  // neither met nor missed yet
  kMet,      // met within its target
  kMissed,   // met late, or past its due unmet
};
ClockOutcome OutcomeAt(const LoopClock& clock, std::int64_t as_of_ms);

// The nearest-rank percentile of `values` (any order): the value at rank
// ceil(percent / 100 * n) of the sorted values, 1-based. 0 when empty.
// percent in (0, 100].
std::int64_t NearestRankPercentile(std::vector<std::int64_t> values, int percent);

// The backlog bucket of an open case of this age: 0 "<1d", 1 "1-3d",
// 2 "3-7d", 3 "7-30d", 4 ">=30d" (lower bound in, upper bound out).
int BacklogBucketOf(std::int64_t age_ms);

// rows, backlog and hot_loop of the report for `cases` as of `as_of_ms`
// (as_of_day and the time zone are the caller's to fill).
v1::LoopReport ComputeLoopFigures(const std::vector<LoopCaseRow>& cases, std::int64_t as_of_ms);

}  // namespace voc::tracking
