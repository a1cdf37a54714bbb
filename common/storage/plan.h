// The plan a backend takes for a SELECT, for the tests and benchmarks that
// check a statement reads the index it was written for. The one home of the
// difference between the backends: SQLite answers EXPLAIN QUERY PLAN with a
// row a step and the step's text in its fourth column ("SEARCH c USING INDEX
// cases_create ..."), PostgreSQL answers EXPLAIN with a line a row in its
// only column ("Index Scan using cases_create on cases c ..."). Every
// store's Explain* reads its plan here.
//
//   BoundSelect q = ...;                 // a statement built at run time
//   std::vector<std::string> plan = ExplainPlan(s, q);
//   ExplainPlan(s, "SELECT ... WHERE a <= :a LIMIT :n",
//               [&](auto& query) { query, soci::use(a), soci::use(n); });
#pragma once

#include <soci/soci.h>

#include <concepts>
#include <string>
#include <vector>

#include "common/storage/bound_select.h"

namespace voc::storage {
namespace plan_detail {

// "EXPLAIN QUERY PLAN " on SQLite, "EXPLAIN " on PostgreSQL.
const char* ExplainPrefix(soci::session& s);
// The step of each row of such a plan.
std::vector<std::string> PlanLines(soci::session& s, soci::rowset<soci::row>& rows);

}  // namespace plan_detail

// The plan of `select`, whose bound values `bind(query)` adds in the order of
// its placeholders (`query, soci::use(value)`: named values that outlive the
// call, never temporaries).
template <typename Bind>
  requires std::invocable<Bind&, soci::details::prepare_temp_type&>
std::vector<std::string> ExplainPlan(soci::session& s, const std::string& select, Bind bind) {
  soci::details::prepare_temp_type query = (s.prepare << plan_detail::ExplainPrefix(s) + select);
  bind(query);
  soci::rowset<soci::row> rows(query);
  return plan_detail::PlanLines(s, rows);
}

// The plan of a statement built at run time, with its bound values.
std::vector<std::string> ExplainPlan(soci::session& s, const BoundSelect& select);

// The plan's lines as one text, each ended by a newline ("" for none): what
// the stores' Explain* return, for tests that search it.
std::string PlanText(const std::vector<std::string>& lines);

}  // namespace voc::storage
