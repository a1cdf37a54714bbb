// The RPC edge of the error currency: the one mapping from absl::Status to
// grpc::Status, and Serve(), which every <Stage>Grpc adapter uses so that each
// RPC is one line.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/util/utf8.h"

namespace voc::rpc {

// The same code and message. An INTERNAL or UNKNOWN message is cut to
// ClientSafeError (the full one is logged where it arose).
grpc::Status ToGrpcStatus(const absl::Status& status);

// Counts one handled RPC in the service's metrics (voc_rpc_handled_total by
// method and code, voc_rpc_duration_seconds by method; common/metrics).
void RecordHandled(const char* rpc_name, const grpc::Status& status, std::chrono::steady_clock::time_point started);

// Runs a logic call for RPC `rpc_name` under Guard and maps its status:
//   call() -> absl::StatusOr<Response>: the value is moved into *response;
//   call() -> absl::Status:             the call filled *response itself.
// Every RPC passes here, so this is where RPCs are counted and timed (real
// time: a latency, not business time, so not the injected clock).
template <typename Response, typename Call>
grpc::Status Serve(const char* rpc_name, Response* response, Call&& call) {
  const auto started = std::chrono::steady_clock::now();
  grpc::Status status = Guard(rpc_name, [&]() -> grpc::Status {
    auto result = call();
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, absl::Status>) {
      return ToGrpcStatus(result);
    } else {
      if (!result.ok()) return ToGrpcStatus(result.status());
      *response = std::move(result).value();
      return grpc::Status::OK;
    }
  });
  RecordHandled(rpc_name, status, started);
  return status;
}

// "INVALID_ARGUMENT", "NOT_FOUND", ... for messages and JSON errors.
std::string StatusCodeName(grpc::StatusCode code);

// Runs fn, turning an escaping exception into INTERNAL so a bug never takes
// the process down mid-request. The log gets the whole error; the caller gets
// ClientSafeError of it.
grpc::Status Guard(const char* rpc_name, const std::function<grpc::Status()>& fn);

// ClientSafeError lives with the other text helpers (common/util/utf8.h).
using voc::ClientSafeError;

}  // namespace voc::rpc
