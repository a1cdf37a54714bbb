// rpc::Serve with a caller: authenticates, runs the logic with the Principal,
// maps its status, counts the RPC, and writes a PERMISSION_DENIED the logic
// returned to the audit log. Every RPC of every service goes through it:
//
//   grpc::Status TrackingGrpc::ResolveCase(grpc::ServerContext* ctx, const Req* req, v1::Case* resp) {
//     return auth::Serve(auth_, ctx, "ResolveCase", resp,
//                        [&](const auth::Principal& caller) { return service_.ResolveCase(caller, *req); });
//   }
#pragma once

#include <chrono>
#include <string>
#include <type_traits>

#include "common/auth/authenticator.h"
#include "common/rpc/status.h"

namespace voc::auth {

// The peer's address for audit lines ("ipv4:127.0.0.1:5123"), or the
// gateway's x-voc-client-address when the gateway acts for a person.
std::string ClientAddressOf(const grpc::ServerContextBase& context);

template <typename Response, typename Call>
grpc::Status Serve(Authenticator& authenticator, const grpc::ServerContextBase* context,
                   const char* rpc_name, Response* response, Call&& call) {
  const auto started = std::chrono::steady_clock::now();
  // The sync ServerContext has no public method name in this gRPC version:
  // audit lines name the service (AuditSink) and the RPC.
  const std::string method = rpc_name;
  grpc::Status status = rpc::Guard(rpc_name, [&]() -> grpc::Status {
    auto caller = authenticator.Authenticate(*context, method);
    if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
    auto result = call(static_cast<const Principal&>(*caller));
    absl::Status outcome;
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, absl::Status>) {
      outcome = result;
    } else {
      if (result.ok()) *response = std::move(result).value();
      outcome = result.status();
    }
    if (outcome.code() == absl::StatusCode::kPermissionDenied) {
      authenticator.audit().Record({"permission_denied", caller->id, caller->via, method, "",
                                    ClientAddressOf(*context), std::string(outcome.message())});
    }
    return rpc::ToGrpcStatus(outcome);
  });
  rpc::RecordHandled(rpc_name, status, started);
  return status;
}

}  // namespace voc::auth
