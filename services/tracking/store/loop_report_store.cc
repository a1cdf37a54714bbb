#include "services/tracking/store/loop_report_store.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "common/storage/errors.h"
#include "common/storage/bound_select.h"
#include "common/storage/plan.h"
#include "common/storage/rows.h"
#include "services/tracking/sla_sweeper.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;
using storage::IsNull;

std::optional<std::int64_t> OptInt(const soci::row& r, std::size_t i) {
  if (IsNull(r, i)) return std::nullopt;
  return AsInt(r, i);
}

using storage::BoundSelect;

// "SELECT <select> FROM <from> LEFT JOIN case_owners o ... WHERE <the
// query's cases>": the head every statement shares, so all four read the
// same cases. `from` names cases as c (and what is joined to it).
BoundSelect CasesOf(const LoopCaseQuery& q, const std::string& select, const std::string& from) {
  BoundSelect st;
  st += "SELECT " + select + " FROM " + from;
  st += " LEFT JOIN case_owners o ON o.case_id = c.id AND o.ordinal = 0";
  if (q.case_ids) {
    st += " WHERE c.id IN " + st.ParamList(*q.case_ids);
  } else {
    st += " WHERE c.create_ms >= " + st.Param(static_cast<long long>(q.from_ms));
    st += " AND c.create_ms < " + st.Param(static_cast<long long>(q.to_ms));
  }
  if (q.kind != 0) st += " AND c.kind = " + st.Param(static_cast<long long>(q.kind));
  if (q.departments) st += " AND o.department IN " + st.ParamList(*q.departments);
  return st;
}

// Rows of `table` (aliased x) of the query's cases, by its case_id.
std::string JoinedToCases(const std::string& table) {
  return table + " x JOIN cases c ON c.id = x.case_id";
}

constexpr std::size_t kClockColumnCount = 6;

// The clock whose six columns start at `at`; nullopt when the LEFT JOIN
// found no row (target_ms is NOT NULL in a real one).
std::optional<LoopClock> ReadClock(const soci::row& r, std::size_t at, const std::string& case_id,
                                   const char* clock) {
  if (IsNull(r, at)) return std::nullopt;
  LoopClock k;
  k.row.case_id = case_id;
  k.row.clock = clock;
  k.row.target_ms = AsInt(r, at);
  k.row.used_ms = AsInt(r, at + 1);
  k.row.met_ms = OptInt(r, at + 2);
  k.row.due_ms = OptInt(r, at + 3);
  k.row.paused_since_ms = OptInt(r, at + 4);
  k.row.breached = AsInt(r, at + 5) != 0;
  return k;
}

// The clock columns of ReadClock, of the clock joined as `alias`.
std::string ClockColumnsOf(const std::string& a) {
  return a + ".target_ms, " + a + ".used_ms, " + a + ".met_ms, " + a + ".due_ms, " + a +
         ".paused_since_ms, " + a + ".breached";
}

// The cases with their primary owner and both clocks, in opening order.
BoundSelect CasesWithClocks(const LoopCaseQuery& query) {
  BoundSelect st = CasesOf(
      query,
      "c.id, c.kind, c.create_ms, o.department, " + ClockColumnsOf("fr") + ", " + ClockColumnsOf("rs"),
      "cases c"
      " LEFT JOIN case_clocks fr ON fr.case_id = c.id AND fr.clock = 'first_response'"
      " LEFT JOIN case_clocks rs ON rs.case_id = c.id AND rs.clock = 'resolution'");
  st += " ORDER BY c.create_ms, c.id";
  return st;
}

}  // namespace

storage::Migration LoopReportMigration() {
  return {6,
          "Loop report (issue 12): cases by opening time",
          {
              // GetLoopReport reads the cases opened in a range of days; every
              // other row it needs is found by primary-key prefix (case_id).
              "CREATE INDEX cases_create ON cases (create_ms)",
          }};
}

absl::StatusOr<std::vector<LoopCaseRow>> LoopReportStore::CasesOpened(const LoopCaseQuery& query) {
  return storage::Guarded("reading the cases of a loop report", [&] {
    return db_.WithSession([&](soci::session& s) { return ReadCases(s, query); });
  });
}

std::vector<LoopCaseRow> LoopReportStore::ReadCases(soci::session& s, const LoopCaseQuery& query) {
  if (query.departments && query.departments->empty()) return {};
  if (query.case_ids && query.case_ids->empty()) return {};
  std::vector<LoopCaseRow> cases;
  std::unordered_map<std::string, std::size_t> index;

  const BoundSelect cases_st = CasesWithClocks(query);
  for (const soci::row& r : cases_st.Run(s)) {
    LoopCaseRow row;
    row.case_id = AsString(r, 0);
    row.kind = static_cast<int>(AsInt(r, 1));
    row.create_ms = AsInt(r, 2);
    row.department = AsString(r, 3);
    row.first_response = ReadClock(r, 4, row.case_id, kFirstResponseClock);
    row.resolution = ReadClock(r, 4 + kClockColumnCount, row.case_id, kResolutionClock);
    index.emplace(row.case_id, cases.size());
    cases.push_back(std::move(row));
  }
  if (cases.empty()) return cases;
  auto of = [&](const std::string& case_id) -> LoopCaseRow* {
    const auto it = index.find(case_id);
    return it == index.end() ? nullptr : &cases[it->second];
  };

  BoundSelect callbacks = CasesOf(query, "x.case_id, x.time_ms, x.reached", JoinedToCases("case_callbacks"));
  for (const soci::row& r : callbacks.Run(s)) {
    if (LoopCaseRow* c = of(AsString(r, 0))) c->callbacks.push_back({AsInt(r, 1), AsInt(r, 2) != 0});
  }

  BoundSelect history = CasesOf(query, "x.case_id, x.action, x.time_ms", JoinedToCases("case_history"));
  // One Param per statement: the operands of + are not sequenced, and
  // placeholders must be numbered in the order they are bound.
  const std::string resolved = history.Param(std::string("resolved"));
  const std::string escalated = history.Param(std::string(kEscalationAction));
  history += " AND x.action IN (" + resolved + ", " + escalated + ")";
  for (const soci::row& r : history.Run(s)) {
    LoopCaseRow* c = of(AsString(r, 0));
    if (!c) continue;
    const std::int64_t t = AsInt(r, 2);
    if (AsString(r, 1) == "resolved") {
      // A case is resolved once (no transition leaves RESOLVED but to
      // CLOSED); the earliest entry wins should there be two.
      if (!c->resolved_ms || t < *c->resolved_ms) c->resolved_ms = t;
    } else {
      c->escalation_ms.push_back(t);
    }
  }

  BoundSelect breaches = CasesOf(query, "x.case_id, x.clock, x.fired_ms", JoinedToCases("sla_fired"));
  breaches += " AND x.point = " + breaches.Param(std::string(kBreachPoint));
  for (const soci::row& r : breaches.Run(s)) {
    LoopCaseRow* c = of(AsString(r, 0));
    if (!c) continue;
    const std::string clock = AsString(r, 1);
    std::optional<LoopClock>& k = clock == kFirstResponseClock ? c->first_response : c->resolution;
    if (k && (clock == kFirstResponseClock || clock == kResolutionClock)) k->breach_fired_ms = AsInt(r, 2);
  }
  return cases;
}

namespace {

// The count of CountAwaitingCallbacks; nullopt when nothing can be awaiting.
// Only the last 24 hours' detractor cases can be: the (kind, opening time,
// id) index (migration 12) reads just those, and their ids for the owner
// and callback lookups, without the case rows. The departments are tested
// on each of them ("o.department || ''" keeps SQLite's planner off the
// owners' department index, which reads all of a department's cases).
std::optional<BoundSelect> AwaitingCallbacksSelect(const LoopCaseQuery& query, std::int64_t as_of_ms,
                                                   std::int64_t last_counted_ms) {
  if (query.departments && query.departments->empty()) return std::nullopt;
  if (query.kind != 0 && query.kind != v1::CASE_KIND_DETRACTOR_CALLBACK) return std::nullopt;
  LoopCaseQuery recent = query;
  recent.kind = 0;
  recent.departments.reset();
  recent.from_ms = std::max(query.from_ms, as_of_ms - kHotLoopWindowMs + 1);
  recent.to_ms = std::min(query.to_ms, last_counted_ms + 1);
  if (recent.from_ms >= recent.to_ms) return std::nullopt;
  BoundSelect st = CasesOf(recent, "COUNT(*)", "cases c");
  st += " AND c.kind = " + st.Param(static_cast<long long>(v1::CASE_KIND_DETRACTOR_CALLBACK));
  if (query.departments) st += " AND (o.department || '') IN " + st.ParamList(*query.departments);
  st += " AND NOT EXISTS (SELECT 1 FROM case_callbacks x WHERE x.case_id = c.id AND x.time_ms <= " +
        st.Param(static_cast<long long>(last_counted_ms)) + ")";
  return st;
}

}  // namespace

absl::StatusOr<std::int64_t> LoopReportStore::CountAwaitingCallbacks(const LoopCaseQuery& query,
                                                                     std::int64_t as_of_ms,
                                                                     std::int64_t last_counted_ms) {
  const std::optional<BoundSelect> st = AwaitingCallbacksSelect(query, as_of_ms, last_counted_ms);
  if (!st) return 0;
  return storage::Guarded("counting the loop report's awaiting callbacks", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::int64_t n = 0;
      for (const soci::row& r : st->Run(s)) n = AsInt(r, 0);
      return n;
    });
  });
}

absl::StatusOr<std::string> LoopReportStore::ExplainAwaitingCallbacks(const LoopCaseQuery& query,
                                                                      std::int64_t as_of_ms,
                                                                      std::int64_t last_counted_ms) {
  const std::optional<BoundSelect> st = AwaitingCallbacksSelect(query, as_of_ms, last_counted_ms);
  if (!st) return std::string();
  return storage::Guarded("explaining the loop report's awaiting count", [&] {
    return db_.WithSession([&](soci::session& s) { return storage::PlanText(storage::ExplainPlan(s, *st)); });
  });
}

absl::StatusOr<std::string> LoopReportStore::ExplainCasesOpened(const LoopCaseQuery& query) {
  return storage::Guarded("explaining the loop report's case read", [&] {
    return db_.WithSession([&](soci::session& s) {
      return storage::PlanText(storage::ExplainPlan(s, CasesWithClocks(query)));
    });
  });
}

}  // namespace voc::tracking
