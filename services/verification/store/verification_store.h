// The verification service's repository: scheduled and finished project
// checks, detractor re-surveys and the knowledge base. Works on SQLite and
// PostgreSQL (common/storage/database.h); every write is idempotent so stream
// messages may be handled more than once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/verification.pb.h"

namespace voc::verification {

std::vector<storage::Migration> Migrations();

// What a check needs beyond the Verification resource itself.
struct CheckRecord {
  v1::Verification verification;  // name, id, project, topic, state, due_time, figures...
  std::string project_title;
  std::string resolution;         // what the project did (for the knowledge base)
  std::int64_t project_create_ms = 0;
  std::int64_t close_ms = 0;
  // Reopening a failed project in tracking: none, pending, or done.
  enum class Reopen { kNotNeeded = 0, kPending = 1, kDone = 2 };
  Reopen reopen = Reopen::kNotNeeded;
};

struct KnowledgeRecord {
  v1::KnowledgeEntry entry;
};

class VerificationStore {
 public:
  explicit VerificationStore(storage::Database& db) : db_(db) {}

  // Inserts a scheduled check unless one with the same id exists.
  // Returns true when it was inserted.
  bool InsertScheduledCheck(const CheckRecord& check, std::int64_t now_ms);
  // Deletes the project's checks that are still scheduled (the project was
  // reopened before its check ran). Returns how many were removed.
  int CancelScheduledChecks(const std::string& project_id);
  // Scheduled checks due at or before now_ms, earliest first.
  std::vector<CheckRecord> DueChecks(std::int64_t now_ms, int limit);
  // Stores the verdict and figures of a still-scheduled check, with the
  // knowledge entry for a verified one, in one transaction. Returns false
  // when the check was no longer scheduled (someone else finished it).
  bool RecordVerdict(const CheckRecord& finished, const std::optional<KnowledgeRecord>& knowledge);
  // Failed checks whose project still has to be reopened.
  std::vector<CheckRecord> PendingReopens(int limit);
  void MarkReopened(const std::string& check_id);

  std::optional<CheckRecord> GetCheck(const std::string& id);
  // Newest due first. project_id / state filter when non-empty / non-zero.
  std::vector<CheckRecord> ListChecks(const std::string& project_id, int state, int limit,
                                      long offset);

  // Inserts a scheduled re-survey unless one exists for the same case.
  bool InsertResurvey(const v1::Resurvey& resurvey, std::int64_t now_ms);
  // SCHEDULED -> DUE for re-surveys due at or before now_ms. Returns how many.
  int MarkResurveysDue(std::int64_t now_ms);
  // The customer's re-surveys not yet answered and due at or before at_ms.
  std::vector<v1::Resurvey> OpenResurveysDueBy(const std::string& customer_id, std::int64_t at_ms);
  // Records the answer of an unanswered re-survey. Returns false when it had
  // already been answered.
  bool RecordResurveyAnswer(const std::string& id, int new_nps, const std::string& feedback_id,
                            std::int64_t answer_ms);
  std::optional<v1::Resurvey> GetResurvey(const std::string& id);
  // Soonest due first. Filters apply when non-empty / non-zero.
  std::vector<v1::Resurvey> ListResurveys(const std::string& customer_id, int state, int limit,
                                          long offset);

  // Inserts or replaces the entry for its source.
  void UpsertKnowledge(const KnowledgeRecord& record);
  // Case-insensitive (ASCII folding; Chinese has no case) substring search
  // over title, topic, resolution and evidence. Newest first.
  std::vector<v1::KnowledgeEntry> SearchKnowledge(const std::string& query, int limit);

 private:
  storage::Database& db_;
};

// ASCII lower-casing that leaves UTF-8 multi-byte sequences untouched.
std::string FoldCase(std::string text);
// Escapes %, _ and \ for a LIKE pattern with ESCAPE '\'.
std::string EscapeLike(const std::string& text);

}  // namespace voc::verification
