// The Loop report's figures (services/tracking/loop_figures.h) on hand-made
// case rows; every expected value is worked out by hand in the comments.
#include "services/tracking/loop_figures.h"

#include <gtest/gtest.h>

#include "common/util/time.h"

#include <cstdlib>
#include <map>

namespace voc::tracking {
namespace {

constexpr std::int64_t kH = 60LL * 60 * 1000;  // an hour
constexpr std::int64_t kD = 24 * kH;
// The report's end in these tests: an arbitrary moment.
constexpr std::int64_t kAsOf = 1780000000000LL;

LoopClock Clock(std::int64_t target_ms) {
  LoopClock k;
  k.row.target_ms = target_ms;
  return k;
}
LoopClock Met(std::int64_t target_ms, std::int64_t used_ms, std::int64_t met_ms) {
  LoopClock k = Clock(target_ms);
  k.row.used_ms = used_ms;
  k.row.met_ms = met_ms;
  return k;
}
LoopClock Running(std::int64_t target_ms, std::int64_t due_ms) {
  LoopClock k = Clock(target_ms);
  k.row.due_ms = due_ms;
  return k;
}

LoopCaseRow Case(const std::string& department, v1::CaseKind kind, std::int64_t create_ms) {
  LoopCaseRow c;
  c.case_id = "c-" + std::to_string(create_ms);
  c.department = department;
  c.kind = kind;
  c.create_ms = create_ms;
  return c;
}

std::int64_t Ms(const google::protobuf::Duration& d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(d)).count();
}

// What a percentile reports for an exact duration: its bucket's middle.
std::int64_t Mid(std::int64_t ms) { return DurationBucketMidpoint(DurationBucket(ms)); }

TEST(DurationBucketTest, SixteenBucketsAPowerOfTwoExactBelow32Ms) {
  EXPECT_EQ(DurationBucket(0), 0);
  EXPECT_EQ(DurationBucket(31), 31);
  EXPECT_EQ(DurationBucketMidpoint(31), 31);
  // [32, 64): buckets 2 ms wide.
  EXPECT_EQ(DurationBucket(32), 32);
  EXPECT_EQ(DurationBucket(33), 32);
  EXPECT_EQ(DurationBucket(34), 34);
  EXPECT_EQ(DurationBucketMidpoint(32), 33);
  // 2 h = 7,200,000 ms in [2^22, 2^23): buckets of 2^18 = 262,144 ms;
  // 7,200,000 / 262,144 = 27.47, so [27, 28) x 262,144.
  EXPECT_EQ(DurationBucket(2 * kH), 27 * 262144);
  EXPECT_EQ(DurationBucketMidpoint(27 * 262144), 27 * 262144 + 131072);
  // Every value's reported middle is within 1/32 of it.
  for (std::int64_t v = 32; v < 90 * kD; v = v * 17 / 16 + 1) {
    const std::int64_t mid = Mid(v);
    EXPECT_LE(std::abs(mid - v) * 32, v) << v;
    EXPECT_EQ(DurationBucket(mid), DurationBucket(v)) << v;
  }
}

TEST(HistogramPercentileTest, PicksTheBucketAtRankCeilOfPTimesN) {
  // Values under 32 ms are their own buckets, so these are exact.
  // n = 5: median rank ceil(2.5) = 3, p90 rank ceil(4.5) = 5.
  const std::map<std::int64_t, std::int64_t> five = {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}};
  EXPECT_EQ(HistogramPercentile(five, 50), 3);
  EXPECT_EQ(HistogramPercentile(five, 90), 5);
  // n = 4: median rank 2 (the lower middle), p90 rank ceil(3.6) = 4.
  const std::map<std::int64_t, std::int64_t> four = {{5, 1}, {10, 1}, {15, 1}, {20, 1}};
  EXPECT_EQ(HistogramPercentile(four, 50), 10);
  EXPECT_EQ(HistogramPercentile(four, 90), 20);
  // Counts: 10 values, 9 of them 1 ms and one 30 ms: p90 rank 9 = 1 ms.
  EXPECT_EQ(HistogramPercentile({{1, 9}, {30, 1}}, 90), 1);
  EXPECT_EQ(HistogramPercentile({{1, 8}, {30, 2}}, 90), 30);
  // A larger value reports its bucket's middle.
  EXPECT_EQ(HistogramPercentile({{DurationBucket(2 * kH), 1}}, 50), Mid(2 * kH));
  EXPECT_EQ(HistogramPercentile({}, 50), 0);
}

TEST(BacklogBucketTest, AgesInWholeDaysHoldTheirLowerBoundAndNotTheirUpper) {
  EXPECT_EQ(BacklogBucketOfDays(0), 0);
  EXPECT_EQ(BacklogBucketOfDays(1), 1);
  EXPECT_EQ(BacklogBucketOfDays(2), 1);
  EXPECT_EQ(BacklogBucketOfDays(3), 2);
  EXPECT_EQ(BacklogBucketOfDays(6), 2);
  EXPECT_EQ(BacklogBucketOfDays(7), 3);
  EXPECT_EQ(BacklogBucketOfDays(29), 3);
  EXPECT_EQ(BacklogBucketOfDays(30), 4);
}

TEST(LoopEventsTest, ADueStillAheadIsNoMissUntilItPasses) {
  LoopCaseRow c = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - kD);
  c.first_response = Running(8 * kH, kAsOf);
  auto due_events = [&](std::int64_t known_at) {
    int n = 0;
    for (const LoopEvent& e : LoopEventsOf(c, known_at)) n += e.field == kLoopFirstResponseDue;
    return n;
  };
  EXPECT_EQ(due_events(kAsOf), 0);  // due exactly now: not missed yet
  EXPECT_EQ(due_events(kAsOf + 1), 1);
  // Once missed, the event is dated at the due, whenever it is computed.
  for (const LoopEvent& e : LoopEventsOf(c, kAsOf + kD)) {
    if (e.field == kLoopFirstResponseDue) EXPECT_EQ(e.time_ms, kAsOf);
  }
  // A met clock: due and met at its met moment, its duration bucketed.
  c.first_response = Met(8 * kH, 2 * kH, kAsOf - kD + 2 * kH);
  const std::vector<LoopEvent> met = LoopEventsOf(c, kAsOf);
  const std::vector<LoopEvent> expected = {
      {kAsOf - kD, kLoopOpened, 0},
      {kAsOf - kD + 2 * kH, kLoopFirstResponseDue, 0},
      {kAsOf - kD + 2 * kH, kLoopFirstResponseMet, 0},
      {kAsOf - kD + 2 * kH, kLoopFirstResponseUsed, DurationBucket(2 * kH)}};
  EXPECT_EQ(met, expected);
}

TEST(LocalDayTest, CountsCivilDaysAtTheOffset) {
  // 1970-01-01T16:00Z is the 2nd at UTC+8, the 1st at UTC.
  EXPECT_EQ(LocalDay(16 * kH, 0), 0);
  EXPECT_EQ(LocalDay(16 * kH, 480), 1);
  EXPECT_EQ(LocalDay(16 * kH - 1, 480), 0);
  EXPECT_EQ(LocalDay(-1, 0), -1);
}

TEST(ClockOutcomeTest, IsDecidedAsOfTheReportsEnd) {
  // Met by the end: within target (used == target is in time) or late.
  EXPECT_EQ(OutcomeAt(Met(8 * kH, 8 * kH, kAsOf), kAsOf), ClockOutcome::kMet);
  EXPECT_EQ(OutcomeAt(Met(8 * kH, 8 * kH + 1, kAsOf - kH), kAsOf), ClockOutcome::kMissed);
  // Met after the end, in time: undecided at the end.
  LoopClock later = Met(8 * kH, 2 * kH, kAsOf + kH);
  later.row.due_ms = kAsOf + 6 * kH;
  EXPECT_EQ(OutcomeAt(later, kAsOf), ClockOutcome::kPending);
  // Met after the end, late, against a due before the end: missed by then.
  LoopClock late = Met(8 * kH, 9 * kH, kAsOf + kH);
  late.row.due_ms = kAsOf - 1;
  EXPECT_EQ(OutcomeAt(late, kAsOf), ClockOutcome::kMissed);
  // Running: due exactly at the end is not missed yet; a millisecond before is.
  EXPECT_EQ(OutcomeAt(Running(8 * kH, kAsOf), kAsOf), ClockOutcome::kPending);
  EXPECT_EQ(OutcomeAt(Running(8 * kH, kAsOf - 1), kAsOf), ClockOutcome::kMissed);
  // Paused over its target (before the end) is missed; under it, pending.
  LoopClock paused = Clock(8 * kH);
  paused.row.used_ms = 9 * kH;
  paused.row.paused_since_ms = kAsOf - kD;
  EXPECT_EQ(OutcomeAt(paused, kAsOf), ClockOutcome::kMissed);
  paused.row.used_ms = 7 * kH;
  EXPECT_EQ(OutcomeAt(paused, kAsOf), ClockOutcome::kPending);
  // A breach the sweeper recorded by the end decides it; one after does not.
  paused.breach_fired_ms = kAsOf;
  EXPECT_EQ(OutcomeAt(paused, kAsOf), ClockOutcome::kMissed);
  paused.breach_fired_ms = kAsOf + 1;
  EXPECT_EQ(OutcomeAt(paused, kAsOf), ClockOutcome::kPending);
}

TEST(LoopFiguresTest, ComplianceAndDurationsPerDepartmentAndKind) {
  std::vector<LoopCaseRow> cases;
  // logistics complaints, 8 h first response, 16 h resolution:
  //   A: acknowledged after 2 h, resolved after 10 h (both in time)
  //   B: acknowledged after 9 h (late), resolved after 20 h (late)
  //   C: acknowledged after 4 h; resolution running, due before the end
  //      (missed), sweeper breach recorded, two escalation levels
  //   D: acknowledged after 6 h; resolution running, due after the end
  //   E: acknowledged after the end (not counted: running then, due later)
  LoopCaseRow a = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - 10 * kD);
  a.first_response = Met(8 * kH, 2 * kH, a.create_ms + 2 * kH);
  a.resolution = Met(16 * kH, 10 * kH, a.create_ms + 2 * kD);
  a.resolved_ms = a.create_ms + 2 * kD;
  LoopCaseRow b = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - 9 * kD);
  b.first_response = Met(8 * kH, 9 * kH, b.create_ms + kD);
  b.first_response->row.breached = true;
  b.first_response->breach_fired_ms = b.create_ms + 20 * kH;
  b.resolution = Met(16 * kH, 20 * kH, b.create_ms + 3 * kD);
  b.resolved_ms = b.create_ms + 3 * kD;
  LoopCaseRow c = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - 8 * kD);
  c.first_response = Met(8 * kH, 4 * kH, c.create_ms + 4 * kH);
  c.resolution = Running(16 * kH, kAsOf - kD);
  c.resolution->row.breached = true;
  c.resolution->breach_fired_ms = kAsOf - kD;
  c.escalation_ms = {kAsOf - kD, kAsOf - kD + 4 * kH, kAsOf + kH /* after the end */};
  LoopCaseRow d = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - 2 * kD);
  d.first_response = Met(8 * kH, 6 * kH, d.create_ms + 6 * kH);
  d.resolution = Running(16 * kH, kAsOf + kD);
  LoopCaseRow e = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf - 2 * kH);
  e.first_response = Met(8 * kH, 3 * kH, kAsOf + kH);
  e.first_response->row.due_ms = kAsOf + 6 * kH;
  e.resolution = Running(16 * kH, kAsOf + 2 * kD);
  // A red line of app_engineering, resolved after the end: still open then.
  LoopCaseRow r = Case("app_engineering", v1::CASE_KIND_RED_LINE, kAsOf - 40 * kD);
  r.first_response = Met(kH, kH / 2, r.create_ms + kH / 2);
  r.resolution = Met(4 * kH, 3 * kH, kAsOf + kH);
  r.resolution->row.due_ms = kAsOf + 2 * kH;
  r.resolved_ms = kAsOf + kH;
  // Opened after the end: ignored.
  LoopCaseRow future = Case("logistics", v1::CASE_KIND_COMPLAINT, kAsOf + 1);
  cases = {e, d, c, b, a, r, future};

  const v1::LoopReport report = ComputeLoopFigures(cases, kAsOf, 0);
  ASSERT_EQ(report.rows_size(), 2);
  // Sorted by department: app_engineering first.
  const v1::LoopFigures& app = report.rows(0);
  EXPECT_EQ(app.department(), "app_engineering");
  EXPECT_EQ(app.kind(), v1::CASE_KIND_RED_LINE);
  EXPECT_EQ(app.opened(), 1);
  EXPECT_EQ(app.resolved(), 0);
  EXPECT_EQ(app.first_response().due(), 1);
  EXPECT_EQ(app.first_response().met(), 1);
  EXPECT_DOUBLE_EQ(app.first_response().met_share(), 1.0);
  EXPECT_EQ(Ms(app.first_response().used().median()), Mid(kH / 2));
  EXPECT_EQ(app.resolution().due(), 0);  // met after the end, due after it
  EXPECT_EQ(app.resolution().used().count(), 0);
  EXPECT_DOUBLE_EQ(app.resolution().met_share(), 0.0);

  const v1::LoopFigures& log = report.rows(1);
  EXPECT_EQ(log.department(), "logistics");
  EXPECT_EQ(log.kind(), v1::CASE_KIND_COMPLAINT);
  EXPECT_EQ(log.opened(), 5);    // a b c d e
  EXPECT_EQ(log.resolved(), 2);  // a b
  // First response: a b c d met by the end (b late), e pending: due 4, met 3.
  EXPECT_EQ(log.first_response().due(), 4);
  EXPECT_EQ(log.first_response().met(), 3);
  EXPECT_DOUBLE_EQ(log.first_response().met_share(), 0.75);
  // MTTA over {2, 9, 4, 6} h: sorted {2, 4, 6, 9}; median rank 2 = 4 h,
  // p90 rank ceil(3.6) = 4 = 9 h.
  EXPECT_EQ(log.first_response().used().count(), 4);
  EXPECT_EQ(Ms(log.first_response().used().median()), Mid(4 * kH));
  EXPECT_EQ(Ms(log.first_response().used().p90()), Mid(9 * kH));
  // Resolution: a met, b late, c missed (due passed), d and e pending.
  EXPECT_EQ(log.resolution().due(), 3);
  EXPECT_EQ(log.resolution().met(), 1);
  EXPECT_DOUBLE_EQ(log.resolution().met_share(), 1.0 / 3.0);
  // MTTR over the met ones {10, 20} h: median rank 1 = 10 h, p90 rank 2 = 20 h.
  EXPECT_EQ(log.resolution().used().count(), 2);
  EXPECT_EQ(Ms(log.resolution().used().median()), Mid(10 * kH));
  EXPECT_EQ(Ms(log.resolution().used().p90()), Mid(20 * kH));
  EXPECT_EQ(log.breaches(), 2);     // b's first response, c's resolution
  EXPECT_EQ(log.escalations(), 2);  // c's two before the end

  // Backlog at the end (20:26 UTC), in days since the opening day: c 8 ->
  // "7-30d", d 2 -> "1-3d", e the same day -> "<1d", r 40 -> ">=30d"
  // (resolved only after the end).
  ASSERT_EQ(report.backlog_size(), 5);
  const std::vector<std::pair<std::string, std::int64_t>> expected = {
      {"<1d", 1}, {"1-3d", 1}, {"3-7d", 0}, {"7-30d", 1}, {">=30d", 1}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(report.backlog(i).label(), expected[i].first);
    EXPECT_EQ(report.backlog(i).open(), expected[i].second) << expected[i].first;
  }
  EXPECT_EQ(report.hot_loop().detractor_cases(), 0);
  EXPECT_DOUBLE_EQ(report.hot_loop().rate(), 0.0);
}

TEST(LoopFiguresTest, HotLoopCountsCallbacksWithin24HoursWallClock) {
  const std::int64_t open = kAsOf - 5 * kD;
  auto detractor = [&](std::int64_t create_ms, std::vector<LoopCallback> callbacks) {
    LoopCaseRow c = Case("customer_success", v1::CASE_KIND_DETRACTOR_CALLBACK, create_ms);
    c.callbacks = std::move(callbacks);
    return c;
  };
  std::vector<LoopCaseRow> cases = {
      detractor(open, {{open + 24 * kH, true}}),                          // exactly 24 h: in, reached
      detractor(open + 1, {{open + 1 + 24 * kH + 1, true}}),               // 24 h + 1 ms: out, reached
      detractor(open + 2, {{open + 2 + kH, false}, {open + 2 + 2 * kD, true}}),  // in (first attempt), reached
      detractor(open + 3, {}),                                             // never called: out
      detractor(kAsOf - 2 * kH, {}),                                       // 2 h old, not yet: awaiting
      detractor(kAsOf - 3 * kH, {{kAsOf + kH, true}}),                     // called after the end: awaiting
      detractor(kAsOf - kH, {{kAsOf - kH / 2, false}}),                     // young but called: in
  };
  // A complaint with a callback is not a detractor case.
  LoopCaseRow complaint = Case("customer_success", v1::CASE_KIND_COMPLAINT, open);
  complaint.callbacks = {{open + kH, true}};
  cases.push_back(complaint);

  const v1::HotLoopFigures hot = ComputeLoopFigures(cases, kAsOf, 0).hot_loop();
  EXPECT_EQ(hot.detractor_cases(), 7);
  EXPECT_EQ(hot.called_back_within_24h(), 3);
  EXPECT_EQ(hot.awaiting(), 2);
  // 3 of the 7 - 2 = 5 decided.
  EXPECT_DOUBLE_EQ(hot.rate(), 3.0 / 5.0);
  // Reached by the end: the first three (the sixth's is after the end).
  EXPECT_EQ(hot.reached(), 3);
  EXPECT_DOUBLE_EQ(hot.reached_share(), 3.0 / 7.0);
}

TEST(LoopFiguresTest, NoCasesGiveZerosAndEveryBucket) {
  const v1::LoopReport report = ComputeLoopFigures({}, kAsOf, 0);
  EXPECT_EQ(report.rows_size(), 0);
  ASSERT_EQ(report.backlog_size(), 5);
  for (const auto& b : report.backlog()) EXPECT_EQ(b.open(), 0);
  EXPECT_EQ(report.hot_loop().detractor_cases(), 0);
  EXPECT_DOUBLE_EQ(report.hot_loop().rate(), 0.0);
  EXPECT_DOUBLE_EQ(report.hot_loop().reached_share(), 0.0);
}

}  // namespace
}  // namespace voc::tracking
