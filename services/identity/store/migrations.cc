#include "services/identity/store/migrations.h"

namespace voc::identity {

std::vector<storage::Migration> Migrations() {
  return {
      {1,
       "accounts, sessions, API keys, login failures and the audit log",
       {
           // One account per user name; the password only as an Argon2id
           // string (crypto_pwhash_str: algorithm, limits, salt and hash).
           R"(CREATE TABLE accounts (
                username TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL,
                password_changed_ms BIGINT NOT NULL,
                last_login_ms BIGINT NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL))",
           "CREATE UNIQUE INDEX accounts_person ON accounts (person_id)",
           // The session id itself is never stored: only its SHA-256, so a
           // copy of the table opens no session.
           R"(CREATE TABLE sessions (
                id_sha256 TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                last_seen_ms BIGINT NOT NULL,
                ended INTEGER NOT NULL DEFAULT 0))",
           "CREATE INDEX sessions_username ON sessions (username) WHERE ended = 0",
           // API keys: the token's SHA-256 only; revoked_ms 0 while active.
           R"(CREATE TABLE api_keys (
                key_id TEXT PRIMARY KEY,
                token_sha256 TEXT NOT NULL,
                name TEXT NOT NULL,
                scopes TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                revoked_ms BIGINT NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                last_used_ms BIGINT NOT NULL DEFAULT 0))",
           "CREATE UNIQUE INDEX api_keys_token ON api_keys (token_sha256)",
           // Failed logins per 'account:<name>' and per 'addr:<ip>'.
           R"(CREATE TABLE login_failures (
                failure_key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                window_start_ms BIGINT NOT NULL,
                locked_until_ms BIGINT NOT NULL DEFAULT 0))",
           // Security events: written here, and read from voc.audit (an
           // event id is stored once however often it is delivered).
           R"(CREATE TABLE audit_events (
                id TEXT PRIMARY KEY,
                time_ms BIGINT NOT NULL,
                kind TEXT NOT NULL,
                principal TEXT NOT NULL,
                via TEXT NOT NULL,
                service TEXT NOT NULL,
                method TEXT NOT NULL,
                resource TEXT NOT NULL,
                client_address TEXT NOT NULL,
                detail TEXT NOT NULL))",
           "CREATE INDEX audit_events_time ON audit_events (time_ms, id)",
       }},
  };
}

}  // namespace voc::identity
