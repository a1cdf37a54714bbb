// Tasks on a case (issue 11): a case owner or an analyst hands part of a
// case to another department or person; the task's owner works it from
// their own worklist (ListTasks). Knows nothing of gRPC; every method returns
// an absl::Status: INVALID_ARGUMENT naming the field, NOT_FOUND naming the
// resource, FAILED_PRECONDITION naming the state, ABORTED after losing a race
// too often, UNAVAILABLE when the database is down.
//
// Issue 9: every method takes the caller (common/auth). Adding a task and
// reassigning or re-dating one need auth::CanActOnCase on its case; moving
// a task's state also its owner (a member of the task's department or its
// person); ListTasks returns only tasks on cases the caller may see or that
// they own, filtered in SQL. A task or case the caller may not see answers
// PERMISSION_DENIED whether or not it exists (NOT_FOUND only for a caller
// who reads every case). The actor recorded is caller.Actor().
// Thread safety: any method from any thread; races on one task are settled
// by the store's conditional updates.
#pragma once

#include <absl/status/statusor.h>

#include <functional>
#include <memory>
#include <string>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/store/task_store.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking::tasks {

class TaskService {
 public:
  // The SLA policies in force (tracking reloads them), or null when none
  // are loaded: a task then needs its own due time.
  using PoliciesSource = std::function<std::shared_ptr<const sla::SlaPolicies>()>;

  TaskService(TaskStore& tasks, TrackingStore& cases, const Clock& clock,
              std::shared_ptr<const org::OrgDirectory> directory, PoliciesSource policies = {})
      : tasks_(tasks),
        cases_(cases),
        clock_(clock),
        directory_(std::move(directory)),
        policies_(std::move(policies)) {}

  // The due time is task.due_time, or now + the resolution target of the
  // SLA policy of kind "task" for the case's priority and the task's
  // department, counted on that policy's calendar.
  absl::StatusOr<v1::Task> AddTask(const auth::Principal& caller, const v1::AddTaskRequest& request);
  absl::StatusOr<v1::Task> UpdateTaskState(const auth::Principal& caller,
                                           const v1::UpdateTaskStateRequest& request);
  absl::StatusOr<v1::Task> UpdateTask(const auth::Principal& caller,
                                      const v1::UpdateTaskRequest& request);
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const auth::Principal& caller,
                                                  const v1::ListTasksRequest& request);

 private:
  absl::StatusOr<std::int64_t> DueFromPolicy(const v1::Case& c, const v1::Owner& owner,
                                             std::int64_t now_ms, std::string* policy_id) const;
  std::int64_t NowMs() const;
  // AIP-193 for one task: PERMISSION_DENIED unless the caller may act on
  // its case, or (`owner_may`) owns the task.
  absl::Status MayChangeTask(const auth::Principal& caller, const std::string& case_id,
                             const std::string& task_id, const std::string& name,
                             std::string_view action, bool owner_may);

  TaskStore& tasks_;
  TrackingStore& cases_;
  const Clock& clock_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  PoliciesSource policies_;
};

// "cases/{case}/tasks/{task}" -> {case, task}; INVALID_ARGUMENT "name".
absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(const std::string& name);

}  // namespace voc::tracking::tasks
