// Whether the gateway can do its job: it has no database or queue of its
// own, so it is ready while the services it calls are. GET /readyz (the
// chart's readiness probe) asks each backend's grpc.health.v1 about the
// backend's own service name, all at once with a short deadline; GET /healthz
// stays the liveness answer (the process serves HTTP), so a backend's outage
// takes the gateway out of its Service without restarting it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace voc::gateway {

struct BackendHealth {
  std::string backend;  // "tracking", ...
  bool serving = false;
  // "SERVING", "NOT_SERVING", or why the question got no answer
  // ("UNAVAILABLE: ..." when the backend cannot be reached).
  std::string detail;
};

class ReadinessProbe {
 public:
  virtual ~ReadinessProbe() = default;
  // One entry per backend, in a fixed order. Thread-safe.
  virtual std::vector<BackendHealth> Check() = 0;
};

class GrpcReadinessProbe final : public ReadinessProbe {
 public:
  struct Backend {
    std::string name;  // "tracking": asks for rpc::HealthServiceName("tracking")
    std::shared_ptr<grpc::Channel> channel;
  };
  GrpcReadinessProbe(std::vector<Backend> backends, std::chrono::milliseconds deadline);
  std::vector<BackendHealth> Check() override;

 private:
  std::vector<Backend> backends_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::gateway
