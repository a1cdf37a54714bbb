// Issue 10 item 4 ("marks"): what the owners of red-line cases said about
// them, and each red-line term's precision from it.
//
//   red_line_hits   one row per (feedback, category, term) the red-line
//                   lists flagged at red-line level, written with the
//                   result (TriageStore::SaveResults), by occurred time
//   red_line_marks  the last mark of each feedback's red-line case, from
//                   tracking's red_line_marked events (voc:tracking)
//
// The case is tracking's; the terms are triage's. Tracking publishes each
// mark and triage keeps the newest one per feedback (RecordMark is
// idempotent and ignores an older mark arriving late), so the report is one
// join in triage's own database. Hits stored before triage migration 8 are
// not in the report. Thread-safe (pooled sessions); every method answers the
// database's status (common/storage/errors.h).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

// Migration 9 of schema "triage" (8 is another change's).
storage::Migration RedLineMarksMigration();

// The red-line-level hits of `triaged` as red_line_hits rows, inside the
// caller's transaction (SaveResults). A term is counted once per feedback
// and category; watch-level hits open no red-line case and are left out.
void InsertRedLineHits(soci::session& s, const std::vector<const v1::TriagedFeedback*>& results);

// Erasure (issue 9): the mark's reason of `feedback_id` becomes
// erasure::kErasedText; the verdict stays. Inside the caller's transaction.
void EraseRedLineMarkReason(soci::session& s, const std::string& feedback_id);

struct RedLineMarkRecord {
  std::string feedback_id;
  std::string case_id;
  int verdict = 0;  // voc.v1.RedLineVerdict
  std::string reason;
  std::string actor;
  std::int64_t marked_ms = 0;
};

struct RedLineTermCount {
  int category = 0;  // voc.v1.RedLineCategory
  std::string term;
  std::int64_t flagged = 0, confirmed = 0, false_alarms = 0;
};

struct RedLineMarkTotals {
  std::int64_t flagged = 0, confirmed = 0, false_alarms = 0;
};

class RedLineMarkStore {
 public:
  explicit RedLineMarkStore(storage::Database& db) : db_(db) {}

  // Keeps `mark` as the feedback's mark unless a newer one is stored
  // (marked_ms; the same mark delivered twice changes nothing). True when
  // the row changed.
  absl::StatusOr<bool> RecordMark(const RedLineMarkRecord& mark);
  // The stored mark of one feedback (tests, support).
  absl::StatusOr<std::optional<RedLineMarkRecord>> GetMark(const std::string& feedback_id);
  // Per (category, term) over hits whose feedback occurred in
  // [start_ms, end_ms), in no particular order.
  absl::StatusOr<std::vector<RedLineTermCount>> CountTerms(std::int64_t start_ms, std::int64_t end_ms);
  // The same over distinct feedback.
  absl::StatusOr<RedLineMarkTotals> CountFeedback(std::int64_t start_ms, std::int64_t end_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::triage
