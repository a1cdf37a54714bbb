#include "common/service/readiness.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/stat.h>

#include <utility>

#include "common/log/log.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/storage/errors.h"

namespace voc {
namespace {

// Short enough that a pass over every dependency ends within the default
// one-second interval even when all of them hang.
constexpr int kRedisProbeTimeoutMs = 400;

struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileIdentity&) const = default;
};

std::optional<FileIdentity> IdentityOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino};
}

absl::Status ProbeSqliteFile(const std::string& path, const std::optional<FileIdentity>& opened) {
  const std::optional<FileIdentity> now = IdentityOf(path);
  if (!now) return absl::UnavailableError("database file " + path + " cannot be found");
  if (opened && !(*now == *opened)) {
    return absl::UnavailableError("database file " + path + " is no longer the file the service opened");
  }
  return storage::Guarded("reading database file " + path, [&] {
    // readonly: never creates a missing file; timeout=1: a lock is waited
    // out for at most a second (WAL readers normally need none).
    soci::session session(soci::sqlite3, "db=" + path + " readonly=true timeout=1");
    int tables = 0;
    session << "SELECT COUNT(*) FROM sqlite_master", soci::into(tables);
  });
}

}  // namespace

Dependency RedisDependency(queue::RedisOptions options) {
  options.connect_timeout_ms = kRedisProbeTimeoutMs;
  options.command_timeout_ms = kRedisProbeTimeoutMs;
  auto client = std::make_shared<queue::RedisClient>(options);
  return {"redis", [client] {
            if (client->Ping()) return absl::OkStatus();
            return absl::UnavailableError(client->last_error().empty() ? "redis does not answer PING"
                                                                       : client->last_error());
          }};
}

Dependency DatabaseDependency(storage::Database& db, const std::string& url) {
  if (db.backend() == storage::Backend::kPostgres) {
    return {"database", [&db] {
              const auto select_one = [&db] {
                return storage::Guarded("checking the database", [&] {
                  db.WithSession([](soci::session& session) {
                    int one = 0;
                    session << "SELECT 1", soci::into(one);
                  });
                });
              };
              // A session whose connection died with a restarted server fails
              // once and reconnects (Database::ReconnectIfLost); asking again
              // tells a server that is back from one that is still down.
              absl::Status status = select_one();
              if (!status.ok()) status = select_one();
              return status;
            }};
  }
  const std::string path = url.substr(std::string("sqlite3://").size());
  const std::optional<FileIdentity> opened = IdentityOf(path);
  return {"database", [path, opened] { return ProbeSqliteFile(path, opened); }};
}

ReadinessMonitor::ReadinessMonitor(std::vector<Dependency> dependencies, std::function<void(bool)> report,
                                   std::chrono::milliseconds interval)
    : dependencies_(std::move(dependencies)),
      report_(std::move(report)),
      worker_("readiness", interval, [this] { CheckNow().IgnoreError(); },
              PeriodicWorker::FirstTick::kImmediately) {}

ReadinessMonitor::~ReadinessMonitor() { Stop(); }

void ReadinessMonitor::Start() { worker_.Start(); }

void ReadinessMonitor::Stop() { worker_.Stop(); }

absl::Status ReadinessMonitor::CheckNow() {
  std::lock_guard lock(mu_);
  std::string failures;
  for (const auto& dependency : dependencies_) {
    const absl::Status status = dependency.probe();
    const auto was_failing = failing_.find(dependency.name);
    if (status.ok()) {
      if (was_failing != failing_.end()) {
        log::Info("dependency_available", {{"dependency", dependency.name}, {"last_error", was_failing->second}});
        failing_.erase(was_failing);
      }
      continue;
    }
    const std::string error(status.message());
    if (was_failing == failing_.end()) {
      log::Warn("dependency_unavailable", {{"dependency", dependency.name}, {"error", error}});
    }
    failing_[dependency.name] = error;
    failures += (failures.empty() ? "" : "; ") + dependency.name + ": " + error;
  }
  const bool ready = failures.empty();
  if (reported_ != ready) {
    report_(ready);
    if (reported_.has_value()) log::Info("readiness_changed", {{"serving", ready}});
    reported_ = ready;
  }
  return ready ? absl::OkStatus() : absl::UnavailableError(failures);
}

std::unique_ptr<ReadinessMonitor> StartReadiness(const ServiceContext& ctx, rpc::ServiceServer& server,
                                                 RedisNeed redis) {
  std::vector<Dependency> dependencies;
  if (ctx.db) dependencies.push_back(DatabaseDependency(*ctx.db, ctx.config.DatabaseUrl()));
  if (ctx.config.GetBool("services." + ctx.config.service() + ".readiness_requires_redis",
                         redis == RedisNeed::kRequired)) {
    dependencies.push_back(RedisDependency(ctx.redis));
  }
  auto monitor = std::make_unique<ReadinessMonitor>(
      std::move(dependencies), [&server](bool ready) { server.SetServing(ready); },
      std::chrono::milliseconds(ctx.config.ServiceInt("readiness_interval_ms", 1000)));
  monitor->Start();
  return monitor;
}

}  // namespace voc
