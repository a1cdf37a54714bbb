// voc-gateway: the department owners' web page and its JSON API over the
// services' gRPC interfaces.
#include <csignal>
#include <iostream>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/org/org_directory.h"
#include "common/rpc/server.h"
#include "services/gateway/grpc_backend.h"
#include "services/gateway/http_server.h"
#include "services/gateway/router.h"

namespace {

std::string ConfigPath(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") return argv[i + 1];
  }
  return "config/voc.yaml";
}

}  // namespace

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, then wait for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    const voc::Config config = voc::Config::Load(ConfigPath(argc, argv), "gateway");
    voc::log::Init("gateway", config.GetString("log_format", "json"), config.GetString("log_level", "info"));

    // The gateway reads the same org directory as assignment unless told otherwise.
    const std::string directory_path =
        config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath);
    auto departments = voc::gateway::LoadDepartments(directory_path);

    voc::SystemClock wall_clock;
    voc::gateway::GrpcBackendOptions backend_options;
    backend_options.tracking = voc::rpc::MakeChannel(config.AddressOf("tracking"));
    backend_options.ingest = voc::rpc::MakeChannel(config.AddressOf("ingest"));
    backend_options.triage = voc::rpc::MakeChannel(config.AddressOf("triage"));
    backend_options.verification = voc::rpc::MakeChannel(config.AddressOf("verification"));
    backend_options.dev_clock = config.GetBool("dev_clock", false);
    backend_options.deadline = std::chrono::milliseconds(config.ServiceInt("rpc_deadline_ms", 5000));
    voc::gateway::GrpcBackend backend(std::move(backend_options), wall_clock);
    voc::gateway::Router router(backend, std::move(departments),
                                voc::gateway::StaticFiles(config.ServiceString("static_dir", "services/gateway/web")));

    voc::gateway::HttpServerOptions options;
    options.listen = config.ServiceString("listen", "127.0.0.1:8080");
    options.threads = static_cast<int>(config.ServiceInt("threads", 4));
    options.body_limit = static_cast<std::size_t>(config.ServiceInt("max_body_bytes", 64 * 1024));
    voc::gateway::HttpServer server(options, [&](const voc::gateway::HttpRequest& r) { return router.Handle(r); });
    const int port = server.Start();
    voc::log::Info("gateway_started", {{"listen", options.listen}, {"port", port}, {"directory", directory_path}});

    int received = 0;
    sigwait(&signals, &received);
    voc::log::Info("gateway_stopping", {{"signal", received}});
    server.Stop();
  } catch (const std::exception& e) {
    std::cerr << "voc-gateway: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
