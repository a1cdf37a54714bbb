// voc.v1.CaseTaskService and voc.v1.ProjectWorkflowService over gRPC: one
// line per RPC through auth::Serve, which authenticates the caller, passes
// it to the logic that decides, and maps the absl statuses to gRPC codes. Served by voc-tracking beside TrackingService.
#pragma once

#include "common/auth/authenticator.h"
#include "services/tracking/tasks/action_item_watcher.h"
#include "services/tracking/tasks/project_workflow.h"
#include "services/tracking/tasks/task_service.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::tracking::tasks {

class CaseTaskGrpc final : public v1::CaseTaskService::Service {
 public:
  CaseTaskGrpc(auth::Authenticator& auth, TaskService& service) : auth_(auth), service_(service) {}
  grpc::Status AddTask(grpc::ServerContext*, const v1::AddTaskRequest*, v1::Task*) override;
  grpc::Status UpdateTaskState(grpc::ServerContext*, const v1::UpdateTaskStateRequest*,
                               v1::Task*) override;
  grpc::Status UpdateTask(grpc::ServerContext*, const v1::UpdateTaskRequest*, v1::Task*) override;
  grpc::Status ListTasks(grpc::ServerContext*, const v1::ListTasksRequest*,
                         v1::ListTasksResponse*) override;

 private:
  auth::Authenticator& auth_;
  TaskService& service_;
};

class ProjectWorkflowGrpc final : public v1::ProjectWorkflowService::Service {
 public:
  ProjectWorkflowGrpc(auth::Authenticator& auth, ProjectWorkflow& workflow,
                      ActionItemWatcher& watcher)
      : auth_(auth), workflow_(workflow), watcher_(watcher) {}
  grpc::Status ProposeProject(grpc::ServerContext*, const v1::CreateProjectRequest*,
                              v1::Project*) override;
  grpc::Status DecideProject(grpc::ServerContext*, const v1::DecideProjectRequest*,
                             v1::Project*) override;
  grpc::Status StartProject(grpc::ServerContext*, const v1::StartProjectRequest*,
                            v1::Project*) override;
  grpc::Status AddActionItem(grpc::ServerContext*, const v1::AddActionItemRequest*,
                             v1::Project*) override;
  grpc::Status UpdateActionItem(grpc::ServerContext*, const v1::UpdateActionItemRequest*,
                                v1::Project*) override;
  grpc::Status GetProject(grpc::ServerContext*, const v1::GetProjectRequest*, v1::Project*) override;
  grpc::Status WatchActionItems(grpc::ServerContext*, const v1::WatchActionItemsRequest*,
                                v1::WatchActionItemsResponse*) override;

 private:
  auth::Authenticator& auth_;
  ProjectWorkflow& workflow_;
  ActionItemWatcher& watcher_;
};

}  // namespace voc::tracking::tasks
