// voc.v1.AssignmentService over gRPC: one line per RPC through rpc::Serve,
// which maps AssignmentService's statuses to gRPC codes. Thread-safe like
// AssignmentService.
#pragma once

#include "services/assignment/assignment_service.h"
#include "voc/v1/assignment.grpc.pb.h"

namespace voc::assignment {

class AssignmentGrpc final : public v1::AssignmentService::Service {
 public:
  explicit AssignmentGrpc(AssignmentService& service) : service_(service) {}

  // `feedback` may be "feedback/{id}", "feedback/{id}/assignment" or a bare
  // id. INVALID_ARGUMENT when empty; NOT_FOUND before the feedback is routed.
  grpc::Status GetAssignment(grpc::ServerContext*, const v1::GetAssignmentRequest* request,
                             v1::Assignment* response) override;
  // FAILED_PRECONDITION "<file>:<line>: <problem>" when a file is invalid;
  // the previous rules stay in force.
  grpc::Status ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest* request,
                           v1::ReloadRulesResponse* response) override;

 private:
  AssignmentService& service_;
};

}  // namespace voc::assignment
