#include "common/storage/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <regex>

#include "common/log/log.h"
#include "common/storage/errors.h"

namespace voc::storage {
namespace {

std::string MaskPassword(const std::string& url) {
  static const std::regex password(R"(password=\S+)");
  return std::regex_replace(url, password, "password=***");
}

const soci::backend_factory& FactoryFor(Backend backend) {
  return backend == Backend::kSqlite ? static_cast<const soci::backend_factory&>(soci::sqlite3)
                                     : static_cast<const soci::backend_factory&>(soci::postgresql);
}

}  // namespace

absl::StatusOr<ParsedUrl> ParseDatabaseUrl(const std::string& url) {
  const std::string sqlite = "sqlite3://";
  const std::string postgres = "postgresql://";
  if (url.rfind(sqlite, 0) == 0) {
    std::string path = url.substr(sqlite.size());
    if (path.empty()) return absl::InvalidArgumentError("database URL " + url + " has no file path");
    // timeout: seconds SQLite waits on a lock held by another process.
    return ParsedUrl{Backend::kSqlite, "db=" + path + " timeout=10 shared_cache=false"};
  }
  if (url.rfind(postgres, 0) == 0) {
    return ParsedUrl{Backend::kPostgres, url.substr(postgres.size())};
  }
  return absl::InvalidArgumentError("database URL must start with sqlite3:// or postgresql://, got " +
                                    MaskPassword(url));
}

Database::Database(Backend backend, std::string display_url, int pool_size)
    : backend_(backend), display_url_(std::move(display_url)), pool_size_(pool_size) {}

Database::~Database() = default;

void Database::ReconnectIfLost(soci::session& session) noexcept {
  if (backend_ != Backend::kPostgres) return;  // a SQLite file has no connection to lose
  try {
    // is_connected() looks at libpq's connection status first: after a lost
    // connection it is false without another round trip.
    if (!session.is_connected()) session.reconnect();
  } catch (...) {
    // Still down: the next failure on this session tries again.
  }
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& url, int pool_size) {
  absl::StatusOr<ParsedUrl> parsed_or = ParseDatabaseUrl(url);
  if (!parsed_or.ok()) return parsed_or.status();
  const ParsedUrl& parsed = *parsed_or;
  std::unique_ptr<Database> db(new Database(parsed.backend, MaskPassword(url), pool_size));
  if (parsed.backend == Backend::kSqlite) {
    std::filesystem::path path = url.substr(std::string("sqlite3://").size());
    if (path.has_parent_path()) {
      std::error_code ignored;
      std::filesystem::create_directories(path.parent_path(), ignored);
    }
  }
  absl::Status opened = Guarded("cannot open database " + db->display_url_, [&] {
    db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
    for (int i = 0; i < pool_size; ++i) {
      soci::session& session = db->pool_->at(i);
      session.open(FactoryFor(parsed.backend), parsed.connect_string);
      if (parsed.backend == Backend::kSqlite) {
        // WAL lets readers run beside the writer; FULL makes a commit durable
        // before the RPC that caused it returns.
        session << "PRAGMA journal_mode=WAL";
        session << "PRAGMA synchronous=FULL";
        session << "PRAGMA foreign_keys=ON";
        session << "PRAGMA busy_timeout=10000";
        // 32 MiB of page cache a connection (SQLite's default is 2 MiB):
        // the report roll-ups are read whole for every dashboard, and with
        // the default each read copies its pages again from the OS cache
        // (a fifth of a Loop report's time at 100,000 cases).
        session << "PRAGMA cache_size=-32768";
      }
    }
  });
  if (!opened.ok()) return opened;
  return db;
}

namespace {

// Several replicas of a service may start at once against one PostgreSQL (a
// Kubernetes rollout): without this they would all read the same schema
// version and apply the same migration, and all but one would fail. A session
// advisory lock per schema lets the first one migrate while the others wait,
// then find nothing left to do. Released when the migration ends (or, if the
// connection dies, by the server).
class MigrationLock {
 public:
  MigrationLock(soci::session& s, Backend backend, const std::string& name) : s_(s), name_(name) {
    if (backend != Backend::kPostgres) return;
    int done = 0;
    s_ << "SELECT 1 FROM pg_advisory_lock(hashtext(:name))", soci::use(name_), soci::into(done);
    held_ = true;
  }
  ~MigrationLock() {
    if (!held_) return;
    try {
      int released = 0;
      s_ << "SELECT CASE WHEN pg_advisory_unlock(hashtext(:name)) THEN 1 ELSE 0 END", soci::use(name_),
          soci::into(released);
    } catch (const std::exception& e) {
      log::Warn("migration_unlock_failed", {{"lock", name_}, {"error", e.what()}});
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  soci::session& s_;
  std::string name_;
  bool held_ = false;
};

}  // namespace

absl::StatusOr<int> Database::Migrate(const std::string& schema, const std::vector<Migration>& migrations) {
  const std::string table = schema + "_migrations";
  return Guarded("migrating schema " + schema + " on " + display_url_, [&] {
    // One session throughout: the lock belongs to it, and a pool of one must not deadlock.
    soci::session s(*pool_);
    const auto in_transaction = [&](auto&& fn) {
      std::unique_lock<std::mutex> write_lock;
      if (backend_ == Backend::kSqlite) write_lock = std::unique_lock(sqlite_write_mu_);
      soci::transaction tx(s);
      fn();
      tx.commit();
    };
    const MigrationLock lock(s, backend_, "voc_migrate_" + schema);
    in_transaction([&] {
      s << "CREATE TABLE IF NOT EXISTS " + table +
               " (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)";
    });
    int current = 0;
    {
      soci::indicator ind;
      s << "SELECT MAX(version) FROM " + table, soci::into(current, ind);
      if (ind != soci::i_ok) current = 0;
    }
    for (const auto& migration : migrations) {
      if (migration.version <= current) continue;
      in_transaction([&] {
        const bool sqlite_own = backend_ == Backend::kSqlite && !migration.sqlite_statements.empty();
        for (const auto& statement : sqlite_own ? migration.sqlite_statements : migration.statements) s << statement;
        long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        s << "INSERT INTO " + table + " (version, description, applied_ms) VALUES (:v, :d, :t)",
            soci::use(migration.version), soci::use(migration.description), soci::use(now_ms);
      });
      log::Info("schema_migrated", {{"schema", schema}, {"version", migration.version},
                                    {"description", migration.description}});
      current = migration.version;
    }
    return current;
  });
}

}  // namespace voc::storage
