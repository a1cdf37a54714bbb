// The Loop report's daily roll-up (issue 12: "daily roll-ups maintained as
// data arrives, not recomputed per request"). Each case's events
// (loop_figures.h: LoopEventsOf) are summed into rows keyed by
//   (the case's opening day, its primary owner's department, its kind, the
//    event's day)
// — counters in loop_daily_counts, duration histograms in
// loop_daily_durations — so a report of the cases opened on days [a, b] as
// of day d is a sum over open_day in [a, b] and event_day <= d, whatever
// the number of cases.
//
// How it keeps up: every write that changes what LoopEventsOf reads of a
// case marks the case in loop_rollup_dirty, inside the write's own
// transaction (MarkLoopRollupDirty: one upsert). A refresh (tracking runs
// one every sweep interval) takes marked cases, reads them, and replaces
// their previous events (kept per case in loop_case_events) with their
// current ones, in one transaction. A case changed again while it is being
// refreshed keeps its mark (PostgreSQL: the refresh holds the mark's row
// lock, so the writer's upsert waits and re-creates it; SQLite: one writer
// at a time), so no change is lost; the figures lag the cases by at most
// one refresh.
//
// What a report reads (migrations 11 and 12): the daily rows carry the
// event day so that a past range is "as of" its end, but summing them costs
// as many rows as the cases' events spread over days. So more sums are
// kept, from the same deltas in the same transaction, per block of 1, 2, 4,
// ... or 64 opening days: loop_block_counts (the counters) and
// loop_block_histograms (each duration histogram as one row, its buckets in
// one text, because a row per bucket made a 1,000,000-case report read
// 900,000 rows); and loop_open_counts (the counters per opening day, which
// the backlog is aged by). A report sums those — a 90-day range is at most
// thirteen blocks — and takes back the events after its day from the daily
// rows through their event-day index; for a range that ends today there
// are none.
//
// Days are civil days at the report offset; the offset the rows were made
// with is stored, and a different one at start rebuilds them.
// SQL runs unchanged on SQLite and PostgreSQL; bound parameters only.
#pragma once

#include <absl/status/statusor.h>
#include <soci/soci.h>

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "services/tracking/loop_figures.h"

namespace voc::tracking {

// Migration 8 of schema "tracking": the roll-up's tables, with every case
// already stored marked, so the first refresh builds the rows of a
// database from before the roll-up.
storage::Migration LoopRollupMigration();

// Migration 11: loop_open_counts and loop_block_durations, filled from the
// daily rows already stored.
storage::Migration LoopOpenSumsMigration();

// Migration 12: loop_block_counts (the counters per block) and
// loop_block_histograms (one row per histogram of a block, its buckets as
// one text: histogram_text.h), filled from migration 11's tables; drops
// loop_block_durations; indexes the cases by kind and opening time for the
// awaiting-callback count.
storage::Migration LoopBlockHistogramsMigration();

// The block sizes of loop_block_durations, as powers of two of days.
inline constexpr std::array<int, 7> kLoopBlockSpans = {0, 1, 2, 3, 4, 5, 6};

// Consecutive blocks of one span: opening days
// [first_block << span, ((last_block + 1) << span) - 1].
struct LoopDayBlocks {
  int span = 0;
  std::int64_t first_block = 0;
  std::int64_t last_block = 0;
  bool operator==(const LoopDayBlocks&) const = default;
};
// The fewest blocks that cover the days [first_day, last_day] exactly,
// largest first where they fit, as runs of one span.
std::vector<LoopDayBlocks> LoopDayBlocksCovering(std::int64_t first_day, std::int64_t last_day);

// Marks cases for the next refresh, inside the caller's transaction.
void MarkLoopRollupDirty(soci::session& s, const std::string& case_id);
void MarkLoopRollupDirty(soci::session& s, const std::vector<std::string>& case_ids);

// Which rows a report sums.
struct LoopRollupQuery {
  std::int64_t start_day = 0;  // opening days [start_day, end_day] (LocalDay)
  std::int64_t end_day = 0;
  std::int64_t as_of_day = 0;  // events on or before this day
  int kind = 0;                // v1::CaseKind; 0 = every kind
  // The primary owner's department is one of these; nullopt = any.
  std::optional<std::set<std::string>> departments;
};

struct LoopRollupRebuilt {
  std::int64_t cases = 0;
  std::int64_t count_rows = 0;
  std::int64_t duration_rows = 0;
};

class LoopRollupStore {
 public:
  LoopRollupStore(storage::Database& db, const Clock& clock, int utc_offset_minutes);

  // Refreshes up to `limit` marked cases in one transaction; how many.
  absl::StatusOr<int> RefreshOnce(int limit = 500);
  // Refreshes until no case is marked (or `max_batches` ran); how many.
  absl::StatusOr<std::int64_t> RefreshAll(int max_batches = 1000000);
  // How many cases wait for a refresh.
  absl::StatusOr<std::int64_t> MarkedCases();

  // Empties the roll-up and sums it again from every case, in one
  // transaction reading the cases in chunks; the rows then equal what the
  // refreshes keep (the test says so). Also what a changed report offset
  // needs: EnsureOffset calls it.
  absl::StatusOr<LoopRollupRebuilt> Rebuild();
  // Rebuilds when the rows were made at another offset than this store's.
  absl::Status EnsureOffset();

  // The sums of a report: its rows and backlog (awaiting is the source
  // read's: LoopReportStore::CountAwaitingCallbacks).
  absl::StatusOr<LoopTally> Tally(const LoopRollupQuery& query);

  int utc_offset_minutes() const { return utc_offset_minutes_; }

 private:
  storage::Database& db_;
  const Clock& clock_;
  int utc_offset_minutes_;
};

}  // namespace voc::tracking
