#include "services/identity/store/identity_store.h"

#include "common/storage/errors.h"
#include "common/storage/rows.h"
#include "common/util/time.h"

namespace voc::identity {
namespace {

constexpr char kAccountColumns[] =
    "username, person_id, password_hash, disabled, created_ms, password_changed_ms, last_login_ms, created_by";
constexpr char kSessionColumns[] = "id_sha256, username, csrf_token, created_ms, last_seen_ms, ended";
constexpr char kKeyColumns[] =
    "key_id, token_sha256, name, scopes, created_ms, revoked_ms, created_by, last_used_ms";
constexpr char kAuditColumns[] =
    "id, time_ms, kind, principal, via, service, method, resource, client_address, detail";

AccountRecord AccountFrom(const soci::row& r) {
  AccountRecord a;
  a.username = storage::AsString(r, 0);
  a.person_id = storage::AsString(r, 1);
  a.password_hash = storage::AsString(r, 2);
  a.disabled = storage::AsInt(r, 3) != 0;
  a.created_ms = storage::AsInt(r, 4);
  a.password_changed_ms = storage::AsInt(r, 5);
  a.last_login_ms = storage::AsInt(r, 6);
  a.created_by = storage::AsString(r, 7);
  return a;
}

SessionRecord SessionFrom(const soci::row& r) {
  SessionRecord s;
  s.id_sha256 = storage::AsString(r, 0);
  s.username = storage::AsString(r, 1);
  s.csrf_token = storage::AsString(r, 2);
  s.created_ms = storage::AsInt(r, 3);
  s.last_seen_ms = storage::AsInt(r, 4);
  s.ended = storage::AsInt(r, 5) != 0;
  return s;
}

ApiKeyRecord KeyFrom(const soci::row& r) {
  ApiKeyRecord k;
  k.key_id = storage::AsString(r, 0);
  k.token_sha256 = storage::AsString(r, 1);
  k.name = storage::AsString(r, 2);
  k.scopes = storage::SplitLines(storage::AsString(r, 3));
  k.created_ms = storage::AsInt(r, 4);
  k.revoked_ms = storage::AsInt(r, 5);
  k.created_by = storage::AsString(r, 6);
  k.last_used_ms = storage::AsInt(r, 7);
  return k;
}

v1::AuditEvent AuditFrom(const soci::row& r) {
  v1::AuditEvent e;
  e.set_id(storage::AsString(r, 0));
  *e.mutable_time() = MillisToProto(storage::AsInt(r, 1));
  e.set_kind(storage::AsString(r, 2));
  e.set_principal(storage::AsString(r, 3));
  e.set_via(storage::AsString(r, 4));
  e.set_service(storage::AsString(r, 5));
  e.set_method(storage::AsString(r, 6));
  e.set_resource(storage::AsString(r, 7));
  e.set_client_address(storage::AsString(r, 8));
  e.set_detail(storage::AsString(r, 9));
  return e;
}

// The first row of a one-key lookup, converted, or nullopt.
template <typename Record, typename From>
std::optional<Record> FindOne(soci::session& s, const std::string& sql, const std::string& key, From from) {
  std::string bound = key;
  soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(bound));
  for (const soci::row& r : rows) return from(r);
  return std::nullopt;
}

void EndSessionsOf(soci::session& s, const std::string& username) {
  std::string user = username;
  s << "UPDATE sessions SET ended = 1 WHERE username = :u AND ended = 0", soci::use(user);
}

}  // namespace

// ---- Accounts

absl::Status IdentityStore::CreateAccount(const AccountRecord& a) {
  return storage::Guarded("creating an account", [&]() -> absl::Status {
    const long long inserted = db_.InTransaction([&](soci::session& s) {
      std::string username = a.username, person = a.person_id, hash = a.password_hash, by = a.created_by;
      int disabled = a.disabled ? 1 : 0;
      long long created = a.created_ms, changed = a.password_changed_ms;
      return storage::Exec(s,
                           "INSERT INTO accounts (username, person_id, password_hash, disabled, created_ms, "
                           "password_changed_ms, last_login_ms, created_by) VALUES (:u, :p, :h, :d, :c, :pc, 0, :b) "
                           "ON CONFLICT DO NOTHING",
                           soci::use(username), soci::use(person), soci::use(hash), soci::use(disabled),
                           soci::use(created), soci::use(changed), soci::use(by));
    });
    if (inserted == 0) {
      return absl::AlreadyExistsError("accounts/" + a.username + " already exists, or person " + a.person_id +
                                      " already has an account");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<AccountRecord>> IdentityStore::FindAccount(const std::string& username) {
  return storage::Guarded("reading an account", [&] {
    return db_.WithSession([&](soci::session& s) {
      return FindOne<AccountRecord>(s, std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username = :u",
                                    username, AccountFrom);
    });
  });
}

absl::StatusOr<bool> IdentityStore::SetDisabled(const std::string& username, bool disabled) {
  return storage::Guarded("changing an account", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string user = username;
      int flag = disabled ? 1 : 0;
      const bool found =
          storage::Exec(s, "UPDATE accounts SET disabled = :d WHERE username = :u", soci::use(flag), soci::use(user)) > 0;
      if (found && disabled) EndSessionsOf(s, username);
      return found;
    });
  });
}

absl::StatusOr<bool> IdentityStore::SetPassword(const std::string& username, const std::string& hash,
                                                std::int64_t now_ms) {
  return storage::Guarded("changing a password", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string user = username, h = hash;
      long long now = now_ms;
      const bool found = storage::Exec(s, "UPDATE accounts SET password_hash = :h, password_changed_ms = :n "
                                          "WHERE username = :u",
                                       soci::use(h), soci::use(now), soci::use(user)) > 0;
      if (found) EndSessionsOf(s, username);
      return found;
    });
  });
}

absl::Status IdentityStore::RecordLogin(const std::string& username, std::int64_t now_ms) {
  return storage::Guarded("recording a login", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string user = username;
      long long now = now_ms;
      s << "UPDATE accounts SET last_login_ms = :n WHERE username = :u", soci::use(now), soci::use(user);
    });
  });
}

absl::StatusOr<std::vector<AccountRecord>> IdentityStore::ListAccounts(const std::string& after_username,
                                                                        int limit) {
  return storage::Guarded("listing accounts", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string after = after_username;
      int lim = limit;
      std::vector<AccountRecord> out;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kAccountColumns +
                            " FROM accounts WHERE username > :a ORDER BY username LIMIT :l",
           soci::use(after), soci::use(lim));
      for (const soci::row& r : rows) out.push_back(AccountFrom(r));
      return out;
    });
  });
}

// ---- Sessions

absl::Status IdentityStore::InsertSession(const SessionRecord& r) {
  return storage::Guarded("opening a session", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = r.id_sha256, user = r.username, csrf = r.csrf_token;
      long long created = r.created_ms, seen = r.last_seen_ms;
      s << "INSERT INTO sessions (id_sha256, username, csrf_token, created_ms, last_seen_ms, ended) "
           "VALUES (:i, :u, :c, :cr, :s, 0)",
          soci::use(id), soci::use(user), soci::use(csrf), soci::use(created), soci::use(seen);
    });
  });
}

absl::StatusOr<std::optional<SessionRecord>> IdentityStore::FindSession(const std::string& id_sha256) {
  return storage::Guarded("reading a session", [&] {
    return db_.WithSession([&](soci::session& s) {
      return FindOne<SessionRecord>(s, std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id_sha256 = :i",
                                    id_sha256, SessionFrom);
    });
  });
}

absl::Status IdentityStore::TouchSession(const std::string& id_sha256, std::int64_t now_ms) {
  return storage::Guarded("refreshing a session", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = id_sha256;
      long long now = now_ms;
      s << "UPDATE sessions SET last_seen_ms = :n WHERE id_sha256 = :i AND ended = 0 AND last_seen_ms < :n2",
          soci::use(now), soci::use(id), soci::use(now);
    });
  });
}

absl::StatusOr<bool> IdentityStore::EndSession(const std::string& id_sha256) {
  return storage::Guarded("ending a session", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string id = id_sha256;
      return storage::Exec(s, "UPDATE sessions SET ended = 1 WHERE id_sha256 = :i AND ended = 0", soci::use(id)) > 0;
    });
  });
}

// ---- API keys

absl::Status IdentityStore::InsertApiKey(const ApiKeyRecord& k) {
  return storage::Guarded("storing an API key", [&]() -> absl::Status {
    const long long inserted = db_.InTransaction([&](soci::session& s) {
      std::string id = k.key_id, hash = k.token_sha256, name = k.name, scopes = storage::JoinLines(k.scopes);
      std::string by = k.created_by;
      long long created = k.created_ms;
      return storage::Exec(s,
                           "INSERT INTO api_keys (key_id, token_sha256, name, scopes, created_ms, revoked_ms, "
                           "created_by, last_used_ms) VALUES (:i, :h, :n, :s, :c, 0, :b, 0) ON CONFLICT DO NOTHING",
                           soci::use(id), soci::use(hash), soci::use(name), soci::use(scopes), soci::use(created),
                           soci::use(by));
    });
    if (inserted == 0) return absl::AlreadyExistsError("api key " + k.key_id + " already exists");
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<ApiKeyRecord>> IdentityStore::FindApiKey(const std::string& key_id) {
  return storage::Guarded("reading an API key", [&] {
    return db_.WithSession([&](soci::session& s) {
      return FindOne<ApiKeyRecord>(s, std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE key_id = :i",
                                   key_id, KeyFrom);
    });
  });
}

absl::StatusOr<std::optional<ApiKeyRecord>> IdentityStore::FindApiKeyByHash(const std::string& token_sha256) {
  return storage::Guarded("checking an API key", [&] {
    return db_.WithSession([&](soci::session& s) {
      return FindOne<ApiKeyRecord>(s, std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE token_sha256 = :h",
                                   token_sha256, KeyFrom);
    });
  });
}

absl::StatusOr<std::vector<ApiKeyRecord>> IdentityStore::ActiveApiKeysNamed(const std::string& name) {
  return storage::Guarded("reading API keys", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string n = name;
      std::vector<ApiKeyRecord> out;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kKeyColumns +
                            " FROM api_keys WHERE name = :n AND revoked_ms = 0 ORDER BY key_id",
           soci::use(n));
      for (const soci::row& r : rows) out.push_back(KeyFrom(r));
      return out;
    });
  });
}

absl::StatusOr<bool> IdentityStore::RevokeApiKey(const std::string& key_id, std::int64_t now_ms) {
  return storage::Guarded("revoking an API key", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string id = key_id;
      long long now = now_ms;
      return storage::Exec(s, "UPDATE api_keys SET revoked_ms = :n WHERE key_id = :i AND revoked_ms = 0",
                           soci::use(now), soci::use(id)) > 0;
    });
  });
}

absl::Status IdentityStore::TouchApiKey(const std::string& key_id, std::int64_t now_ms) {
  return storage::Guarded("recording an API key's use", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string id = key_id;
      long long now = now_ms;
      s << "UPDATE api_keys SET last_used_ms = :n WHERE key_id = :i AND last_used_ms < :n2", soci::use(now),
          soci::use(id), soci::use(now);
    });
  });
}

absl::StatusOr<std::vector<ApiKeyRecord>> IdentityStore::ListApiKeys(bool include_revoked,
                                                                     std::int64_t after_created_ms,
                                                                     const std::string& after_id, int limit) {
  return storage::Guarded("listing API keys", [&] {
    return db_.WithSession([&](soci::session& s) {
      int all = include_revoked ? 1 : 0, lim = limit;
      long long after1 = after_created_ms, after2 = after_created_ms;
      std::string id = after_id;
      std::vector<ApiKeyRecord> out;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kKeyColumns +
                            " FROM api_keys WHERE (:all = 1 OR revoked_ms = 0) "
                            "AND (created_ms > :a1 OR (created_ms = :a2 AND key_id > :id)) "
                            "ORDER BY created_ms, key_id LIMIT :l",
           soci::use(all), soci::use(after1), soci::use(after2), soci::use(id), soci::use(lim));
      for (const soci::row& r : rows) out.push_back(KeyFrom(r));
      return out;
    });
  });
}

// ---- Login failures

absl::StatusOr<FailureState> IdentityStore::ReadFailures(const std::string& key) {
  return storage::Guarded("reading login failures", [&] {
    return db_.WithSession([&](soci::session& s) {
      auto found = FindOne<FailureState>(
          s, "SELECT failures, window_start_ms, locked_until_ms FROM login_failures WHERE failure_key = :k", key,
          [](const soci::row& r) {
            return FailureState{static_cast<int>(storage::AsInt(r, 0)), storage::AsInt(r, 1), storage::AsInt(r, 2)};
          });
      return found.value_or(FailureState{});
    });
  });
}

absl::StatusOr<FailureState> IdentityStore::RecordFailure(const std::string& key, std::int64_t now_ms,
                                                          std::int64_t window_ms, int limit) {
  return storage::Guarded("counting a failed login", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string k = key;
      long long now = now_ms, cutoff1 = now_ms - window_ms, cutoff2 = now_ms - window_ms;
      // One statement, so concurrent failures never lose a count; the SET
      // expressions all read the row as it was.
      s << "INSERT INTO login_failures (failure_key, failures, window_start_ms, locked_until_ms) "
           "VALUES (:k, 1, :n, 0) ON CONFLICT (failure_key) DO UPDATE SET "
           "failures = CASE WHEN login_failures.window_start_ms <= :c1 THEN 1 ELSE login_failures.failures + 1 END, "
           "window_start_ms = CASE WHEN login_failures.window_start_ms <= :c2 THEN excluded.window_start_ms "
           "ELSE login_failures.window_start_ms END",
          soci::use(k), soci::use(now), soci::use(cutoff1), soci::use(cutoff2);
      long long until = now_ms + window_ms;
      int lim = limit;
      s << "UPDATE login_failures SET locked_until_ms = :u WHERE failure_key = :k AND failures >= :l",
          soci::use(until), soci::use(k), soci::use(lim);
      auto state = FindOne<FailureState>(
          s, "SELECT failures, window_start_ms, locked_until_ms FROM login_failures WHERE failure_key = :k", key,
          [](const soci::row& r) {
            return FailureState{static_cast<int>(storage::AsInt(r, 0)), storage::AsInt(r, 1), storage::AsInt(r, 2)};
          });
      return state.value_or(FailureState{});
    });
  });
}

absl::Status IdentityStore::ClearFailures(const std::string& key) {
  return storage::Guarded("clearing login failures", [&] {
    db_.InTransaction([&](soci::session& s) {
      std::string k = key;
      s << "DELETE FROM login_failures WHERE failure_key = :k", soci::use(k);
    });
  });
}

// ---- Housekeeping

absl::StatusOr<IdentityStore::Purged> IdentityStore::PurgeExpired(std::int64_t now_ms, std::int64_t idle_cutoff_ms,
                                                                  std::int64_t absolute_cutoff_ms,
                                                                  std::int64_t failures_cutoff_ms) {
  return storage::Guarded("purging expired sessions", [&] {
    return db_.InTransaction([&](soci::session& s) {
      long long idle = idle_cutoff_ms, absolute = absolute_cutoff_ms, window = failures_cutoff_ms, now = now_ms;
      Purged purged;
      // The timed-out sessions nobody ended, read before they go (same
      // transaction, same condition as the DELETE below).
      soci::rowset<soci::row> expired =
          (s.prepare << "SELECT s.username, a.person_id, s.created_ms FROM sessions s"
                        " LEFT JOIN accounts a ON a.username = s.username"
                        " WHERE s.ended = 0 AND (s.last_seen_ms < :i OR s.created_ms < :a)"
                        " ORDER BY s.created_ms, s.username",
           soci::use(idle), soci::use(absolute));
      for (const soci::row& r : expired) {
        purged.expired.push_back({storage::AsString(r, 0), storage::IsNull(r, 1) ? "" : storage::AsString(r, 1),
                                  storage::AsInt(r, 2) < absolute});
      }
      purged.rows = storage::Exec(
          s, "DELETE FROM sessions WHERE ended = 1 OR last_seen_ms < :i OR created_ms < :a", soci::use(idle),
          soci::use(absolute));
      purged.rows += storage::Exec(s, "DELETE FROM login_failures WHERE window_start_ms < :w AND locked_until_ms <= :n",
                                   soci::use(window), soci::use(now));
      return purged;
    });
  });
}

// ---- Audit log

absl::StatusOr<int> IdentityStore::InsertAuditEvents(const std::vector<v1::AuditEvent>& events) {
  return storage::Guarded("storing audit events", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::string id, kind, principal, via, service, method, resource, client, detail;
      long long time_ms = 0;
      soci::statement st =
          (s.prepare << std::string("INSERT INTO audit_events (") + kAuditColumns +
                            ") VALUES (:i, :t, :k, :p, :v, :s, :m, :r, :c, :d) ON CONFLICT (id) DO NOTHING",
           soci::use(id), soci::use(time_ms), soci::use(kind), soci::use(principal), soci::use(via),
           soci::use(service), soci::use(method), soci::use(resource), soci::use(client), soci::use(detail));
      int inserted = 0;
      for (const v1::AuditEvent& e : events) {
        id = e.id();
        time_ms = ProtoToMillis(e.time());
        kind = e.kind();
        principal = e.principal();
        via = e.via();
        service = e.service();
        method = e.method();
        resource = e.resource();
        client = e.client_address();
        detail = e.detail();
        st.execute(true);
        inserted += st.get_affected_rows() > 0 ? 1 : 0;
      }
      return inserted;
    });
  });
}

absl::StatusOr<std::vector<v1::AuditEvent>> IdentityStore::ListAuditEvents(const std::string& kind,
                                                                            const std::string& principal,
                                                                            bool has_cursor,
                                                                            std::int64_t before_time_ms,
                                                                            const std::string& before_id, int limit) {
  return storage::Guarded("listing audit events", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::string k1 = kind, k2 = kind, p1 = principal, p2 = principal, id = before_id;
      int cursor = has_cursor ? 1 : 0, lim = limit;
      long long t1 = before_time_ms, t2 = before_time_ms;
      std::vector<v1::AuditEvent> out;
      soci::rowset<soci::row> rows =
          (s.prepare << std::string("SELECT ") + kAuditColumns +
                            " FROM audit_events WHERE (:k1 = '' OR kind = :k2) AND (:p1 = '' OR principal = :p2) "
                            "AND (:cur = 0 OR time_ms < :t1 OR (time_ms = :t2 AND id < :id)) "
                            "ORDER BY time_ms DESC, id DESC LIMIT :l",
           soci::use(k1), soci::use(k2), soci::use(p1), soci::use(p2), soci::use(cursor), soci::use(t1),
           soci::use(t2), soci::use(id), soci::use(lim));
      for (const soci::row& r : rows) out.push_back(AuditFrom(r));
      return out;
    });
  });
}

}  // namespace voc::identity
