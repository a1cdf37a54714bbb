// The daily overdue digest's store (issue 11): what each department has
// overdue, and the claim that makes each department's digest of a local day
// sent once across restarts and several tracking replicas.
//
// Exactly once: a digest is sent only by the process whose
//   INSERT INTO overdue_digest_claims ... ON CONFLICT DO NOTHING
// of (department, day) wins (tracking migration 9). The row then carries the
// send's state like sla_fired does: 0 = being sent since claim_ms, 1 = sent
// (or nothing to send: no overdue case), 2 = failed. A failed send, or one
// whose sender died before recording it (state 0 older than a lease), is
// taken over with a conditional UPDATE; the notification id
// "overdue_digest:<day>:<department>" lets voc-notify drop a repeat.
//
// Overdue is the worklist's: a case in an open state (1-4) whose nearer open
// due (cases.due_ms) is before now, counted in every department that owns it
// (any owner row, as the department's worklist shows it). Read on the owner
// rows' list index (department, state, due_ms, case_id): one range per open
// state.
//
// SQL runs unchanged on SQLite and PostgreSQL; bound parameters only.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::tracking {

// Migration 9 of schema "tracking": overdue_digest_claims.
storage::Migration OverdueDigestMigration();

// One overdue case as the digest lists it.
struct DigestCase {
  std::string id;
  std::string title;
  int kind = 0;      // v1::CaseKind
  int priority = 0;  // v1::Priority
  std::int64_t due_ms = 0;
  std::string owner_department;  // the primary owner
  std::string owner_person;      // "" for a department-wide owner
};

struct DepartmentOverdue {
  std::int64_t count = 0;
  std::vector<DigestCase> oldest;  // earliest due first, at most the limit asked
};

enum class DigestSendState { kSending = 0, kSent = 1, kFailed = 2 };

struct DigestClaim {
  std::string department;
  DigestSendState state = DigestSendState::kSending;
  std::int64_t claim_ms = 0;
  std::int64_t overdue_count = 0;
};

class OverdueDigestStore {
 public:
  explicit OverdueDigestStore(storage::Database& db) : db_(db) {}

  // The department's overdue cases at `now_ms`: how many, and the `limit`
  // due longest ago (ties by case id).
  absl::StatusOr<DepartmentOverdue> OverdueOf(const std::string& department, std::int64_t now_ms, int limit);

  // Every claim of a local day ("2026-12-04").
  absl::StatusOr<std::vector<DigestClaim>> ClaimsOf(const std::string& day);
  // True for exactly one of any number of callers (processes included).
  absl::StatusOr<bool> Claim(const std::string& department, const std::string& day, std::int64_t now_ms);
  // Takes over a failed send, or one held since before `stale_before_ms`.
  // True for exactly one of concurrent callers.
  absl::StatusOr<bool> ClaimRetry(const std::string& department, const std::string& day, std::int64_t now_ms,
                                  std::int64_t stale_before_ms);
  // The claimer's result; `overdue_count` is what the digest said.
  absl::Status Record(const std::string& department, const std::string& day, DigestSendState state,
                      std::int64_t overdue_count);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
