#include "common/service/context.h"

#include <unistd.h>

#include <cstring>
#include <map>
#include <iostream>

#include "common/log/log.h"
#include "common/service/service_metrics.h"

namespace voc {

std::string DefaultListenAddress(const std::string& service) {
  static const std::map<std::string, int> kPorts = {
      {"ingest", 7101},   {"triage", 7102},       {"assignment", 7103},
      {"tracking", 7104}, {"verification", 7105}, {"gateway", 8080},
      {"notify", 7106},   // issue 11: voc-notify
      {"identity", 7107},   // issue 9: voc-identity
      {"entities", 7108}};  // issue 13: voc-entities
  auto it = kPorts.find(service);
  return "127.0.0.1:" + std::to_string(it == kPorts.end() ? 0 : it->second);
}

int StartServerOrExit(rpc::ServiceServer& server, const std::string& service) {
  auto port = server.Start();
  if (!port.ok()) {
    std::cerr << "voc-" << service << ": cannot start: " << port.status().message() << "\n";
    std::exit(2);
  }
  return *port;
}

queue::RedisOptions RedisOptionsFrom(const Config& config) {
  queue::RedisOptions options;
  options.host = config.GetString("redis.host", "127.0.0.1");
  options.port = static_cast<int>(config.GetInt("redis.port", 6379));
  options.password = config.GetString("redis.password", "");
  return options;
}

ServiceContext BootstrapService(int argc, char** argv, const std::string& service, const std::string& schema,
                                const std::vector<storage::Migration>& migrations) {
  std::string config_path = "config/voc.yaml";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "usage: voc-" << service << " [--config FILE]\n"
                << "  FILE defaults to config/voc.yaml; VOC_* environment variables override it\n"
                << "  (see docs/operations.md).\n";
      std::exit(0);
    } else {
      std::cerr << "voc-" << service << ": unknown argument " << arg << " (try --help)\n";
      std::exit(2);
    }
  }
  const auto exit_cannot_start = [&](const absl::Status& status) {
    std::cerr << "voc-" << service << ": cannot start: " << status.message() << "\n";
    std::exit(2);
  };
  absl::StatusOr<Config> loaded = Config::Load(config_path, service);
  if (!loaded.ok()) exit_cannot_start(loaded.status());
  try {
    Config config = *std::move(loaded);
    log::Init(service, config.GetString("log_format", "json"), config.GetString("log_level", "info"));
    ServiceContext ctx{std::move(config), nullptr, nullptr, {}, nullptr, "", "", nullptr};
    if (ctx.config.GetBool("dev_clock", false)) {
      auto dev = std::make_unique<DevClock>();
      ctx.dev_clock = dev.get();
      ctx.clock = std::move(dev);
      log::Warn("dev_clock_enabled", {{"note", "the clock can be moved forward by RPC; never in production"}});
    } else {
      ctx.clock = std::make_unique<SystemClock>();
    }
    ctx.redis = RedisOptionsFrom(ctx.config);
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    ctx.consumer_name = ctx.config.ServiceString("consumer_name", std::string(host) + "-" + service);
    ctx.listen = ctx.config.ServiceString("listen", DefaultListenAddress(service));
    ctx.reports = reports::ReadReportSettings(ctx.config);
    // issue 9: TLS (tls.*), grpc_reflection and the health-only listener for
    // every ServiceServer of this process; unreadable certificate files stop it here.
    auto server_security = rpc::ServerSecurityFrom(ctx.config);
    if (!server_security.ok()) exit_cannot_start(server_security.status());
    rpc::SetProcessServerSecurity(*std::move(server_security));
    if (!migrations.empty()) {
      auto db = storage::Database::Open(ctx.config.DatabaseUrl(),
                                        static_cast<int>(ctx.config.ServiceInt("database_pool_size", 4)));
      if (!db.ok()) exit_cannot_start(db.status());
      ctx.db = *std::move(db);
      absl::StatusOr<int> version = ctx.db->Migrate(schema, migrations);
      if (!version.ok()) exit_cannot_start(version.status());
      log::Info("database_ready", {{"url", ctx.db->display_url()}, {"schema_version", *version}});
    }
    ctx.metrics = StartServiceMetricsOrExit(ctx.config, service, ctx.redis);
    return ctx;
  } catch (const ConfigError& e) {
    // A typed getter met a value of the wrong type while the service was set up.
    std::cerr << "voc-" << service << ": cannot start: " << e.what() << "\n";
    std::exit(2);
  }
}

}  // namespace voc
