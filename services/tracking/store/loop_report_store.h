// The Loop report's reads (issue 12): the cases opened in a range with their
// primary owner's department, both SLA clocks, the clocks' recorded
// breaches, callbacks, and the "resolved" / "escalated" history entries, as
// plain rows (services/tracking/loop_figures.h computes the figures).
//
// Four statements, each driven by the range of cases(create_ms) (index
// cases_create, tracking migration 6) and joined by primary key to the rows
// of those cases; the filters (kind, departments) are the same in each.
// They are separate reads, not one snapshot: a case changed between them
// may show its newer state in the later ones.
// SQL runs unchanged on SQLite and PostgreSQL; bound parameters only.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/tracking/loop_figures.h"

namespace voc::tracking {

// Migration 6 of schema "tracking" (appended to TrackingMigrations()).
storage::Migration LoopReportMigration();

// Which cases a report (or the roll-up's refresh) reads.
struct LoopCaseQuery {
  std::int64_t from_ms = 0;  // create_ms >= from_ms
  std::int64_t to_ms = 0;    // create_ms < to_ms
  // When set: these cases, whenever opened (from_ms and to_ms are unused).
  std::optional<std::vector<std::string>> case_ids;
  int kind = 0;              // v1::CaseKind; 0 = every kind
  // The primary owner's department is one of these; nullopt = any (cases
  // without an owner included).
  std::optional<std::set<std::string>> departments;
};

class LoopReportStore {
 public:
  explicit LoopReportStore(storage::Database& db) : db_(db) {}

  // Ordered by create_ms, then id. UNAVAILABLE when the database is.
  absl::StatusOr<std::vector<LoopCaseRow>> CasesOpened(const LoopCaseQuery& query);
  // The same read inside the caller's session (the roll-up's transaction).
  static std::vector<LoopCaseRow> ReadCases(soci::session& s, const LoopCaseQuery& query);
  // The detractor-callback cases of `query` (its range, departments, and
  // kind when it names one) opened less than 24 h before `as_of_ms` with
  // no callback logged at or before `last_counted_ms`: the hot loop's
  // "awaiting", read from the cases (a day's worth at most) because it
  // turns on the hour, not the day. UNAVAILABLE when the database is.
  absl::StatusOr<std::int64_t> CountAwaitingCallbacks(const LoopCaseQuery& query, std::int64_t as_of_ms,
                                                      std::int64_t last_counted_ms);
  // The plan of CasesOpened's first statement (EXPLAIN QUERY PLAN on SQLite,
  // EXPLAIN on PostgreSQL), one line per plan row: for the test that checks
  // it reads cases_create rather than every case.
  // The plan of CountAwaitingCallbacks' statement ("" when it runs none).
  absl::StatusOr<std::string> ExplainAwaitingCallbacks(const LoopCaseQuery& query, std::int64_t as_of_ms,
                                                       std::int64_t last_counted_ms);
  absl::StatusOr<std::string> ExplainCasesOpened(const LoopCaseQuery& query);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
