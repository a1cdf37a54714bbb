// What every service's main() builds before its own logic: configuration,
// logging, the clock, Redis options and the migrated database.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/queue/redis_client.h"
#include "common/reports/settings.h"
#include "common/rpc/server.h"
#include "common/service/readiness.h"  // StartReadiness: every main() calls it after its server starts
#include "common/storage/database.h"

namespace voc {

struct ServiceMetrics;  // common/service/service_metrics.h

struct ServiceContext {
  Config config;
  std::unique_ptr<Clock> clock;
  DevClock* dev_clock = nullptr;  // points into `clock` when dev mode is on
  queue::RedisOptions redis;
  std::unique_ptr<storage::Database> db;  // null when no migrations were given
  std::string consumer_name;               // stable per replica: hostname
  // Where the service's gRPC (or HTTP) server binds: services.<name>.listen,
  // else DefaultListenAddress(name).
  std::string listen;
  // The /metrics endpoint on services.<name>.metrics_listen (null when that
  // is ""); it serves until the context is destroyed, at the end of main().
  std::shared_ptr<ServiceMetrics> metrics;
  // The report time zone and NPS minimum every service's figures share
  // (config section `reports`, common/reports/settings.h).
  reports::ReportSettings reports;
};

// The loopback address each service binds when its config names none:
// ingest 7101, triage 7102, assignment 7103, tracking 7104, verification
// 7105, gateway 8080, notify 7106, identity 7107, entities 7108. The one table of defaults; docs/operations.md quotes it.
std::string DefaultListenAddress(const std::string& service);

// Starts `server`; when it cannot bind, prints "voc-<service>: cannot start:
// ..." and exits with status 2 (a start-up error, never an abort). Returns
// the bound port.
int StartServerOrExit(rpc::ServiceServer& server, const std::string& service);

// Parses `--config FILE` (default config/voc.yaml) from argv, loads it for
// `service`, initialises logging, builds the clock (a DevClock when
// `dev_clock: true`), reads Redis options, and opens and migrates the
// service's database when `migrations` is non-empty, and reads the report
// settings.
// Prints a clear message and exits with status 2 on a configuration or
// storage error, since a service that cannot start must say why and stop.
ServiceContext BootstrapService(int argc, char** argv, const std::string& service,
                                const std::string& schema,
                                const std::vector<storage::Migration>& migrations);

// Redis options from the `redis` section (and VOC_REDIS_* overrides).
queue::RedisOptions RedisOptionsFrom(const Config& config);

}  // namespace voc
