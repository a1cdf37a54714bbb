// Who may move a service's dev clock (issue 9). common/rpc runs the
// DevClockService but cannot know callers (common/auth builds on it), so it
// asks rpc::ServerOptions::authorize_dev_clock; every main() sets that to
// this, with the authenticator its RPCs run under.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>

#include "common/auth/authenticator.h"

namespace voc::auth {

// A caller `authenticator` accepts that holds clock:write, or an admin (the
// admin scope; the admin role through the gateway). Otherwise the gRPC
// status to answer: UNAUTHENTICATED, or PERMISSION_DENIED (audited).
// `authenticator` must outlive the server.
std::function<grpc::Status(const grpc::ServerContext&)> DevClockAuthorizer(Authenticator& authenticator);

}  // namespace voc::auth
