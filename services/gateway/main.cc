// voc-gateway: the department owners' web page and its JSON API over the
// services' gRPC interfaces. No database, no queue: config, the org
// directory's departments, gRPC channels and the HTTP server.
#include <csignal>
#include <iostream>

#include "common/auth/audit.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/org/org_directory.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/reports/settings.h"
#include "services/gateway/grpc_clients.h"
#include "services/gateway/http_server.h"
#include "services/gateway/readiness.h"
#include "services/gateway/router.h"
#include "services/gateway/session_gate.h"

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, then wait for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Config, logging and ctx.listen (services.gateway.listen, else the
  // documented loopback default); no migrations, so no database.
  auto ctx = voc::BootstrapService(argc, argv, "gateway", "gateway", {});
  const auto& config = ctx.config;

  // The departments come from the org directory every service reads.
  const std::string directory_path =
      config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath);
  auto directory = voc::org::OrgDirectory::Load(directory_path);
  if (!directory.ok()) {
    std::cerr << "voc-gateway: cannot start: " << directory.status().message() << "\n";
    return 2;
  }
  std::vector<voc::org::Department> departments;
  for (const auto* d : directory->Departments()) departments.push_back(*d);

  // Deadlines and the dev-clock fallback run on the wall clock; in dev mode
  // the time shown comes from tracking's dev clock.
  voc::SystemClock wall_clock;
  // Issue 9: every call carries the gateway's own token (VOC_SERVICE_TOKEN);
  // calls made for a logged-in person add x-voc-acting-for (grpc_clients.h).
  auto security = voc::rpc::ChannelSecurityFrom(config);
  if (!security.ok()) {
    std::cerr << "voc-gateway: cannot start: " << security.status().message() << "\n";
    return 2;
  }
  auto gate_options = voc::gateway::SessionGateOptionsFrom(config);
  if (!gate_options.ok()) {
    std::cerr << "voc-gateway: cannot start: " << gate_options.status().message() << "\n";
    return 2;
  }
  auto channel = [&](const char* service) { return voc::rpc::MakeChannel(config.AddressOf(service), *security); };
  voc::gateway::GrpcBackendOptions backend_options;
  backend_options.tracking = channel("tracking");
  backend_options.ingest = channel("ingest");
  backend_options.triage = channel("triage");
  backend_options.verification = channel("verification");
  // The case page's delivery log (issue 11); not a readiness backend: the
  // page works without it.
  if (config.Has("services.notify.address") || config.Has("services.notify.listen")) {
    backend_options.notify = channel("notify");
  }
  // Issue 13: the Campaigns panel (voc-entities' OutreachService); not a
  // readiness backend either: without it the panel says so.
  if (config.Has("services.entities.address") || config.Has("services.entities.listen")) {
    backend_options.entities = channel("entities");
  }
  // GET /readyz: ready while every backend's gRPC health says SERVING.
  voc::gateway::GrpcReadinessProbe readiness(
      {{"tracking", backend_options.tracking},
       {"ingest", backend_options.ingest},
       {"triage", backend_options.triage},
       {"verification", backend_options.verification}},
      std::chrono::milliseconds(config.ServiceInt("readiness_timeout_ms", 1000)));
  backend_options.dev_clock = config.GetBool("dev_clock", false);
  backend_options.deadline = std::chrono::milliseconds(config.ServiceInt("rpc_deadline_ms", 5000));
  voc::gateway::GrpcBackend backend(std::move(backend_options), wall_clock);
  voc::gateway::Router router(backend, std::move(departments),
                              voc::gateway::StaticFiles(config.ServiceString("static_dir", "services/gateway/web")),
                              &readiness);
  // Issue 12: the libraries bundled at build time (ECharts), under /vendor/.
  router.ServeVendorFiles(voc::gateway::StaticFiles(config.ServiceString("vendor_dir", VOC_BUILD_VENDOR_DIR)));
  router.UseReportOffset(voc::reports::ReadReportSettings(config).utc_offset_minutes);

  // Issue 9: sessions live in voc-identity; the gate decides who is calling
  // before the Router (session_gate.h).
  voc::gateway::GrpcSessionAuthority sessions(
      channel("identity"), std::chrono::milliseconds(config.ServiceInt("rpc_deadline_ms", 5000)));
  voc::auth::StreamAuditSink audit("gateway", wall_clock, ctx.redis);
  voc::gateway::SessionGate gate(sessions, router, audit, *std::move(gate_options));

  voc::gateway::HttpServerOptions options;
  options.listen = ctx.listen;
  options.threads = static_cast<int>(config.ServiceInt("threads", 4));
  options.body_limit = static_cast<std::size_t>(config.ServiceInt("max_body_bytes", 64 * 1024));
  // HTTPS (issue 9): tls.enabled or services.gateway.tls_cert_file / tls_key_file.
  auto https = voc::gateway::HttpsCertificateFrom(config);
  if (!https.ok()) {
    std::cerr << "voc-gateway: cannot start: " << https.status().message() << "\n";
    return 2;
  }
  options.tls = *std::move(https);
  voc::gateway::HttpServer server(options, [&](const voc::gateway::HttpRequest& r) { return gate.Handle(r); });
  const auto port = server.Start();
  if (!port.ok()) {
    std::cerr << "voc-gateway: cannot start: " << port.status().message() << "\n";
    return 2;
  }
  voc::log::Info("gateway_started", {{"listen", options.listen}, {"port", *port}, {"https", options.tls.has_value()}, {"directory", directory_path}});

  int received = 0;
  sigwait(&signals, &received);
  voc::log::Info("gateway_stopping", {{"signal", received}});
  server.Stop();
  return 0;
}
