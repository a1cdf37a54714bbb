// Readiness that means something: a service reports SERVING in
// grpc.health.v1 (for its name and for "") only while the things it cannot
// work without answer: its database and Redis. Kubernetes' readiness probe
// asks for that name, so a replica that lost its database leaves its Service
// until the database is back, and the liveness probe (rpc::kLivenessHealthName)
// does not restart it meanwhile. docs/operations.md ("Readiness").
#pragma once

#include <absl/status/status.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/queue/redis_client.h"
#include "common/service/periodic_worker.h"
#include "common/storage/database.h"

namespace voc {

namespace rpc {
class ServiceServer;
}
struct ServiceContext;

// Something a service cannot work without, and how to ask whether it answers.
struct Dependency {
  std::string name;                     // "database", "redis": named in the log
  std::function<absl::Status()> probe;  // OK when it answers, else why not; quick (short timeouts)
};

// Redis answers PING, on the probe's own connection with short connect and
// command timeouts (a stopped or unreachable Redis fails in well under a
// second).
Dependency RedisDependency(queue::RedisOptions options);

// The service's database `db`, opened from `url`:
// - PostgreSQL: `SELECT 1` on one of the service's own pooled sessions, so
//   it fails when the service's connections cannot work; a failed probe
//   reconnects that session (Database does so after any failure).
// - SQLite: there is no server, so "unreachable" means the file the service
//   uses cannot be read by a new connection: its folder is gone or
//   unreadable, the file was removed, or another file now sits at its path
//   (the service would be writing to a file nobody will open again). A
//   fresh read-only connection must read the schema, and the file at the
//   path must be the one there when the probe was made. A write lock held by
//   another connection is *not* an outage: in WAL mode readers go on, and
//   writers wait out the busy timeout and then answer UNAVAILABLE per call.
Dependency DatabaseDependency(storage::Database& db, const std::string& url);

// Runs the probes every `interval` on its own thread (the first pass at once
// on Start) and calls `report(ready)` when readiness changes (and after the
// first pass): ready while every probe answers OK. Each dependency's loss
// and return is logged once (`dependency_unavailable` warn,
// `dependency_available` info).
class ReadinessMonitor {
 public:
  ReadinessMonitor(std::vector<Dependency> dependencies, std::function<void(bool ready)> report,
                   std::chrono::milliseconds interval);
  ~ReadinessMonitor();  // Stop()s
  ReadinessMonitor(const ReadinessMonitor&) = delete;
  ReadinessMonitor& operator=(const ReadinessMonitor&) = delete;

  void Start();
  void Stop();
  // One pass now on the caller's thread (tests; passes never overlap): OK
  // when every dependency answered, else the failures named.
  absl::Status CheckNow();

 private:
  std::vector<Dependency> dependencies_;
  std::function<void(bool)> report_;
  std::mutex mu_;                                // one pass at a time: probes keep connections
  std::optional<bool> reported_;                 // guarded by mu_
  std::map<std::string, std::string> failing_;  // dependency -> error; guarded by mu_
  PeriodicWorker worker_;
};

// What a service's main() writes once its server has started:
//   const auto readiness = voc::StartReadiness(ctx, server);
// Watches ctx.db (when the service has one) and Redis, and sets `server`'s
// health. Keys: services.<name>.readiness_interval_ms (1000; 0 turns the
// monitor off and health stays SERVING while the process runs) and
// services.<name>.readiness_requires_redis (default `redis`: a service that
// keeps working without Redis, like ingest with its outbox, passes
// kNotRequired). Declare it after the server so it stops first.
enum class RedisNeed { kRequired, kNotRequired };
std::unique_ptr<ReadinessMonitor> StartReadiness(const ServiceContext& ctx, rpc::ServiceServer& server,
                                                 RedisNeed redis = RedisNeed::kRequired);

}  // namespace voc
