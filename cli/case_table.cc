#include "cli/case_table.h"

#include "common/util/time.h"
#include "common/util/utf8.h"
#include "proto/api/enum_names.h"

namespace voc::cli {
namespace {

// Display columns of each cell, the separating space included.
constexpr std::size_t kIdColumns = 18;
constexpr std::size_t kPriorityColumns = 4;
constexpr std::size_t kStateColumns = 21;
constexpr std::size_t kOwnerColumns = 28;
constexpr std::size_t kDueColumns = 18;
constexpr std::size_t kTitleColumns = 60;

// A cell of `columns` display columns: the text cut to leave at least one
// space before the next column, then padded.
std::string Cell(const std::string& text, std::size_t columns) {
  return FitToDisplayWidth(text, columns - 1) + " ";
}

}  // namespace

std::string OwnerText(const v1::Owner& owner) {
  return owner.person().empty() ? owner.department() : owner.department() + "/" + owner.person();
}

std::string DueText(const v1::Case& c, TimePoint now) {
  if (IsUnset(c.due_time())) return "-";
  auto due = FromProto(c.due_time());
  if (c.state() == v1::CASE_STATE_RESOLVED || c.state() == v1::CASE_STATE_CLOSED) {
    return FormatRfc3339(due).substr(0, 16);
  }
  if (c.overdue() || due <= now) return "OVERDUE " + FormatDuration(now - due);
  return "in " + FormatDuration(due - now);
}

std::string FormatCaseTable(const std::vector<v1::Case>& cases, TimePoint now) {
  std::string table = Cell("ID", kIdColumns) + Cell("PRI", kPriorityColumns) + Cell("STATE", kStateColumns) +
                      Cell("OWNER", kOwnerColumns) + Cell("DUE", kDueColumns) + "TITLE\n";
  for (const auto& c : cases) {
    const std::string priority = c.priority() == v1::PRIORITY_UNSPECIFIED ? "-" : api::PriorityName(c.priority());
    const std::string owner = c.owners_size() > 0 ? OwnerText(c.owners(0)) : "-";
    std::string title = FitToDisplayWidth(c.title(), kTitleColumns);
    title.erase(title.find_last_not_of(' ') + 1);  // no trailing spaces at the end of a line
    table += Cell(c.id(), kIdColumns) + Cell(priority, kPriorityColumns) +
             Cell(api::CaseStateName(c.state()), kStateColumns) + Cell(owner, kOwnerColumns) +
             Cell(DueText(c, now), kDueColumns) + title + "\n";
  }
  return table;
}

}  // namespace voc::cli
