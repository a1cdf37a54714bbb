// Tasks on a case (issue 11): the rows of case_tasks beyond what the case
// load reads, their changes and the owners' worklists. Each write is one
// transaction with a conditional UPDATE, so two owners acting on one task at
// once never both win; every change appends to the case's history in the
// same transaction. SQL runs unchanged on SQLite and PostgreSQL.
//
// Thread safety: safe to call from several threads (the Database pools
// sessions).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

struct TaskFilter {
  std::string department;
  std::string person;
  int state = 0;  // v1::TaskState; 0 = any
  bool open_only = false;
  std::string case_id;
  // Issue 9: only tasks the caller may see: on a case of the view (an owner
  // row in one of its departments or with its person), or owned by one of
  // its departments or by its person (a task's owner works it from their
  // own worklist). Unset = every task.
  std::optional<CaseView> visible;
};

// Where a task stands in ListTasks' order: due time (a task without one
// sorts last, as kNoDueKey), then case id, then task id.
struct TaskListKey {
  std::int64_t due_key = 0;
  std::string case_id;
  std::string task_id;
};
inline constexpr std::int64_t kNoDueKey = 9223372036854775807LL;

// One change of a task, applied only while it is still in `expected_state`.
struct TaskChange {
  std::string case_id;
  std::string task_id;
  v1::TaskState expected_state = v1::TASK_STATE_UNSPECIFIED;
  // Unspecified: the state stays.
  v1::TaskState new_state = v1::TASK_STATE_UNSPECIFIED;
  std::optional<v1::Owner> owner;
  std::optional<std::int64_t> due_ms;
  std::string cancel_reason;
  std::int64_t now_ms = 0;
  HistoryRecord history;  // appended to the case's history
};

class TaskStore {
 public:
  explicit TaskStore(storage::Database& db) : db_(db) {}

  // Adds `task` (title, owner, due time; id chosen here as "task-<n>") to
  // the case, open, with `history` on the case. NOT_FOUND "cases/{id}";
  // FAILED_PRECONDITION when the case is resolved or closed.
  absl::StatusOr<v1::Task> AddTask(const std::string& case_id, const v1::Task& task,
                                   const std::string& actor, const HistoryRecord& history);
  // NOT_FOUND "cases/{case}/tasks/{task}".
  absl::StatusOr<v1::Task> LoadTask(const std::string& case_id, const std::string& task_id);
  // NOT_FOUND when there is no such task; ABORTED when its state moved on.
  absl::Status ApplyTaskChange(const TaskChange& change);
  // In list order, at most `limit`, strictly after `after` when given.
  absl::StatusOr<std::vector<std::pair<v1::Task, TaskListKey>>> ListTasks(
      const TaskFilter& filter, int limit, const std::optional<TaskListKey>& after);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
