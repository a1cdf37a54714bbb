#include "services/tracking/tasks/tasks_grpc.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/auth/serve.h"
#include "common/rpc/status.h"
#include "common/status/status.h"
#include "proto/api/resource_names.h"

namespace voc::tracking::tasks {


grpc::Status CaseTaskGrpc::AddTask(grpc::ServerContext* ctx, const v1::AddTaskRequest* req,
                                   v1::Task* resp) {
  return auth::Serve(auth_, ctx, "AddTask", resp, [&](const auth::Principal& caller) { return service_.AddTask(caller, *req); });
}
grpc::Status CaseTaskGrpc::UpdateTaskState(grpc::ServerContext* ctx,
                                           const v1::UpdateTaskStateRequest* req, v1::Task* resp) {
  return auth::Serve(auth_, ctx, "UpdateTaskState", resp, [&](const auth::Principal& caller) { return service_.UpdateTaskState(caller, *req); });
}
grpc::Status CaseTaskGrpc::UpdateTask(grpc::ServerContext* ctx, const v1::UpdateTaskRequest* req,
                                      v1::Task* resp) {
  return auth::Serve(auth_, ctx, "UpdateTask", resp, [&](const auth::Principal& caller) { return service_.UpdateTask(caller, *req); });
}
grpc::Status CaseTaskGrpc::ListTasks(grpc::ServerContext* ctx, const v1::ListTasksRequest* req,
                                     v1::ListTasksResponse* resp) {
  return auth::Serve(auth_, ctx, "ListTasks", resp, [&](const auth::Principal& caller) { return service_.ListTasks(caller, *req); });
}

grpc::Status ProjectWorkflowGrpc::ProposeProject(grpc::ServerContext* ctx,
                                                 const v1::CreateProjectRequest* req,
                                                 v1::Project* resp) {
  return auth::Serve(auth_, ctx, "ProposeProject", resp, [&](const auth::Principal& caller) { return workflow_.ProposeProject(caller, *req); });
}
grpc::Status ProjectWorkflowGrpc::DecideProject(grpc::ServerContext* ctx,
                                                const v1::DecideProjectRequest* req,
                                                v1::Project* resp) {
  return auth::Serve(auth_, ctx, "DecideProject", resp, [&](const auth::Principal& caller) { return workflow_.DecideProject(caller, *req); });
}
grpc::Status ProjectWorkflowGrpc::StartProject(grpc::ServerContext* ctx,
                                               const v1::StartProjectRequest* req,
                                               v1::Project* resp) {
  return auth::Serve(auth_, ctx, "StartProject", resp, [&](const auth::Principal& caller) { return workflow_.StartProject(caller, *req); });
}
grpc::Status ProjectWorkflowGrpc::AddActionItem(grpc::ServerContext* ctx,
                                                const v1::AddActionItemRequest* req,
                                                v1::Project* resp) {
  return auth::Serve(auth_, ctx, "AddActionItem", resp, [&](const auth::Principal& caller) { return workflow_.AddActionItem(caller, *req); });
}
grpc::Status ProjectWorkflowGrpc::UpdateActionItem(grpc::ServerContext* ctx,
                                                   const v1::UpdateActionItemRequest* req,
                                                   v1::Project* resp) {
  return auth::Serve(auth_, ctx, "UpdateActionItem", resp, [&](const auth::Principal& caller) { return workflow_.UpdateActionItem(caller, *req); });
}
grpc::Status ProjectWorkflowGrpc::GetProject(grpc::ServerContext* ctx, const v1::GetProjectRequest* req,
                                             v1::Project* resp) {
  return auth::Serve(auth_, ctx, "GetProject", resp, [&](const auth::Principal& caller) -> absl::StatusOr<v1::Project> {
    const std::string id = api::IdFromName(req->name(), "projects/");
    if (id.empty() || id.find('/') != std::string::npos) {
      return status::InvalidArgument("name", "must look like projects/{id}");
    }
    return workflow_.GetProject(caller, id);
  });
}
grpc::Status ProjectWorkflowGrpc::WatchActionItems(grpc::ServerContext* ctx,
                                                   const v1::WatchActionItemsRequest*,
                                                   v1::WatchActionItemsResponse* resp) {
  return auth::Serve(auth_, ctx, "WatchActionItems", resp, [&](const auth::Principal& caller) -> absl::StatusOr<v1::WatchActionItemsResponse> {
    // Normally periodic; running it on demand is for systems acting on cases.
    if (!caller.HasScope(auth::kCasesWrite)) {
      return caller.is_person() ? auth::Denied("run the action-item watcher")
                                : auth::MissingScope(auth::kCasesWrite);
    }
    VOC_ASSIGN_OR_RETURN(const auto fired, watcher_.WatchOnce());
    v1::WatchActionItemsResponse out;
    for (const auto& id : fired) out.add_fired(id);
    return out;
  });
}

}  // namespace voc::tracking::tasks
