#include "common/storage/plan.h"

#include "common/storage/backend.h"
#include "common/storage/rows.h"

namespace voc::storage {
namespace plan_detail {

const char* ExplainPrefix(soci::session& s) { return IsSqlite(s) ? "EXPLAIN QUERY PLAN " : "EXPLAIN "; }

std::vector<std::string> PlanLines(soci::session& s, soci::rowset<soci::row>& rows) {
  // EXPLAIN QUERY PLAN's columns: id, parent, notused, detail.
  const std::size_t step = IsSqlite(s) ? 3 : 0;
  std::vector<std::string> lines;
  for (const soci::row& r : rows) lines.push_back(AsString(r, step));
  return lines;
}

}  // namespace plan_detail

std::vector<std::string> ExplainPlan(soci::session& s, const BoundSelect& select) {
  soci::rowset<soci::row> rows = select.Run(s, plan_detail::ExplainPrefix(s));
  return plan_detail::PlanLines(s, rows);
}

std::string PlanText(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

}  // namespace voc::storage
