// voc.v1.AssignmentService over gRPC: one line per RPC through auth::Serve,
// which authenticates the caller, maps the statuses to gRPC codes and audits
// refusals; AssignmentService and RoutingRuleEditor decide who may do what
// (assignment_access.h for the routing rules).
// Thread-safe like AssignmentService.
#pragma once

#include "common/auth/authenticator.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/routing_rule_editor.h"
#include "voc/v1/assignment.grpc.pb.h"

namespace voc::assignment {

class AssignmentGrpc final : public v1::AssignmentService::Service {
 public:
  AssignmentGrpc(AssignmentService& service, RoutingRuleEditor& rules, auth::Authenticator& authenticator)
      : service_(service), rules_(rules), auth_(authenticator) {}

  // `feedback` may be "feedback/{id}", "feedback/{id}/assignment" or a bare
  // id. INVALID_ARGUMENT when empty; NOT_FOUND before the feedback is routed
  // (to a caller who reads all cases; PERMISSION_DENIED to one who may not
  // see it, routed or not).
  grpc::Status GetAssignment(grpc::ServerContext*, const v1::GetAssignmentRequest* request,
                             v1::Assignment* response) override;
  // PERMISSION_DENIED unless the caller may write rules; FAILED_PRECONDITION
  // "<file>:<line>: <problem>" when a file is invalid; the previous rules
  // stay in force. A changed routing file is recorded as a new version.
  grpc::Status ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest* request,
                           v1::ReloadRulesResponse* response) override;
  // Issue 9: the routing rules with their history (RoutingRuleEditor).
  grpc::Status GetRoutingRules(grpc::ServerContext*, const v1::GetRoutingRulesRequest*,
                               v1::RoutingRules* response) override;
  grpc::Status UpdateRoutingRules(grpc::ServerContext*, const v1::UpdateRoutingRulesRequest* request,
                                  v1::RoutingRules* response) override;
  grpc::Status ListRuleVersions(grpc::ServerContext*, const v1::ListRuleVersionsRequest* request,
                                v1::ListRuleVersionsResponse* response) override;
  grpc::Status GetRuleVersion(grpc::ServerContext*, const v1::GetRuleVersionRequest* request,
                              v1::RuleVersion* response) override;
  grpc::Status RollbackRules(grpc::ServerContext*, const v1::RollbackRulesRequest* request,
                             v1::RuleVersion* response) override;

 private:
  AssignmentService& service_;
  RoutingRuleEditor& rules_;
  auth::Authenticator& auth_;
};

}  // namespace voc::assignment
