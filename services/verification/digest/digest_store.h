// The weekly digests verification keeps (migration 5,
// services/verification/store/migrations.cc): one row per (week, scope)
// with the Digest as JSON and its rendered texts, who was handed each
// digest (the de-duplication of sending) and which weeks the schedule has
// finished. SQLite and PostgreSQL, bound parameters only.
//
// Errors: storage::Guarded's classification (UNAVAILABLE, ABORTED,
// INTERNAL); NOT_FOUND from Get. Thread safety: every method may be called
// from several threads.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

// Which scopes a list returns.
struct DigestScopes {
  bool all = false;             // every department and the company
  bool company = false;         // the company digest (department "")
  std::set<std::string> departments;
};

// Keyset position: the last digest returned (newest week first, then
// department ascending, the company's "" first).
struct DigestAfter {
  std::string week_start;
  std::string department;
};

class DigestStore {
 public:
  explicit DigestStore(storage::Database& db) : db_(db) {}
  DigestStore(const DigestStore&) = delete;
  DigestStore& operator=(const DigestStore&) = delete;

  // Inserts or replaces the digest of (week_start, department), its
  // recipients count aside (that is counted from the sends).
  absl::Status Save(const v1::Digest& digest);
  // NOT_FOUND "digests/{week}/{scope} not found".
  absl::StatusOr<v1::Digest> Get(const std::string& week_start, const std::string& department);
  absl::StatusOr<std::vector<v1::Digest>> List(const DigestScopes& scopes, int limit,
                                               const std::optional<DigestAfter>& after = {});

  // Records that `recipient` was handed the digest; false when they had
  // been already (nothing changes).
  absl::StatusOr<bool> RecordSend(const std::string& week_start, const std::string& department,
                                  const std::string& recipient, std::int64_t now_ms);
  absl::StatusOr<std::set<std::string>> SentTo(const std::string& week_start, const std::string& department);

  // The schedule's memory: the week was composed and sent for every scope.
  absl::StatusOr<bool> IsWeekDone(const std::string& week_start);
  absl::Status MarkWeekDone(const std::string& week_start, std::int64_t now_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::verification
