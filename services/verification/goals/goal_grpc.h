// voc.v1.GoalService over gRPC: one line per RPC, each a call into
// GoalService through auth::Serve (authenticates, then the one absl -> gRPC
// mapping). GoalService checks the caller itself (goal_access.h), except
// EvaluateGoals, checked here (the scheduler calls it without a caller).
#pragma once

#include "common/auth/authenticator.h"
#include "services/verification/goals/goal_service.h"
#include "voc/v1/programme.grpc.pb.h"

namespace voc::verification {

class GoalGrpc final : public v1::GoalService::Service {
 public:
  GoalGrpc(GoalService& service, auth::Authenticator& authenticator) : service_(service), auth_(authenticator) {}

  grpc::Status CreateGoal(grpc::ServerContext*, const v1::CreateGoalRequest* request, v1::Goal* response) override;
  grpc::Status GetGoal(grpc::ServerContext*, const v1::GetGoalRequest* request, v1::Goal* response) override;
  grpc::Status ListGoals(grpc::ServerContext*, const v1::ListGoalsRequest* request,
                         v1::ListGoalsResponse* response) override;
  grpc::Status ListGoalHistory(grpc::ServerContext*, const v1::ListGoalHistoryRequest* request,
                               v1::ListGoalHistoryResponse* response) override;
  grpc::Status ArchiveGoal(grpc::ServerContext*, const v1::ArchiveGoalRequest* request, v1::Goal* response) override;
  grpc::Status EvaluateGoals(grpc::ServerContext*, const v1::EvaluateGoalsRequest* request,
                             v1::EvaluateGoalsResponse* response) override;

 private:
  GoalService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::verification
