#include "services/tracking/tasks/tasks_grpc.h"

#include "common/rpc/status.h"
#include "common/status/status.h"
#include "proto/api/resource_names.h"

namespace voc::tracking::tasks {

using rpc::Serve;

grpc::Status CaseTaskGrpc::AddTask(grpc::ServerContext*, const v1::AddTaskRequest* req,
                                   v1::Task* resp) {
  return Serve("AddTask", resp, [&] { return service_.AddTask(*req); });
}
grpc::Status CaseTaskGrpc::UpdateTaskState(grpc::ServerContext*,
                                           const v1::UpdateTaskStateRequest* req, v1::Task* resp) {
  return Serve("UpdateTaskState", resp, [&] { return service_.UpdateTaskState(*req); });
}
grpc::Status CaseTaskGrpc::UpdateTask(grpc::ServerContext*, const v1::UpdateTaskRequest* req,
                                      v1::Task* resp) {
  return Serve("UpdateTask", resp, [&] { return service_.UpdateTask(*req); });
}
grpc::Status CaseTaskGrpc::ListTasks(grpc::ServerContext*, const v1::ListTasksRequest* req,
                                     v1::ListTasksResponse* resp) {
  return Serve("ListTasks", resp, [&] { return service_.ListTasks(*req); });
}

grpc::Status ProjectWorkflowGrpc::ProposeProject(grpc::ServerContext*,
                                                 const v1::CreateProjectRequest* req,
                                                 v1::Project* resp) {
  return Serve("ProposeProject", resp, [&] { return workflow_.ProposeProject(*req); });
}
grpc::Status ProjectWorkflowGrpc::DecideProject(grpc::ServerContext*,
                                                const v1::DecideProjectRequest* req,
                                                v1::Project* resp) {
  return Serve("DecideProject", resp, [&] { return workflow_.DecideProject(*req); });
}
grpc::Status ProjectWorkflowGrpc::StartProject(grpc::ServerContext*,
                                               const v1::StartProjectRequest* req,
                                               v1::Project* resp) {
  return Serve("StartProject", resp, [&] { return workflow_.StartProject(*req); });
}
grpc::Status ProjectWorkflowGrpc::AddActionItem(grpc::ServerContext*,
                                                const v1::AddActionItemRequest* req,
                                                v1::Project* resp) {
  return Serve("AddActionItem", resp, [&] { return workflow_.AddActionItem(*req); });
}
grpc::Status ProjectWorkflowGrpc::UpdateActionItem(grpc::ServerContext*,
                                                   const v1::UpdateActionItemRequest* req,
                                                   v1::Project* resp) {
  return Serve("UpdateActionItem", resp, [&] { return workflow_.UpdateActionItem(*req); });
}
grpc::Status ProjectWorkflowGrpc::GetProject(grpc::ServerContext*, const v1::GetProjectRequest* req,
                                             v1::Project* resp) {
  return Serve("GetProject", resp, [&]() -> absl::StatusOr<v1::Project> {
    const std::string id = api::IdFromName(req->name(), "projects/");
    if (id.empty() || id.find('/') != std::string::npos) {
      return status::InvalidArgument("name", "must look like projects/{id}");
    }
    return workflow_.GetProject(id);
  });
}
grpc::Status ProjectWorkflowGrpc::WatchActionItems(grpc::ServerContext*,
                                                   const v1::WatchActionItemsRequest*,
                                                   v1::WatchActionItemsResponse* resp) {
  return Serve("WatchActionItems", resp, [&]() -> absl::StatusOr<v1::WatchActionItemsResponse> {
    VOC_ASSIGN_OR_RETURN(const auto fired, watcher_.WatchOnce());
    v1::WatchActionItemsResponse out;
    for (const auto& id : fired) out.add_fired(id);
    return out;
  });
}

}  // namespace voc::tracking::tasks
