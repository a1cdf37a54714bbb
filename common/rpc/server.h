// Starts a service's gRPC server the same way everywhere: health checking
// and reflection on, the dev clock service when dev mode is on, graceful
// shutdown on SIGINT/SIGTERM.
#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock/clock.h"

namespace voc::rpc {

// The grpc.health.v1 name that is SERVING from Start() to Shutdown() whatever
// the database or Redis do: startup and liveness probes ask for it, so an
// outage takes a pod out of its Service (readiness) without restarting it.
inline constexpr char kLivenessHealthName[] = "liveness";

struct ServerOptions {
  std::string service_name;  // "ingest", ... (health status is reported for it and for "")
  std::string listen;        // "127.0.0.1:7101"; port 0 picks a free port
  DevClock* dev_clock = nullptr;  // non-null only in dev mode
  // Who may move the dev clock (issue 9): AdvanceClock asks it first and
  // answers its refusal. common/rpc cannot know callers (common/auth builds
  // on it), so each main() sets it from its authenticator
  // (auth::DevClockAuthorizer: clock:write or admin). Unset: every
  // AdvanceClock is refused with PERMISSION_DENIED. GetTime stays open.
  std::function<grpc::Status(const grpc::ServerContext&)> authorize_dev_clock = nullptr;
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

  // Readiness in grpc.health.v1: sets the service's name and "" to SERVING
  // or NOT_SERVING (Start() begins SERVING). The readiness monitor
  // (common/service/readiness.h) calls it as the database and Redis come and
  // go. Thread-safe; ignored before Start() and from Shutdown() on.
  void SetServing(bool serving);

 private:
  ServerOptions options_;
  std::mutex health_mu_;
  grpc::HealthCheckServiceInterface* health_ = nullptr;  // guarded by health_mu_; null when not serving
  std::vector<grpc::Service*> services_;
  std::unique_ptr<grpc::Service> dev_clock_service_;
  std::unique_ptr<grpc::Server> server_;
};

// "ingest" -> "voc.v1.IngestService": the name health checks report.
std::string HealthServiceName(const std::string& service);

// A channel WITHOUT a credential (plaintext, no token): only for health
// probes. Calls to services go through common/rpc/channel.h's
// MakeChannel(address, ChannelSecurity), which carries the caller's token.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Blocks SIGINT/SIGTERM in the calling thread (call first in main, before
// any thread starts) so WaitForShutdownSignal() can receive them.
void BlockShutdownSignals();

}  // namespace voc::rpc
