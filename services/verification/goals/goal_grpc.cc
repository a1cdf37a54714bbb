#include "services/verification/goals/goal_grpc.h"

#include "common/auth/serve.h"
#include "common/status/status.h"
#include "services/verification/goals/goal_access.h"

namespace voc::verification {

using auth::Principal;

grpc::Status GoalGrpc::CreateGoal(grpc::ServerContext* ctx, const v1::CreateGoalRequest* req, v1::Goal* resp) {
  return auth::Serve(auth_, ctx, "CreateGoal", resp,
                     [&](const Principal& caller) { return service_.CreateGoal(caller, *req); });
}
grpc::Status GoalGrpc::GetGoal(grpc::ServerContext* ctx, const v1::GetGoalRequest* req, v1::Goal* resp) {
  return auth::Serve(auth_, ctx, "GetGoal", resp,
                     [&](const Principal& caller) { return service_.GetGoal(caller, *req); });
}
grpc::Status GoalGrpc::ListGoals(grpc::ServerContext* ctx, const v1::ListGoalsRequest* req,
                                 v1::ListGoalsResponse* resp) {
  return auth::Serve(auth_, ctx, "ListGoals", resp,
                     [&](const Principal& caller) { return service_.ListGoals(caller, *req); });
}
grpc::Status GoalGrpc::ListGoalHistory(grpc::ServerContext* ctx, const v1::ListGoalHistoryRequest* req,
                                       v1::ListGoalHistoryResponse* resp) {
  return auth::Serve(auth_, ctx, "ListGoalHistory", resp,
                     [&](const Principal& caller) { return service_.ListGoalHistory(caller, *req); });
}
grpc::Status GoalGrpc::ArchiveGoal(grpc::ServerContext* ctx, const v1::ArchiveGoalRequest* req, v1::Goal* resp) {
  return auth::Serve(auth_, ctx, "ArchiveGoal", resp,
                     [&](const Principal& caller) { return service_.ArchiveGoal(caller, *req); });
}
grpc::Status GoalGrpc::EvaluateGoals(grpc::ServerContext* ctx, const v1::EvaluateGoalsRequest* req,
                                     v1::EvaluateGoalsResponse* resp) {
  return auth::Serve(auth_, ctx, "EvaluateGoals", resp,
                     [&](const Principal& caller) -> absl::StatusOr<v1::EvaluateGoalsResponse> {
                       VOC_RETURN_IF_ERROR(MayEvaluateGoals(caller));
                       return service_.EvaluateGoals(*req);
                     });
}

}  // namespace voc::verification
