// The bare gRPC echo server: the machine's ceiling for a unary call. It is
// started with the services' own bootstrap (rpc::ServiceServer: the same
// builder options, health service and reflection), so the only difference
// from a real call is the work the real handler does.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "tools/load/driver.h"
#include "tools/load/echo.grpc.pb.h"

namespace voc::rpc {
class ServiceServer;
}

namespace voc::load {

// The size of the echo payload: about a feedback's submit request.
inline constexpr int kEchoPayloadBytes = 500;

class EchoServer {
 public:
  EchoServer();
  ~EchoServer();
  // Binds 127.0.0.1 on a free port and starts serving; returns the port.
  absl::StatusOr<int> Start();
  void Shutdown();

 private:
  class Service;
  std::unique_ptr<Service> service_;
  std::unique_ptr<rpc::ServiceServer> server_;
};

// Echo calls with a 500-byte payload on `stub`, for the driver.
CallFactory EchoCalls(echo::EchoService::Stub& stub);

}  // namespace voc::load
