// How ListCases reads one page from an index, whatever the filter, at the
// same cost with a thousand or a million cases stored.
//
// The list order is (overdue at as_of first, due_ms, id). Overdue depends on
// the time asked, so no index can hold it, but it is a function of (state,
// due_ms): a case in an open state (1-4) due before as_of is overdue. So
// every list index is (<filter column>, state, due_ms, id) (migration 2) and
// a page is read as a few index ranges of one state each:
//   bucket 0: each open state, due_ms < as_of;
//   bucket 1: each open state, due_ms >= as_of, and each resolved/closed state;
// each range read in (due_ms, id) order strictly after the page cursor and at
// most one page long (all of a page's ranges in one UNION ALL statement, one
// round trip), then merged here. A page reads at most (states x page size)
// index entries plus the rows a residual filter skips.
//
// The filter column that drives the ranges is the most selective one given:
// feedback_id, customer_id, owner person, department, kind, or none. The
// department and person filters read case_owners, whose rows carry a copy of
// their case's state and due_ms (WriteOwnerListKeys keeps it); any other
// filter given is checked row by row on the rows the driving index returns.
//
// Ordered by one SLA clock's due (CaseFilter::due_clock, issue 11) the same
// reading runs on that clock's column (first_response_due_ms or
// resolution_due_ms: the due while it runs, kNoOpenDueMs otherwise) and its
// indexes (migration 3): (state, <clock>) on cases, (department | person,
// state, <clock>) on case_owners; feedback, customer and kind are residuals.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// The keys of the next page of cases for `filter`: at most `limit`, strictly
// after `after` when given, in list order as of `as_of_ms`.
std::vector<CaseListKey> ReadWorklistPage(soci::session& s, const CaseFilter& filter,
                                          std::int64_t as_of_ms, int limit,
                                          const std::optional<CaseListKey>& after);

// How many cases `filter` keeps (its view included) as of `as_of_ms`: the
// true total behind ListCases' pages (issue 12), never counting a case the
// view hides.
std::int64_t CountWorklist(soci::session& s, const CaseFilter& filter, std::int64_t as_of_ms);

// The plan the database chooses for the statement ReadWorklistPage runs for
// this filter and cursor (storage::ExplainPlan's lines as one text); empty
// when it runs none (an overdue-only walk past its last overdue case). Its
// only other statement, reading on past a repeated case, is one of that
// statement's subqueries.
std::vector<std::string> ExplainWorklistPage(soci::session& s, const CaseFilter& filter, std::int64_t as_of_ms,
                                             int limit, const std::optional<CaseListKey>& after);

// Copies the case's state and due_ms onto its owner rows, which the
// department and person list indexes order by. Call it in the transaction
// that inserts a case's owners or changes its state, owners or due time.
void WriteOwnerListKeys(soci::session& s, const std::string& case_id);
// The same for many cases at once (one bulk statement).
void WriteOwnerListKeys(soci::session& s, const std::vector<std::string>& case_ids);

}  // namespace voc::tracking
