#include "services/tracking/store/worklist_query.h"

#include <algorithm>
#include <unordered_map>

#include "common/storage/backend.h"
#include "common/storage/bound_select.h"
#include "common/storage/plan.h"
#include "common/storage/rows.h"
#include "common/util/time.h"

namespace voc::tracking {
namespace {

using storage::AsInt;
using storage::AsString;

constexpr int kOpenStates[] = {v1::CASE_STATE_OPEN, v1::CASE_STATE_ACKNOWLEDGED,
                               v1::CASE_STATE_IN_PROGRESS, v1::CASE_STATE_WAITING_ON_CUSTOMER};
constexpr int kDoneStates[] = {v1::CASE_STATE_RESOLVED, v1::CASE_STATE_CLOSED};

using storage::BoundSelect;

// One index range: the cases in `state` due before as_of, from as_of on, or
// at any time.
enum class Due { kBefore, kFrom, kAny };
struct Range {
  int state;
  Due due;
};

// Which index reads the list, and the filters left to check row by row.
class WorklistQuery {
 public:
  // sqlite: the session's backend is SQLite (its planner needs a hint below).
  WorklistQuery(const CaseFilter& f, bool sqlite) : f_(f), sqlite_(sqlite) {
    if (f.due_clock == v1::DUE_CLOCK_FIRST_RESPONSE) due_ = "first_response_due_ms";
    if (f.due_clock == v1::DUE_CLOCK_RESOLUTION) due_ = "resolution_due_ms";
    if (due_ != "due_ms") {
      // Only the state, department and person indexes exist per clock
      // (migration 3); feedback, customer and kind are then residuals.
      if (!f.owner.empty()) {
        driver_ = Driver::kPerson;
      } else if (!f.department.empty()) {
        driver_ = Driver::kDepartment;
      }
    } else if (!f.feedback_id.empty()) {
      driver_ = Driver::kFeedback;
    } else if (!f.customer_id.empty()) {
      driver_ = Driver::kCustomer;
    } else if (!f.owner.empty()) {
      driver_ = Driver::kPerson;
    } else if (!f.department.empty()) {
      driver_ = Driver::kDepartment;
    } else if (f.kind != 0) {
      driver_ = Driver::kKind;
    }
  }

  // The ranges of bucket 0 (overdue at as_of) and of bucket 1 (the rest).
  std::vector<Range> OverdueRanges() const {
    std::vector<Range> out;
    for (int state : kOpenStates) {
      if (Wanted(state)) out.push_back({state, Due::kBefore});
    }
    return out;
  }
  std::vector<Range> RestRanges() const {
    std::vector<Range> out;
    if (f_.overdue_only) return out;
    for (int state : kOpenStates) {
      if (Wanted(state)) out.push_back({state, Due::kFrom});
    }
    if (f_.open_only) return out;
    for (int state : kDoneStates) {
      if (Wanted(state)) out.push_back({state, Due::kAny});
    }
    return out;
  }

  // (id, due_ms) of at most `limit` cases of `range` in (due_ms, id) order,
  // strictly after `after` when given.
  void AppendSelect(BoundSelect& q, const Range& range, std::int64_t as_of_ms, int limit,
                    const std::optional<CaseListKey>& after) const {
    AppendRange(q, range, as_of_ms);
    if (after) {
      // A row value: both planners seek the index to it.
      // (Two statements: the placeholders must be numbered in text order.)
      const std::string after_due = q.Param(static_cast<long long>(after->due_ms));
      q.Append(" AND (" + DueColumn() + ", " + IdColumn() + ") > (" + after_due + ", " + q.Param(after->id) + ")");
    }
    AppendResiduals(q, IdColumn());
    q.Append(" ORDER BY " + DueColumn() + ", " + IdColumn() + " LIMIT " + std::to_string(limit));
  }

  // (id, due_ms) of every case of `range` that the filter keeps, unordered:
  // the arm of CountWorklist. A case with two owner rows in one department
  // gives two identical rows, which the count's UNION folds into one.
  void AppendMatching(BoundSelect& q, const Range& range, std::int64_t as_of_ms) const {
    AppendRange(q, range, as_of_ms);
    AppendResiduals(q, IdColumn());
  }

 private:
  enum class Driver { kNone, kFeedback, kCustomer, kPerson, kDepartment, kKind };

  bool ByOwner() const { return driver_ == Driver::kPerson || driver_ == Driver::kDepartment; }
  // The case id and the due column of the table whose index is read.
  std::string Table() const { return ByOwner() ? "o." : "c."; }
  std::string IdColumn() const { return ByOwner() ? "o.case_id" : "c.id"; }
  std::string DueColumn() const { return Table() + due_; }

  // SELECT (id, due) FROM the driving table WHERE its index column, the
  // range's state and its side of as_of.
  void AppendRange(BoundSelect& q, const Range& range, std::int64_t as_of_ms) const {
    if (ByOwner()) {
      q.Append("SELECT o.case_id, " + DueColumn() + " FROM case_owners o WHERE ");
      q.Append(driver_ == Driver::kPerson ? "o.person = " + q.Param(f_.owner)
                                          : "o.department = " + q.Param(f_.department));
    } else {
      q.Append("SELECT c.id, " + DueColumn() + " FROM cases c WHERE ");
      switch (driver_) {
        case Driver::kFeedback: q.Append("c.feedback_id = " + q.Param(f_.feedback_id)); break;
        case Driver::kCustomer: q.Append("c.customer_id = " + q.Param(f_.customer_id)); break;
        case Driver::kKind: q.Append("c.kind = " + q.Param(static_cast<long long>(f_.kind))); break;
        default: q.Append("1 = 1"); break;
      }
    }
    q.Append(" AND " + Table() + "state = " + q.Param(static_cast<long long>(range.state)));
    if (range.due == Due::kBefore) q.Append(" AND " + DueColumn() + " < " + q.Param(as_of_ms));
    if (range.due == Due::kFrom) q.Append(" AND " + DueColumn() + " >= " + q.Param(as_of_ms));
  }

  bool Wanted(int state) const { return f_.state == 0 || f_.state == state; }

  // The filters the driving index does not cover, checked on each row it
  // returns by a lookup by primary key (the case row, or its owner rows).
  // They are correlated scalar subqueries, not joins or EXISTS, on purpose:
  // PostgreSQL turns a join or an EXISTS into a hash join over a full scan
  // of the other table whenever it misjudges how many rows the filter keeps
  // (a red-line-only department looked like 2 % red line to it), and then
  // sorts; a scalar subquery stays a per-row lookup in index order.
  void AppendResiduals(BoundSelect& q, const std::string& id) const {
    const bool by_owner = driver_ == Driver::kPerson || driver_ == Driver::kDepartment;
    if (driver_ != Driver::kFeedback && !f_.feedback_id.empty()) {
      const std::string feedback =
          by_owner ? "(SELECT k.feedback_id FROM cases k WHERE k.id = o.case_id)" : "c.feedback_id";
      q.Append(" AND " + feedback + " = " + q.Param(f_.feedback_id));
    }
    if (driver_ != Driver::kCustomer && !f_.customer_id.empty()) {
      const std::string customer =
          by_owner ? "(SELECT k.customer_id FROM cases k WHERE k.id = o.case_id)" : "c.customer_id";
      q.Append(" AND " + customer + " = " + q.Param(f_.customer_id));
    }
    if (driver_ != Driver::kKind && f_.kind != 0) {
      const std::string kind = by_owner ? "(SELECT k.kind FROM cases k WHERE k.id = o.case_id)" : "c.kind";
      q.Append(" AND " + kind + " = " + q.Param(static_cast<long long>(f_.kind)));
    }
    // Issue 12: opened in a time range (the backlog's age buckets). On SQLite
    // tested on each row of the list's index ("+c.create_ms"): its planner
    // would otherwise take the (kind, create_ms, id) index of the Loop
    // report's awaiting count for a kind's list and sort the page.
    // PostgreSQL's planner costs the list index right by itself, and an
    // expression there would blind its estimates.
    const std::string created = by_owner ? "(SELECT k.create_ms FROM cases k WHERE k.id = o.case_id)"
                                         : (sqlite_ ? "+c.create_ms" : "c.create_ms");
    if (f_.opened_from_ms) {
      q.Append(" AND " + created + " >= " + q.Param(static_cast<long long>(*f_.opened_from_ms)));
    }
    if (f_.opened_before_ms) {
      q.Append(" AND " + created + " < " + q.Param(static_cast<long long>(*f_.opened_before_ms)));
    }
    if (!f_.owner.empty() && driver_ != Driver::kPerson) {
      q.Append(" AND (SELECT COUNT(*) FROM case_owners op WHERE op.case_id = " + id +
               " AND op.person = " + q.Param(f_.owner) + ") > 0");
    }
    if (!f_.department.empty() && driver_ != Driver::kDepartment) {
      q.Append(" AND (SELECT COUNT(*) FROM case_owners od WHERE od.case_id = " + id +
               " AND od.department = " + q.Param(f_.department) + ") > 0");
    }
    if (f_.visible) {
      // Issue 9: the caller's view, when a narrower index drives the list
      // (ReadWorklistPage reads a view-wide list by the view's own indexes).
      const CaseView& v = *f_.visible;
      q.Append(" AND (SELECT COUNT(*) FROM case_owners ov WHERE ov.case_id = " + id + " AND (");
      std::string either;
      if (!v.departments.empty()) {
        q.Append("ov.department IN (");
        for (std::size_t i = 0; i < v.departments.size(); ++i) {
          q.Append((i ? ", " : "") + q.Param(v.departments[i]));
        }
        q.Append(")");
      }
      if (!v.person.empty()) {
        q.Append((v.departments.empty() ? "" : " OR ") + std::string("ov.person = ") +
                 q.Param(v.person));
      }
      q.Append(")) > 0");
    }
  }

  const CaseFilter& f_;
  bool sqlite_ = false;
  Driver driver_ = Driver::kNone;
  // The due column the list orders by (the same name on cases and
  // case_owners).
  std::string due_ = "due_ms";
};

// Up to `need` distinct cases of one range after `after`. A case with two
// owners in one department has two rows with the same key in that
// department's index; they are adjacent, and a repeat is skipped (and read
// past, so a page is never cut short by one).
std::vector<CaseListKey> ReadRange(soci::session& s, const WorklistQuery& query, const Range& range,
                                   int bucket, std::int64_t as_of_ms, int need,
                                   std::optional<CaseListKey> after) {
  std::vector<CaseListKey> out;
  while (static_cast<int>(out.size()) < need) {
    const int asked = need - static_cast<int>(out.size());
    int read = 0;
    // Kept alive while the rows are read: soci binds the values by reference.
    BoundSelect select;
    query.AppendSelect(select, range, as_of_ms, asked, after);
    soci::rowset<soci::row> rows = select.Run(s);
    for (const soci::row& r : rows) {
      ++read;
      CaseListKey key{bucket, AsInt(r, 1), AsString(r, 0)};
      if (!out.empty() && out.back().id == key.id) continue;
      out.push_back(std::move(key));
    }
    if (read < asked || out.empty()) break;
    after = out.back();
  }
  return out;
}

bool ListOrder(const CaseListKey& a, const CaseListKey& b) {
  if (a.due_ms != b.due_ms) return a.due_ms < b.due_ms;
  return a.id < b.id;
}

// The cursor within `bucket`: the page cursor when it lies in that bucket,
// none (from the start) when it lies before it.
std::optional<CaseListKey> CursorIn(int bucket, const std::optional<CaseListKey>& after) {
  if (after && after->bucket == bucket) return after;
  return std::nullopt;
}

// Whether a walk whose cursor is `after` still has `bucket` ahead of it.
bool BucketAhead(int bucket, const std::optional<CaseListKey>& after) {
  return !after || after->bucket <= bucket;
}

// One range read for a page, and what it returned.
struct Arm {
  Range range;
  int bucket;
  std::optional<CaseListKey> after;
  int read = 0;
  std::vector<CaseListKey> keys;
};

std::vector<Arm> PageArms(const WorklistQuery& query, const std::optional<CaseListKey>& after) {
  std::vector<Arm> arms;
  for (int bucket : {0, 1}) {
    if (!BucketAhead(bucket, after)) continue;
    for (const Range& range : bucket == 0 ? query.OverdueRanges() : query.RestRanges()) {
      arms.push_back({range, bucket, CursorIn(bucket, after)});
    }
  }
  return arms;
}

// Every range of the page in one statement (one round trip to PostgreSQL):
// each range is its own ORDER BY ... LIMIT subquery, read from its index;
// the rows say which range they came from and are merged here, so the
// database sorts nothing.
BoundSelect PageSelect(const WorklistQuery& query, const std::vector<Arm>& arms,
                       std::int64_t as_of_ms, int limit) {
  BoundSelect q;
  for (std::size_t k = 0; k < arms.size(); ++k) {
    const std::string alias = "w" + std::to_string(k);
    if (k > 0) q.Append(" UNION ALL ");
    q.Append("SELECT " + std::to_string(k) + ", " + alias + ".* FROM (");
    query.AppendSelect(q, arms[k].range, as_of_ms, limit, arms[k].after);
    q.Append(") " + alias);
  }
  return q;
}

// The first `need` keys of the arms of `bucket`, merged. The arms hold
// disjoint cases (one state each).
std::vector<CaseListKey> MergeBucket(std::vector<Arm>& arms, int bucket, int need) {
  std::vector<CaseListKey> merged;
  for (Arm& arm : arms) {
    if (arm.bucket != bucket) continue;
    std::vector<CaseListKey> next;
    next.reserve(merged.size() + arm.keys.size());
    std::merge(std::make_move_iterator(merged.begin()), std::make_move_iterator(merged.end()),
               std::make_move_iterator(arm.keys.begin()), std::make_move_iterator(arm.keys.end()),
               std::back_inserter(next), ListOrder);
    if (static_cast<int>(next.size()) > need) next.resize(need);
    merged = std::move(next);
  }
  return merged;
}


// One page for `filter`, read by the index of its most selective filter.
std::vector<CaseListKey> ReadPage(soci::session& s, const CaseFilter& filter,
                                  std::int64_t as_of_ms, int limit,
                                  const std::optional<CaseListKey>& after) {
  const WorklistQuery query(filter, storage::IsSqlite(s));
  std::vector<Arm> arms = PageArms(query, after);
  if (arms.empty() || limit <= 0) return {};
  {
    const BoundSelect select = PageSelect(query, arms, as_of_ms, limit);
    soci::rowset<soci::row> rows = select.Run(s);
    for (const soci::row& r : rows) {
      Arm& arm = arms.at(static_cast<std::size_t>(AsInt(r, 0)));
      ++arm.read;
      arm.keys.push_back({arm.bucket, AsInt(r, 2), AsString(r, 1)});
    }
  }
  for (Arm& arm : arms) {
    // A case with two owners in one department has two rows with the same
    // key in that department's index: sorted, they are adjacent, and the
    // repeat goes. A full range that lost a repeat is read on past it, so a
    // page is never cut short by one.
    std::sort(arm.keys.begin(), arm.keys.end(), ListOrder);
    arm.keys.erase(std::unique(arm.keys.begin(), arm.keys.end(),
                               [](const CaseListKey& a, const CaseListKey& b) { return a.id == b.id; }),
                   arm.keys.end());
    const int distinct = static_cast<int>(arm.keys.size());
    if (arm.read == limit && distinct < limit) {
      auto more = ReadRange(s, query, arm.range, arm.bucket, as_of_ms, limit - distinct, arm.keys.back());
      arm.keys.insert(arm.keys.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
  }
  std::vector<CaseListKey> page = MergeBucket(arms, 0, limit);
  auto rest = MergeBucket(arms, 1, limit - static_cast<int>(page.size()));
  page.insert(page.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return page;
}

// Issue 9: a page of the caller's view. A filter that names one of the
// view's departments or the caller as owner is inside the view already; a
// filter with a selective index of its own (another department or person,
// a feedback or customer id) checks the view row by row; any other list
// (the caller's whole worklist, by state or kind) is the union of one list
// per department of the view and one of the cases the caller owns, each
// read by its index and merged here: the first `limit` distinct cases of
// the union are among the first `limit` of some part.
std::vector<CaseListKey> ReadVisiblePage(soci::session& s, const CaseFilter& filter,
                                         std::int64_t as_of_ms, int limit,
                                         const std::optional<CaseListKey>& after) {
  const CaseView& view = *filter.visible;
  if (view.departments.empty() && view.person.empty()) return {};
  CaseFilter inside = filter;
  inside.visible.reset();
  const bool names_view_department =
      !filter.department.empty() && std::find(view.departments.begin(), view.departments.end(),
                                              filter.department) != view.departments.end();
  const bool names_caller = !filter.owner.empty() && filter.owner == view.person;
  if (names_view_department || names_caller) return ReadPage(s, inside, as_of_ms, limit, after);
  const bool by_clock = filter.due_clock != v1::DUE_CLOCK_NEAREST;
  const bool selective = !filter.department.empty() || !filter.owner.empty() ||
                         (!by_clock && (!filter.feedback_id.empty() || !filter.customer_id.empty()));
  if (selective) return ReadPage(s, filter, as_of_ms, limit, after);
  std::vector<CaseFilter> parts;
  for (const std::string& department : view.departments) {
    parts.push_back(inside);
    parts.back().department = department;
  }
  if (!view.person.empty()) {
    parts.push_back(inside);
    parts.back().owner = view.person;
  }
  std::vector<CaseListKey> merged;
  for (const CaseFilter& part : parts) {
    std::vector<CaseListKey> page = ReadPage(s, part, as_of_ms, limit, after);
    merged.insert(merged.end(), std::make_move_iterator(page.begin()),
                  std::make_move_iterator(page.end()));
  }
  std::sort(merged.begin(), merged.end(), [](const CaseListKey& a, const CaseListKey& b) {
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    return ListOrder(a, b);
  });
  // A case in two parts (two of the view's departments, or owned by the
  // caller inside one) has the same key in both: adjacent once sorted.
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const CaseListKey& a, const CaseListKey& b) { return a.id == b.id; }),
               merged.end());
  if (static_cast<int>(merged.size()) > limit) merged.resize(limit);
  return merged;
}

}  // namespace

std::vector<CaseListKey> ReadWorklistPage(soci::session& s, const CaseFilter& filter,
                                          std::int64_t as_of_ms, int limit,
                                          const std::optional<CaseListKey>& after) {
  if (limit <= 0) return {};
  if (filter.visible) return ReadVisiblePage(s, filter, as_of_ms, limit, after);
  return ReadPage(s, filter, as_of_ms, limit, after);
}

std::int64_t CountWorklist(soci::session& s, const CaseFilter& filter, std::int64_t as_of_ms) {
  if (filter.visible && filter.visible->departments.empty() && filter.visible->person.empty()) return 0;
  // The view, when set, is checked row by row (AppendResiduals): a count
  // reads every matching case once, so the per-part reading of
  // ReadVisiblePage, which exists to keep a page's reads short, buys nothing.
  const WorklistQuery query(filter, storage::IsSqlite(s));
  std::vector<Range> ranges = query.OverdueRanges();
  for (const Range& r : query.RestRanges()) ranges.push_back(r);
  if (ranges.empty()) return 0;
  BoundSelect q;
  q.Append("SELECT COUNT(*) FROM (");
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    if (k > 0) q.Append(" UNION ");
    query.AppendMatching(q, ranges[k], as_of_ms);
  }
  q.Append(") matching");
  soci::rowset<soci::row> rows = q.Run(s);
  for (const soci::row& r : rows) return AsInt(r, 0);
  return 0;
}

std::vector<std::string> ExplainWorklistPage(soci::session& s, const CaseFilter& filter, std::int64_t as_of_ms,
                                             int limit, const std::optional<CaseListKey>& after) {
  const WorklistQuery query(filter, storage::IsSqlite(s));
  const std::vector<Arm> arms = PageArms(query, after);
  if (arms.empty()) return {};
  return {storage::PlanText(storage::ExplainPlan(s, PageSelect(query, arms, as_of_ms, limit)))};
}

namespace {

constexpr char kWriteOwnerListKeys[] =
    "UPDATE case_owners SET"
    " state = (SELECT c.state FROM cases c WHERE c.id = case_owners.case_id),"
    " due_ms = (SELECT c.due_ms FROM cases c WHERE c.id = case_owners.case_id),"
    " first_response_due_ms ="
    " (SELECT c.first_response_due_ms FROM cases c WHERE c.id = case_owners.case_id),"
    " resolution_due_ms ="
    " (SELECT c.resolution_due_ms FROM cases c WHERE c.id = case_owners.case_id)"
    " WHERE case_id = :id";

}  // namespace

void WriteOwnerListKeys(soci::session& s, const std::string& case_id) {
  s << kWriteOwnerListKeys, soci::use(case_id);
}

void WriteOwnerListKeys(soci::session& s, const std::vector<std::string>& case_ids) {
  if (case_ids.empty()) return;
  std::vector<std::string> ids = case_ids;  // soci's bulk use takes a mutable vector
  s << kWriteOwnerListKeys, soci::use(ids);
}

}  // namespace voc::tracking
