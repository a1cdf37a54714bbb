#include "services/tracking/loop_figures.h"

#include <algorithm>
#include <bit>

#include "common/util/time.h"

namespace voc::tracking {
namespace {

constexpr std::array<const char*, 5> kBacklogLabels = {"<1d", "1-3d", "3-7d", "7-30d", ">=30d"};
constexpr std::int64_t kMinuteMs = 60 * 1000;
// Sub-buckets per power of two: 2^kMantissaBits.
constexpr int kMantissaBits = 4;

double Share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void SetDuration(std::int64_t ms, google::protobuf::Duration* out) {
  *out = ToProto(std::chrono::milliseconds(ms));
}

// floor(a / b) for b > 0, also for a < 0.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

void MinInto(std::optional<std::int64_t>& at, std::int64_t t) {
  if (!at || t < *at) at = t;
}

void FillClock(const LoopRowTally& t, LoopField due, LoopField met,
               const std::map<std::int64_t, std::int64_t>& used, v1::ClockCompliance* out) {
  out->set_due(t.counters[due]);
  out->set_met(t.counters[met]);
  out->set_met_share(Share(t.counters[met], t.counters[due]));
  v1::DurationFigures* figures = out->mutable_used();
  std::int64_t count = 0;
  for (const auto& [bucket, n] : used) count += n;
  figures->set_count(count);
  SetDuration(HistogramPercentile(used, 50), figures->mutable_median());
  SetDuration(HistogramPercentile(used, 90), figures->mutable_p90());
}

void AddClockEvents(const std::optional<LoopClock>& clock, bool first_response, std::int64_t create_ms,
                    std::int64_t known_at_ms, std::vector<LoopEvent>& out) {
  if (!clock) return;
  const LoopField due = first_response ? kLoopFirstResponseDue : kLoopResolutionDue;
  const LoopField met = first_response ? kLoopFirstResponseMet : kLoopResolutionMet;
  const LoopField used = first_response ? kLoopFirstResponseUsed : kLoopResolutionUsed;
  if (const std::optional<ClockDecision> d = DecisionOf(*clock, known_at_ms)) {
    out.push_back({d->time_ms, due, 0});
    if (d->outcome == ClockOutcome::kMet) out.push_back({d->time_ms, met, 0});
  }
  // MTTA / MTTR: every met clock, in time or late, when it was met.
  if (clock->row.met_ms) out.push_back({*clock->row.met_ms, used, DurationBucket(clock->row.used_ms)});
  // A breached flag without its sla_fired row (none is written apart) has
  // no time: counted from the opening, as the flag says it happened.
  if (clock->row.breached) out.push_back({clock->breach_fired_ms.value_or(create_ms), kLoopBreaches, 0});
}

}  // namespace

std::optional<ClockDecision> DecisionOf(const LoopClock& clock, std::int64_t known_at_ms) {
  const ClockRow& k = clock.row;
  if (k.met_ms && k.used_ms <= k.target_ms) return ClockDecision{ClockOutcome::kMet, *k.met_ms};
  std::optional<std::int64_t> missed;
  if (k.met_ms) MinInto(missed, *k.met_ms);  // met late
  if (clock.breach_fired_ms) MinInto(missed, *clock.breach_fired_ms);
  // The due a running clock runs against (kept when it is met later): met
  // exactly at it is in time, so only once past it is the target missed.
  if (k.due_ms && *k.due_ms < known_at_ms) MinInto(missed, *k.due_ms);
  // Paused (waiting on the customer) after using more than its target.
  if (k.paused_since_ms && k.used_ms > k.target_ms) MinInto(missed, *k.paused_since_ms);
  if (!missed) return std::nullopt;
  return ClockDecision{ClockOutcome::kMissed, *missed};
}

ClockOutcome OutcomeAt(const LoopClock& clock, std::int64_t as_of_ms) {
  const std::optional<ClockDecision> d = DecisionOf(clock, as_of_ms);
  return d && d->time_ms <= as_of_ms ? d->outcome : ClockOutcome::kPending;
}

std::vector<LoopEvent> LoopEventsOf(const LoopCaseRow& c, std::int64_t known_at_ms) {
  std::vector<LoopEvent> out;
  out.push_back({c.create_ms, kLoopOpened, 0});
  if (c.resolved_ms) out.push_back({*c.resolved_ms, kLoopResolved, 0});
  AddClockEvents(c.first_response, true, c.create_ms, known_at_ms, out);
  AddClockEvents(c.resolution, false, c.create_ms, known_at_ms, out);
  for (const std::int64_t t : c.escalation_ms) out.push_back({t, kLoopEscalations, 0});
  if (c.kind == v1::CASE_KIND_DETRACTOR_CALLBACK) {
    std::optional<std::int64_t> first_attempt, first_reached;
    for (const LoopCallback& cb : c.callbacks) {
      MinInto(first_attempt, cb.time_ms);
      if (cb.reached) MinInto(first_reached, cb.time_ms);
    }
    if (first_attempt && *first_attempt - c.create_ms <= kHotLoopWindowMs) {
      out.push_back({*first_attempt, kLoopCalledBackWithin24h, 0});
    }
    if (first_reached) out.push_back({*first_reached, kLoopReached, 0});
  }
  return out;
}

std::int64_t DurationBucket(std::int64_t ms) {
  if (ms < (2LL << kMantissaBits)) return std::max<std::int64_t>(ms, 0);
  // Keep the top kMantissaBits + 1 bits.
  const int width = std::bit_width(static_cast<std::uint64_t>(ms));
  const int drop = width - 1 - kMantissaBits;
  return (ms >> drop) << drop;
}

std::int64_t DurationBucketMidpoint(std::int64_t bucket_ms) {
  if (bucket_ms < (2LL << kMantissaBits)) return bucket_ms;
  const int width = std::bit_width(static_cast<std::uint64_t>(bucket_ms));
  const int drop = width - 1 - kMantissaBits;
  return bucket_ms + ((1LL << drop) >> 1);
}

std::int64_t LocalDay(std::int64_t ms, int utc_offset_minutes) {
  return FloorDiv(ms + utc_offset_minutes * kMinuteMs, kDayMs);
}

void LoopRowTally::Add(const LoopEvent& e, std::int64_t n) {
  if (e.field < kLoopCounterCount) {
    counters[e.field] += n;
  } else {
    auto& histogram = e.field == kLoopFirstResponseUsed ? first_response_used : resolution_used;
    if ((histogram[e.bucket_ms] += n) == 0) histogram.erase(e.bucket_ms);
  }
}

std::int64_t HistogramPercentile(const std::map<std::int64_t, std::int64_t>& histogram, int percent) {
  std::int64_t n = 0;
  for (const auto& [bucket, count] : histogram) n += std::max<std::int64_t>(count, 0);
  if (n == 0) return 0;
  // ceil(percent * n / 100) in integers, at least rank 1.
  const std::int64_t rank = std::clamp<std::int64_t>((percent * n + 99) / 100, 1, n);
  std::int64_t seen = 0;
  for (const auto& [bucket, count] : histogram) {
    seen += std::max<std::int64_t>(count, 0);
    if (seen >= rank) return DurationBucketMidpoint(bucket);
  }
  return DurationBucketMidpoint(histogram.rbegin()->first);
}

int BacklogBucketOfDays(std::int64_t age_days) {
  if (age_days < 1) return 0;
  if (age_days < 3) return 1;
  if (age_days < 7) return 2;
  if (age_days < 30) return 3;
  return 4;
}

v1::LoopReport FiguresOf(const LoopTally& tally) {
  v1::LoopReport report;
  v1::HotLoopFigures hot;
  for (const auto& [key, t] : tally.rows) {
    if (t.counters[kLoopOpened] <= 0) continue;  // every case of the row moved away
    v1::LoopFigures* out = report.add_rows();
    out->set_department(key.first);
    out->set_kind(static_cast<v1::CaseKind>(key.second));
    out->set_opened(t.counters[kLoopOpened]);
    out->set_resolved(t.counters[kLoopResolved]);
    FillClock(t, kLoopFirstResponseDue, kLoopFirstResponseMet, t.first_response_used,
              out->mutable_first_response());
    FillClock(t, kLoopResolutionDue, kLoopResolutionMet, t.resolution_used, out->mutable_resolution());
    out->set_breaches(t.counters[kLoopBreaches]);
    out->set_escalations(t.counters[kLoopEscalations]);
    if (key.second == v1::CASE_KIND_DETRACTOR_CALLBACK) {
      hot.set_detractor_cases(hot.detractor_cases() + t.counters[kLoopOpened]);
      hot.set_called_back_within_24h(hot.called_back_within_24h() + t.counters[kLoopCalledBackWithin24h]);
      hot.set_reached(hot.reached() + t.counters[kLoopReached]);
    }
  }
  for (std::size_t i = 0; i < kBacklogLabels.size(); ++i) {
    v1::BacklogBucket* bucket = report.add_backlog();
    bucket->set_label(kBacklogLabels[i]);
    bucket->set_open(tally.backlog[i]);
  }
  hot.set_awaiting(tally.awaiting);
  hot.set_rate(Share(hot.called_back_within_24h(), hot.detractor_cases() - hot.awaiting()));
  hot.set_reached_share(Share(hot.reached(), hot.detractor_cases()));
  *report.mutable_hot_loop() = hot;
  return report;
}

v1::LoopReport ComputeLoopFigures(const std::vector<LoopCaseRow>& cases, std::int64_t as_of_ms,
                                  int utc_offset_minutes) {
  const std::int64_t as_of_day = LocalDay(as_of_ms - 1, utc_offset_minutes);
  auto counted = [&](std::int64_t t) { return t <= as_of_ms && LocalDay(t, utc_offset_minutes) <= as_of_day; };
  LoopTally tally;
  for (const LoopCaseRow& c : cases) {
    // Opened after the report's end: not in the report (cannot happen for a
    // range read up to now; keeps the function total).
    if (!counted(c.create_ms)) continue;
    LoopRowTally& row = tally.rows[{c.department, c.kind}];
    bool resolved = false, called = false;
    for (const LoopEvent& e : LoopEventsOf(c, as_of_ms)) {
      if (!counted(e.time_ms)) continue;
      row.Add(e);
      resolved = resolved || e.field == kLoopResolved;
    }
    for (const LoopCallback& cb : c.callbacks) called = called || counted(cb.time_ms);
    if (!resolved) ++tally.backlog[BacklogBucketOfDays(as_of_day - LocalDay(c.create_ms, utc_offset_minutes))];
    if (c.kind == v1::CASE_KIND_DETRACTOR_CALLBACK && !called && as_of_ms - c.create_ms < kHotLoopWindowMs) {
      ++tally.awaiting;
    }
  }
  return FiguresOf(tally);
}

}  // namespace voc::tracking
