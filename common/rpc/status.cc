#include "common/rpc/status.h"

#include "common/log/log.h"

namespace voc::rpc {

grpc::Status Guard(const char* rpc_name, const std::function<grpc::Status()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    log::Error("rpc_failed", {{"rpc", rpc_name}, {"error", e.what()}});
    return Internal(std::string(rpc_name) + " failed: " + e.what());
  }
}

}  // namespace voc::rpc
