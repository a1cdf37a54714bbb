// Storage through SOCI: SQLite (the embedded default, one file per service)
// or PostgreSQL (production), chosen by URL:
//   sqlite3:///abs/path/ingest.db   sqlite3://relative/path.db
//   postgresql://host=127.0.0.1 port=5432 dbname=voc user=voc password=...
// Every service writes SQL that runs on both: BIGINT milliseconds for time,
// TEXT ids chosen by the application, INSERT ... ON CONFLICT DO NOTHING for
// idempotent writes, bound parameters only.
#pragma once

#include <absl/status/statusor.h>
#include <soci/soci.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace voc::storage {

enum class Backend { kSqlite, kPostgres };

// One schema change. Versions are numbered from 1 per service and never
// edited once released: add a new migration instead.
struct Migration {
  int version;
  std::string description;
  // Statements run in order inside one transaction.
  std::vector<std::string> statements;
  // When not empty, what SQLite runs instead: for the few places where the
  // best table differs (WITHOUT ROWID, which PostgreSQL has no need of).
  std::vector<std::string> sqlite_statements = {};
};

// A pool of SOCI sessions. Thread-safe: each call borrows a session.
class Database {
 public:
  // Connects (creating the SQLite file and its folder if missing).
  // INVALID_ARGUMENT naming the URL (password masked) when it is malformed;
  // UNAVAILABLE when the server cannot be reached or the file cannot be
  // opened (classified like every store's errors, common/storage/errors.h).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& url, int pool_size = 4);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Applies the migrations newer than the stored schema version, each in its
  // own transaction, recording them in `<schema>_migrations`.
  // Returns the resulting version, or the classified status of the first
  // failure (a broken migration is not recorded).
  absl::StatusOr<int> Migrate(const std::string& schema, const std::vector<Migration>& migrations);

  // Runs fn with a pooled session (no transaction).
  template <typename Fn>
  auto WithSession(Fn&& fn) {
    soci::session session(*pool_);
    try {
      return fn(session);
    } catch (...) {
      ReconnectIfLost(session);
      throw;
    }
  }

  // Runs fn inside a transaction: committed when fn returns, rolled back
  // when it throws (the exception propagates). On SQLite, write
  // transactions are serialised by a process-wide mutex so concurrent
  // writers queue instead of failing with "database is locked".
  template <typename Fn>
  auto InTransaction(Fn&& fn) {
    std::unique_lock<std::mutex> write_lock;
    if (backend_ == Backend::kSqlite) write_lock = std::unique_lock(sqlite_write_mu_);
    soci::session session(*pool_);
    try {
      soci::transaction tx(session);
      if constexpr (std::is_void_v<decltype(fn(session))>) {
        fn(session);
        tx.commit();
      } else {
        auto result = fn(session);
        tx.commit();
        return result;
      }
    } catch (...) {
      ReconnectIfLost(session);
      throw;
    }
  }

  Backend backend() const { return backend_; }
  // The URL with any password masked, for logs and errors.
  const std::string& display_url() const { return display_url_; }

 private:
  Database(Backend backend, std::string display_url, int pool_size);
  // SOCI never reconnects a session by itself: after a PostgreSQL restart
  // every pooled session would fail forever. Called when a statement threw:
  // a session whose connection is gone reconnects now (best effort), so the
  // failed call still reports UNAVAILABLE but the next one on this session
  // works once the server is back. Never throws.
  void ReconnectIfLost(soci::session& session) noexcept;

  Backend backend_;
  std::string display_url_;
  int pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::mutex sqlite_write_mu_;
};

// Splits a URL into SOCI's backend name and connect string. INVALID_ARGUMENT
// naming the URL (password masked) on an unknown scheme or a missing path.
struct ParsedUrl {
  Backend backend;
  std::string connect_string;
};
absl::StatusOr<ParsedUrl> ParseDatabaseUrl(const std::string& url);

}  // namespace voc::storage
