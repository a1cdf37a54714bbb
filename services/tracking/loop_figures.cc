#include "services/tracking/loop_figures.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "common/util/time.h"

namespace voc::tracking {
namespace {

constexpr std::array<const char*, 5> kBacklogLabels = {"<1d", "1-3d", "3-7d", "7-30d", ">=30d"};

double Share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void SetDuration(std::int64_t ms, google::protobuf::Duration* out) {
  *out = ToProto(std::chrono::milliseconds(ms));
}

// One clock's figures of a row, gathered before the shares and percentiles.
struct ClockTally {
  std::int64_t due = 0;
  std::int64_t met = 0;
  std::vector<std::int64_t> used_ms;  // of the clocks met by the report's end

  void Add(const LoopClock& clock, std::int64_t as_of_ms) {
    const ClockOutcome outcome = OutcomeAt(clock, as_of_ms);
    if (outcome == ClockOutcome::kPending) return;
    ++due;
    if (outcome == ClockOutcome::kMet) ++met;
    if (clock.row.met_ms && *clock.row.met_ms <= as_of_ms) used_ms.push_back(clock.row.used_ms);
  }

  void Fill(v1::ClockCompliance* out) const {
    out->set_due(due);
    out->set_met(met);
    out->set_met_share(Share(met, due));
    v1::DurationFigures* used = out->mutable_used();
    used->set_count(static_cast<std::int64_t>(used_ms.size()));
    SetDuration(NearestRankPercentile(used_ms, 50), used->mutable_median());
    SetDuration(NearestRankPercentile(used_ms, 90), used->mutable_p90());
  }
};

struct RowTally {
  std::int64_t opened = 0;
  std::int64_t resolved = 0;
  ClockTally first_response;
  ClockTally resolution;
  std::int64_t breaches = 0;
  std::int64_t escalations = 0;
};

bool BreachRecordedBy(const LoopClock& clock, std::int64_t as_of_ms) {
  // A breached flag without its sla_fired row (none is written apart) has no
  // time: counted, as the flag says it happened.
  return clock.row.breached && (!clock.breach_fired_ms || *clock.breach_fired_ms <= as_of_ms);
}

bool ResolvedBy(const LoopCaseRow& c, std::int64_t as_of_ms) {
  return c.resolved_ms && *c.resolved_ms <= as_of_ms;
}

void AddHotLoop(const LoopCaseRow& c, std::int64_t as_of_ms, v1::HotLoopFigures& hot) {
  hot.set_detractor_cases(hot.detractor_cases() + 1);
  std::optional<std::int64_t> first_attempt;
  bool reached = false;
  for (const LoopCallback& cb : c.callbacks) {
    if (cb.time_ms > as_of_ms) continue;
    if (!first_attempt || cb.time_ms < *first_attempt) first_attempt = cb.time_ms;
    reached = reached || cb.reached;
  }
  if (first_attempt && *first_attempt - c.create_ms <= kHotLoopWindowMs) {
    hot.set_called_back_within_24h(hot.called_back_within_24h() + 1);
  } else if (as_of_ms - c.create_ms < kHotLoopWindowMs) {
    // Its 24 h are not over at the report's end: it may still make it.
    hot.set_awaiting(hot.awaiting() + 1);
  }
  if (reached) hot.set_reached(hot.reached() + 1);
}

}  // namespace

ClockOutcome OutcomeAt(const LoopClock& clock, std::int64_t as_of_ms) {
  const ClockRow& k = clock.row;
  if (k.met_ms && *k.met_ms <= as_of_ms) {
    return k.used_ms <= k.target_ms ? ClockOutcome::kMet : ClockOutcome::kMissed;
  }
  // Not met by the report's end (met later, or not yet).
  if (clock.breach_fired_ms && *clock.breach_fired_ms <= as_of_ms) return ClockOutcome::kMissed;
  // The due a running clock runs against (kept when it is met later): met
  // exactly at it is in time, so only after it is the target missed.
  if (k.due_ms && *k.due_ms < as_of_ms) return ClockOutcome::kMissed;
  // Paused (waiting on the customer) after using more than its target.
  if (k.paused_since_ms && *k.paused_since_ms <= as_of_ms && k.used_ms > k.target_ms) {
    return ClockOutcome::kMissed;
  }
  return ClockOutcome::kPending;
}

std::int64_t NearestRankPercentile(std::vector<std::int64_t> values, int percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  // ceil(percent * n / 100) in integers, at least rank 1.
  std::size_t rank = (static_cast<std::size_t>(percent) * n + 99) / 100;
  rank = std::clamp<std::size_t>(rank, 1, n);
  return values[rank - 1];
}

int BacklogBucketOf(std::int64_t age_ms) {
  if (age_ms < 1 * kDayMs) return 0;
  if (age_ms < 3 * kDayMs) return 1;
  if (age_ms < 7 * kDayMs) return 2;
  if (age_ms < 30 * kDayMs) return 3;
  return 4;
}

v1::LoopReport ComputeLoopFigures(const std::vector<LoopCaseRow>& cases, std::int64_t as_of_ms) {
  std::map<std::pair<std::string, int>, RowTally> rows;  // ordered: department, then kind
  std::array<std::int64_t, kBacklogLabels.size()> backlog{};
  v1::HotLoopFigures hot;

  for (const LoopCaseRow& c : cases) {
    // Opened after the report's end: not in the report (cannot happen for a
    // range read up to now; keeps the function total).
    if (c.create_ms > as_of_ms) continue;
    RowTally& row = rows[{c.department, c.kind}];
    ++row.opened;
    if (ResolvedBy(c, as_of_ms)) {
      ++row.resolved;
    } else {
      ++backlog[BacklogBucketOf(as_of_ms - c.create_ms)];
    }
    for (const auto* clock : {&c.first_response, &c.resolution}) {
      if (!*clock) continue;
      ClockTally& tally = clock == &c.first_response ? row.first_response : row.resolution;
      tally.Add(**clock, as_of_ms);
      if (BreachRecordedBy(**clock, as_of_ms)) ++row.breaches;
    }
    row.escalations += std::count_if(c.escalation_ms.begin(), c.escalation_ms.end(),
                                     [&](std::int64_t t) { return t <= as_of_ms; });
    if (c.kind == v1::CASE_KIND_DETRACTOR_CALLBACK) AddHotLoop(c, as_of_ms, hot);
  }

  v1::LoopReport report;
  for (const auto& [key, tally] : rows) {
    v1::LoopFigures* out = report.add_rows();
    out->set_department(key.first);
    out->set_kind(static_cast<v1::CaseKind>(key.second));
    out->set_opened(tally.opened);
    out->set_resolved(tally.resolved);
    tally.first_response.Fill(out->mutable_first_response());
    tally.resolution.Fill(out->mutable_resolution());
    out->set_breaches(tally.breaches);
    out->set_escalations(tally.escalations);
  }
  for (std::size_t i = 0; i < kBacklogLabels.size(); ++i) {
    v1::BacklogBucket* bucket = report.add_backlog();
    bucket->set_label(kBacklogLabels[i]);
    bucket->set_open(backlog[i]);
  }
  hot.set_rate(Share(hot.called_back_within_24h(), hot.detractor_cases() - hot.awaiting()));
  hot.set_reached_share(Share(hot.reached(), hot.detractor_cases()));
  *report.mutable_hot_loop() = hot;
  return report;
}

}  // namespace voc::tracking
