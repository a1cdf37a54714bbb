#include "services/assignment/assignment_grpc.h"

#include "common/auth/serve.h"

namespace voc::assignment {

grpc::Status AssignmentGrpc::GetAssignment(grpc::ServerContext* context,
                                           const v1::GetAssignmentRequest* request,
                                           v1::Assignment* response) {
  return auth::Serve(auth_, context, "GetAssignment", response, [&](const auth::Principal& caller) {
    return service_.GetAssignment(caller, request->feedback());
  });
}

grpc::Status AssignmentGrpc::ReloadRules(grpc::ServerContext* context, const v1::ReloadRulesRequest*,
                                         v1::ReloadRulesResponse* response) {
  return auth::Serve(auth_, context, "ReloadRules", response, [&](const auth::Principal& caller) {
    return service_.ReloadRules(caller, auth_.audit(), auth::ClientAddressOf(*context));
  });
}

}  // namespace voc::assignment
