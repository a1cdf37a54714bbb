// Starts a service's gRPC server the same way everywhere: health checking,
// reflection when grpc_reflection is on, TLS when tls.enabled is on (with a
// plaintext health-only port for probes), the dev clock service when dev mode
// is on, graceful shutdown on SIGINT/SIGTERM.
#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/config/config.h"

namespace voc::rpc {

// The grpc.health.v1 name that is SERVING from Start() to Shutdown() whatever
// the database or Redis do: startup and liveness probes ask for it, so an
// outage takes a pod out of its Service (readiness) without restarting it.
inline constexpr char kLivenessHealthName[] = "liveness";

// A certificate chain and its private key, PEM, as read from their files.
struct TlsCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// Reads the PEM files named by the config keys `cert_key` and `key_key`
// (e.g. "tls.cert_file", "tls.key_file") and checks that they hold a
// certificate and the private key that belongs to it. INVALID_ARGUMENT
// "<config file>: <key>: cannot read '<path>'" (or "is not set", "holds no
// PEM certificate", "does not match tls.cert_file"), so a service refuses to
// start naming what to fix.
absl::StatusOr<TlsCertificate> LoadTlsCertificate(const Config& config, const std::string& cert_key,
                                                  const std::string& key_key);

// How a gRPC server is reached (issue 9), from the configuration.
struct ServerSecurity {
  // grpc_reflection (default true, for development; the chart sets false).
  bool reflection = true;
  // tls.enabled: the listener speaks only TLS with `certificate`
  // (tls.cert_file / tls.key_file); plaintext clients are refused.
  bool tls = false;
  TlsCertificate certificate;
  // services.<name>.health_listen ("" = none): a second, plaintext listener
  // that serves only grpc.health.v1 with the main server's statuses, for
  // probes that cannot speak TLS (the kubelet's gRPC probe). Port 0 picks one.
  std::string health_listen;
};

// The running service's security from `config` (its service() names the
// services.<name> section). Errors as LoadTlsCertificate's.
absl::StatusOr<ServerSecurity> ServerSecurityFrom(const Config& config);

// The security a ServiceServer uses when its options carry none:
// BootstrapService sets it from the service's configuration, so every
// main() gets TLS and the reflection switch without passing them along.
// Before that (unit tests) it is plaintext with reflection.
void SetProcessServerSecurity(ServerSecurity security);
ServerSecurity ProcessServerSecurity();

struct ServerOptions {
  std::string service_name;  // "ingest", ... (health status is reported for it and for "")
  std::string listen;        // "127.0.0.1:7101"; port 0 picks a free port
  DevClock* dev_clock = nullptr;  // non-null only in dev mode
  // Unset: ProcessServerSecurity().
  std::optional<ServerSecurity> security = std::nullopt;
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

  // Binds and starts serving (and the health-only listener, if any).
  // Returns the bound port, or UNAVAILABLE naming the address when it cannot
  // be bound (in use, not local, malformed).
  absl::StatusOr<int> Start();
  // The health-only listener's bound port; 0 when there is none.
  int health_port() const { return health_port_; }
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
  // Sets `name`'s status on the main server's health service and on the
  // health-only listener's. Caller holds health_mu_.
  void SetStatusLocked(const std::string& name, bool serving);

  ServerOptions options_;
  ServerSecurity security_;
  std::mutex health_mu_;
  // Guarded by health_mu_; empty when not serving. The main server's health
  // service, then the health-only listener's.
  std::vector<grpc::HealthCheckServiceInterface*> health_;
  std::vector<grpc::Service*> services_;
  std::unique_ptr<grpc::Service> dev_clock_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::CallbackGenericService> unknown_methods_;  // the health-only listener's "UNIMPLEMENTED"
  std::unique_ptr<grpc::Server> health_server_;  // the plaintext health-only listener
  int health_port_ = 0;
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
