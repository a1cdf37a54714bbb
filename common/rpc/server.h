// Starts a service's gRPC server the same way everywhere: health checking
// and reflection on, the dev clock service when dev mode is on, graceful
// shutdown on SIGINT/SIGTERM.
#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"

namespace voc::rpc {

struct ServerOptions {
  std::string service_name;  // "ingest", ... (health status is reported for it and for "")
  std::string listen;        // "127.0.0.1:7101"; port 0 picks a free port
  DevClock* dev_clock = nullptr;  // non-null only in dev mode
};

class ServiceServer {
 public:
  ServiceServer(ServerOptions options, std::vector<grpc::Service*> services);
  ~ServiceServer();

  // Binds and starts serving. Returns the bound port, or UNAVAILABLE naming
  // the address when it cannot be bound (in use, not local, malformed).
  absl::StatusOr<int> Start();
  // Blocks until SIGINT/SIGTERM (or Shutdown()), then stops the server
  // gracefully (in-flight RPCs get up to 5 s).
  void WaitForShutdownSignal();
  void Shutdown();

 private:
  ServerOptions options_;
  std::vector<grpc::Service*> services_;
  std::unique_ptr<grpc::Service> dev_clock_service_;
  std::unique_ptr<grpc::Server> server_;
};

// "ingest" -> "voc.v1.IngestService": the name health checks report.
std::string HealthServiceName(const std::string& service);

// A channel to another service with sane defaults (keepalive, insecure on
// loopback / inside the cluster network).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Blocks SIGINT/SIGTERM in the calling thread (call first in main, before
// any thread starts) so WaitForShutdownSignal() can receive them.
void BlockShutdownSignals();

}  // namespace voc::rpc
