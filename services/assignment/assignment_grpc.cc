#include "services/assignment/assignment_grpc.h"

#include "common/auth/serve.h"

namespace voc::assignment {

using auth::Principal;
using grpc::ServerContext;
using grpc::Status;

Status AssignmentGrpc::GetAssignment(ServerContext* context, const v1::GetAssignmentRequest* request,
                                     v1::Assignment* response) {
  return auth::Serve(auth_, context, "GetAssignment", response, [&](const Principal& caller) {
    return service_.GetAssignment(caller, request->feedback());
  });
}

Status AssignmentGrpc::ReloadRules(ServerContext* context, const v1::ReloadRulesRequest*,
                                   v1::ReloadRulesResponse* response) {
  return auth::Serve(auth_, context, "ReloadRules", response, [&](const Principal& caller) {
    return rules_.ReloadRules(caller, auth::ClientAddressOf(*context));
  });
}

Status AssignmentGrpc::GetRoutingRules(ServerContext* context, const v1::GetRoutingRulesRequest*,
                                       v1::RoutingRules* response) {
  return auth::Serve(auth_, context, "GetRoutingRules", response,
                     [&](const Principal& caller) { return rules_.GetRoutingRules(caller); });
}

Status AssignmentGrpc::UpdateRoutingRules(ServerContext* context, const v1::UpdateRoutingRulesRequest* request,
                                          v1::RoutingRules* response) {
  return auth::Serve(auth_, context, "UpdateRoutingRules", response, [&](const Principal& caller) {
    return rules_.UpdateRoutingRules(caller, *request, auth::ClientAddressOf(*context));
  });
}

Status AssignmentGrpc::ListRuleVersions(ServerContext* context, const v1::ListRuleVersionsRequest* request,
                                        v1::ListRuleVersionsResponse* response) {
  return auth::Serve(auth_, context, "ListRuleVersions", response,
                     [&](const Principal& caller) { return rules_.ListRuleVersions(caller, *request); });
}

Status AssignmentGrpc::GetRuleVersion(ServerContext* context, const v1::GetRuleVersionRequest* request,
                                      v1::RuleVersion* response) {
  return auth::Serve(auth_, context, "GetRuleVersion", response,
                     [&](const Principal& caller) { return rules_.GetRuleVersion(caller, *request); });
}

Status AssignmentGrpc::RollbackRules(ServerContext* context, const v1::RollbackRulesRequest* request,
                                     v1::RuleVersion* response) {
  return auth::Serve(auth_, context, "RollbackRules", response, [&](const Principal& caller) {
    return rules_.RollbackRules(caller, *request, auth::ClientAddressOf(*context));
  });
}

}  // namespace voc::assignment
