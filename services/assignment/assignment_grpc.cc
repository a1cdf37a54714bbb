#include "services/assignment/assignment_grpc.h"

#include "common/rpc/status.h"

namespace voc::assignment {

using rpc::Serve;

grpc::Status AssignmentGrpc::GetAssignment(grpc::ServerContext*,
                                           const v1::GetAssignmentRequest* request,
                                           v1::Assignment* response) {
  return Serve("GetAssignment", response, [&] { return service_.GetAssignment(request->feedback()); });
}

grpc::Status AssignmentGrpc::ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest*,
                                         v1::ReloadRulesResponse* response) {
  return Serve("ReloadRules", response, [&] { return service_.ReloadRules(); });
}

}  // namespace voc::assignment
