// voc.v1.AssignmentService over gRPC: one line per RPC through auth::Serve,
// which authenticates the caller, maps AssignmentService's statuses to gRPC
// codes and audits refusals; AssignmentService decides who may do what.
// Thread-safe like AssignmentService.
#pragma once

#include "common/auth/authenticator.h"
#include "services/assignment/assignment_service.h"
#include "voc/v1/assignment.grpc.pb.h"

namespace voc::assignment {

class AssignmentGrpc final : public v1::AssignmentService::Service {
 public:
  AssignmentGrpc(AssignmentService& service, auth::Authenticator& authenticator)
      : service_(service), auth_(authenticator) {}

  // `feedback` may be "feedback/{id}", "feedback/{id}/assignment" or a bare
  // id. INVALID_ARGUMENT when empty; NOT_FOUND before the feedback is routed
  // (to a caller who reads all cases; PERMISSION_DENIED to one who may not
  // see it, routed or not).
  grpc::Status GetAssignment(grpc::ServerContext*, const v1::GetAssignmentRequest* request,
                             v1::Assignment* response) override;
  // PERMISSION_DENIED unless the caller may write rules; FAILED_PRECONDITION
  // "<file>:<line>: <problem>" when a file is invalid; the previous rules
  // stay in force.
  grpc::Status ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest* request,
                           v1::ReloadRulesResponse* response) override;

 private:
  AssignmentService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::assignment
