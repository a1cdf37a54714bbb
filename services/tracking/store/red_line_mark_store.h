// Issue 10 item 4 ("marks"): a red-line case's mark, confirmed or false
// alarm, kept in case_red_line_marks (tracking migration 10). One row per
// case, overwritten by each new mark (the last mark counts; every mark is
// also a row of the case's history). Its own file so that migrations added
// beside it by other changes merge cleanly.
#pragma once

#include <soci/soci.h>

#include <string>

#include "common/storage/database.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// Tracking migration 10: case_red_line_marks.
storage::Migration RedLineMarkMigration();

// Writes (inserts or replaces) the mark of `case_id`, inside the caller's
// transaction.
void WriteRedLineMark(soci::session& s, const std::string& case_id, const v1::RedLineMark& mark);

// Erasure (issue 9): the mark's reason of `case_id` becomes
// erasure::kErasedText (the verdict stays). Inside the caller's transaction.
void EraseRedLineMarkReason(soci::session& s, const std::string& case_id);

// Sets c.red_line_mark from the stored row of case c.id(), if it has one.
void ReadRedLineMark(soci::session& s, v1::Case& c);

}  // namespace voc::tracking
