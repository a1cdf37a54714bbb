#include "common/rpc/status.h"

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"

namespace voc::rpc {

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC's and absl's codes are the same numbers (0..16); absl names them.
  const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));  // same numbering
  std::string message(status.message());
  if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN) {
    message = ClientSafeError(message);
  }
  return {code, message};
}

void RecordHandled(const char* rpc_name, const grpc::Status& status, std::chrono::steady_clock::time_point started) {
  metrics::RecordRpc(rpc_name, static_cast<int>(status.error_code()), std::chrono::steady_clock::now() - started);
}

grpc::Status Guard(const char* rpc_name, const std::function<grpc::Status()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    log::Error("rpc_failed", {{"rpc", rpc_name}, {"error", e.what()}});
    return {grpc::StatusCode::INTERNAL,
            std::string(rpc_name) + " failed: " + ClientSafeError(e.what()) + " (details in the service log)"};
  }
}

}  // namespace voc::rpc
