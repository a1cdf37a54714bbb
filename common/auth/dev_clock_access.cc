#include "common/auth/dev_clock_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/auth/serve.h"
#include "common/rpc/status.h"

namespace voc::auth {

std::function<grpc::Status(const grpc::ServerContext&)> DevClockAuthorizer(Authenticator& authenticator) {
  return [&authenticator](const grpc::ServerContext& context) -> grpc::Status {
    constexpr char kMethod[] = "/voc.v1.DevClockService/AdvanceClock";
    auto caller = authenticator.Authenticate(context, kMethod);
    if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
    if (caller->HasScope(kClockWrite) || IsAdmin(*caller)) return grpc::Status::OK;
    const absl::Status refused = MissingScope(kClockWrite);
    authenticator.audit().Record({"permission_denied", caller->id, caller->via, kMethod, "dev_clock",
                                  ClientAddressOf(context), std::string(refused.message())});
    return rpc::ToGrpcStatus(refused);
  };
}

}  // namespace voc::auth
