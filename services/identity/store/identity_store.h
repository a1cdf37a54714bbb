// voc-identity's tables (store/migrations.cc). SQL written once for SQLite
// and PostgreSQL; every call returns a status (common/storage/errors.h) and
// never throws. Times are milliseconds of the injected clock, passed in.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/identity.pb.h"

namespace voc::identity {

struct AccountRecord {
  std::string username;
  std::string person_id;
  std::string password_hash;  // crypto_pwhash_str output
  bool disabled = false;
  std::int64_t created_ms = 0;
  std::int64_t password_changed_ms = 0;
  std::int64_t last_login_ms = 0;  // 0: never
  std::string created_by;
};

struct SessionRecord {
  std::string id_sha256;
  std::string username;
  std::string csrf_token;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool ended = false;
};

struct ApiKeyRecord {
  std::string key_id;
  std::string token_sha256;
  std::string name;
  std::vector<std::string> scopes;
  std::int64_t created_ms = 0;
  std::int64_t revoked_ms = 0;  // 0 while active
  std::string created_by;
  std::int64_t last_used_ms = 0;  // 0: never
};

// Failed logins under one key ('account:<name>' or 'addr:<ip>').
struct FailureState {
  int failures = 0;
  std::int64_t window_start_ms = 0;
  std::int64_t locked_until_ms = 0;
};

class IdentityStore {
 public:
  explicit IdentityStore(storage::Database& db) : db_(db) {}

  // ---- Accounts
  // ALREADY_EXISTS when the user name is taken or the person has an account.
  absl::Status CreateAccount(const AccountRecord& account);
  absl::StatusOr<std::optional<AccountRecord>> FindAccount(const std::string& username);
  // Sets `disabled`; disabling also ends the account's sessions. False when
  // there is no such account.
  absl::StatusOr<bool> SetDisabled(const std::string& username, bool disabled);
  // Replaces the password hash and ends the account's sessions.
  absl::StatusOr<bool> SetPassword(const std::string& username, const std::string& hash, std::int64_t now_ms);
  absl::Status RecordLogin(const std::string& username, std::int64_t now_ms);
  // By user name, those after `after_username` ("" from the start).
  absl::StatusOr<std::vector<AccountRecord>> ListAccounts(const std::string& after_username, int limit);

  // ---- Sessions
  absl::Status InsertSession(const SessionRecord& session);
  absl::StatusOr<std::optional<SessionRecord>> FindSession(const std::string& id_sha256);
  absl::Status TouchSession(const std::string& id_sha256, std::int64_t now_ms);
  // True when it was open and is ended now.
  absl::StatusOr<bool> EndSession(const std::string& id_sha256);

  // ---- API keys
  // ALREADY_EXISTS when the key id or the token's hash is taken.
  absl::Status InsertApiKey(const ApiKeyRecord& key);
  absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id);
  absl::StatusOr<std::optional<ApiKeyRecord>> FindApiKeyByHash(const std::string& token_sha256);
  // Active keys with this name (the bootstrap key's rotation).
  absl::StatusOr<std::vector<ApiKeyRecord>> ActiveApiKeysNamed(const std::string& name);
  // True when it was active and is revoked now.
  absl::StatusOr<bool> RevokeApiKey(const std::string& key_id, std::int64_t now_ms);
  absl::Status TouchApiKey(const std::string& key_id, std::int64_t now_ms);
  // By (created_ms, key_id), those after the cursor (after_id "" from the start).
  absl::StatusOr<std::vector<ApiKeyRecord>> ListApiKeys(bool include_revoked, std::int64_t after_created_ms,
                                                        const std::string& after_id, int limit);

  // ---- Login failures
  absl::StatusOr<FailureState> ReadFailures(const std::string& key);
  // Counts one failure in the window that began at window_start (a new
  // window when the last began at or before now - window_ms), and locks the
  // key until now + window_ms when the count reaches `limit`.
  absl::StatusOr<FailureState> RecordFailure(const std::string& key, std::int64_t now_ms, std::int64_t window_ms,
                                             int limit);
  absl::Status ClearFailures(const std::string& key);

  // ---- Housekeeping
  // A session the purge deleted while it had not ended: it timed out with
  // nobody asking (CheckSession ends and audits the ones that are asked
  // about), so the service audits its expiry.
  struct ExpiredSession {
    std::string username;
    std::string person_id;  // "" when the account is gone
    bool absolute = false;  // created before the absolute cut-off (else idle)
  };
  struct Purged {
    long long rows = 0;  // sessions and failure counts deleted
    std::vector<ExpiredSession> expired;
  };
  // Deletes sessions that ended or can no longer be used (last seen before
  // idle_cutoff_ms or created before absolute_cutoff_ms) and failure counts
  // whose window and lock are over (window began before
  // failures_cutoff_ms, not locked after now_ms), in one transaction.
  absl::StatusOr<Purged> PurgeExpired(std::int64_t now_ms, std::int64_t idle_cutoff_ms,
                                      std::int64_t absolute_cutoff_ms, std::int64_t failures_cutoff_ms);

  // ---- Audit log
  // Stores each event whose id is new; returns how many were.
  absl::StatusOr<int> InsertAuditEvents(const std::vector<v1::AuditEvent>& events);
  // Newest first (time, then id, descending); filters "" match all; after a
  // cursor (has_cursor) strictly older than (before_time_ms, before_id).
  absl::StatusOr<std::vector<v1::AuditEvent>> ListAuditEvents(const std::string& kind,
                                                               const std::string& principal, bool has_cursor,
                                                               std::int64_t before_time_ms,
                                                               const std::string& before_id, int limit);

 private:
  storage::Database& db_;
};

}  // namespace voc::identity
