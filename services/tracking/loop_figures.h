// The Loop report's figures (issue 12, voc.v1.LoopReport), as sums of the
// events of its cases: a pure module, free of storage, gRPC and the wall
// clock, so every rule below is unit-tested on hand-made rows.
//
// A case's figures are a handful of dated events (LoopEventsOf): opened,
// resolved, a clock decided met or missed, a duration met, a breach, an
// escalation, a callback within 24 h, the customer reached. The report of a
// range is the sum of the events of the cases opened in it up to the
// report's end. That is what lets tracking keep the figures as a daily
// roll-up (store/loop_rollup_store.h) summed per request, and what
// ComputeLoopFigures sums from case rows: the reference the roll-up equals.
//
// "As of" is the report's end (min(now, end of the range)): an event after
// it is not counted, so the report of a past range stays the same.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
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

// What the figures need of one case.
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

// When a clock was decided, and how, as far as is known at `known_at_ms`:
//   - met within target: met, at its met moment;
//   - missed at the first of: its met moment when late, its breach the
//     sweeper recorded, its due (once due < known_at: a due still ahead is
//     no miss yet), the pause it entered over its target;
//   - nullopt: undecided.
struct ClockDecision {
  ClockOutcome outcome = ClockOutcome::kPending;
  std::int64_t time_ms = 0;
};
std::optional<ClockDecision> DecisionOf(const LoopClock& clock, std::int64_t known_at_ms);
// The clock's outcome at `as_of_ms`: its decision if made by then.
ClockOutcome OutcomeAt(const LoopClock& clock, std::int64_t as_of_ms);

// ---------------------------------------------------------------- events

// What a case adds to its (department, kind) row of the report. The first
// kLoopCounterCount are counters; the two *Used carry a duration bucket.
enum LoopField : int {
  kLoopOpened = 0,
  kLoopResolved,
  kLoopFirstResponseDue,  // decided (met or missed)
  kLoopFirstResponseMet,  // met within target
  kLoopResolutionDue,
  kLoopResolutionMet,
  kLoopBreaches,             // a breach the sweeper recorded
  kLoopEscalations,          // an escalation level fired
  kLoopCalledBackWithin24h,  // detractor callbacks: the first attempt, within 24 h
  kLoopReached,              // detractor callbacks: the first callback that reached the customer
  kLoopCounterCount,
  kLoopFirstResponseUsed = kLoopCounterCount,  // business time to first response
  kLoopResolutionUsed,                         // business time to resolution
};

struct LoopEvent {
  std::int64_t time_ms = 0;
  LoopField field = kLoopOpened;
  std::int64_t bucket_ms = 0;  // *Used: DurationBucket of the business time; else 0
  bool operator==(const LoopEvent&) const = default;
};

// Every event of `c` known at `known_at_ms` (the moment they are computed;
// see DecisionOf), in no particular order. The events of a case only grow
// as time passes, except when the case itself changes (a reassignment
// moves them to another department; a reopened clock loses its decision):
// the roll-up then takes the old ones back and adds the new.
std::vector<LoopEvent> LoopEventsOf(const LoopCaseRow& c, std::int64_t known_at_ms);

// Durations are kept as a histogram: a bucket spans 1/16 of its power of
// two (values below 32 ms are exact), so a percentile read from it, the
// bucket's middle, is within 3.2 % of the exact one. DurationBucket is the bucket's lower
// bound; DurationBucketMidpoint what a percentile in it reports.
std::int64_t DurationBucket(std::int64_t ms);
std::int64_t DurationBucketMidpoint(std::int64_t bucket_ms);

// The civil day (days since 1970-01-01) of a moment at the report offset.
std::int64_t LocalDay(std::int64_t ms, int utc_offset_minutes);

// ---------------------------------------------------------------- tallies

// The sums of one (department, kind) row.
struct LoopRowTally {
  std::array<std::int64_t, kLoopCounterCount> counters{};
  std::map<std::int64_t, std::int64_t> first_response_used;  // bucket -> clocks
  std::map<std::int64_t, std::int64_t> resolution_used;

  void Add(const LoopEvent& e, std::int64_t n = 1);
};

// What a report sums: the rows (ordered: department, then kind), the
// backlog, and the detractor cases still inside their 24 h.
struct LoopTally {
  std::map<std::pair<std::string, int>, LoopRowTally> rows;
  std::array<std::int64_t, 5> backlog{};  // by BacklogBucketOfDays
  std::int64_t awaiting = 0;
};

// The nearest-rank percentile of a histogram (bucket -> count): the bucket
// holding rank ceil(percent / 100 * n) of the n values (1-based), reported
// as DurationBucketMidpoint. 0 when empty. percent in (0, 100].
std::int64_t HistogramPercentile(const std::map<std::int64_t, std::int64_t>& histogram, int percent);

// The backlog bucket of an open case opened `age_days` local days before
// the report's end day: 0 "<1d" (opened that day), 1 "1-3d" (1 or 2 days
// before), 2 "3-7d", 3 "7-30d", 4 ">=30d".
int BacklogBucketOfDays(std::int64_t age_days);

// rows, backlog and hot_loop of a report from its tally (as_of_day and the
// time zone are the caller's to fill).
v1::LoopReport FiguresOf(const LoopTally& tally);

// The report of `cases` as of `as_of_ms` at the report offset, summed from
// the rows themselves: an event counts when it happened by as_of_ms and on
// or before the local day of the last millisecond before it (for a past
// range, whose end is a midnight: before the end). The reference the daily
// roll-up equals, and the rules' unit-tested form.
v1::LoopReport ComputeLoopFigures(const std::vector<LoopCaseRow>& cases, std::int64_t as_of_ms,
                                  int utc_offset_minutes);

}  // namespace voc::tracking
