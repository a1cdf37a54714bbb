// The table `voc cases list` prints: one line per case, columns cut and
// padded on display width (common/util/utf8.h), so a long or Chinese owner
// or title never runs into the next column. Free of gRPC so it is
// unit-tested on its own.
#pragma once

#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "voc/v1/tracking.pb.h"

namespace voc::cli {

// "department/person", or the department alone.
std::string OwnerText(const v1::Owner& owner);

// "in 3h", "OVERDUE 2h", the due date of a finished case, or "-".
std::string DueText(const v1::Case& c, TimePoint now);

// The header line and one line per case: ID, PRI, STATE, OWNER, DUE, TITLE.
std::string FormatCaseTable(const std::vector<v1::Case>& cases, TimePoint now);

}  // namespace voc::cli
