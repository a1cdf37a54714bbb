#include "services/tracking/tasks/task_service.h"

#include <algorithm>
#include <cctype>

#include "common/auth/policy.h"
#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/resource_names.h"
#include "services/tracking/case_access.h"
#include "services/tracking/owner_check.h"

namespace voc::tracking::tasks {
namespace {

constexpr int kMaxAttempts = 5;

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string TaskStateName(v1::TaskState state) {
  std::string name = v1::TaskState_Name(state);
  const std::string prefix = "TASK_STATE_";
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

bool IsClosed(v1::TaskState s) { return s == v1::TASK_STATE_DONE || s == v1::TASK_STATE_CANCELLED; }

// Which moves a task's owner may make.
bool Allowed(v1::TaskState from, v1::TaskState to) {
  if (IsClosed(from)) return false;
  if (to == v1::TASK_STATE_IN_PROGRESS) return from == v1::TASK_STATE_OPEN;
  return to == v1::TASK_STATE_DONE || to == v1::TASK_STATE_CANCELLED;
}

std::string ActionFor(v1::TaskState to) {
  switch (to) {
    case v1::TASK_STATE_IN_PROGRESS: return "task_started";
    case v1::TASK_STATE_DONE: return "task_done";
    case v1::TASK_STATE_CANCELLED: return "task_cancelled";
    default: return "task_changed";
  }
}

std::string DueText(std::int64_t due_ms) { return FormatRfc3339(FromMillis(due_ms)); }

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(const std::string& name) {
  const std::string prefix = "cases/";
  const std::string middle = "/tasks/";
  const auto mid = name.find(middle);
  if (name.rfind(prefix, 0) != 0 || mid == std::string::npos || mid <= prefix.size() ||
      mid + middle.size() >= name.size()) {
    return status::InvalidArgument("name", "must look like cases/{case}/tasks/{task}");
  }
  return std::make_pair(name.substr(prefix.size(), mid - prefix.size()),
                        name.substr(mid + middle.size()));
}

std::int64_t TaskService::NowMs() const { return ToMillis(clock_.Now()); }

absl::Status TaskService::MayChangeTask(const auth::Principal& caller, const std::string& case_id,
                                        const std::string& task_id, const std::string& name,
                                        std::string_view action, bool owner_may) {
  const std::string what = std::string(action) + " " + name;
  absl::StatusOr<v1::Case> loaded = cases_.LoadCase(case_id, false, NowMs());
  if (!loaded.ok()) {
    if (absl::IsNotFound(loaded.status()) && !auth::ReadsAllCases(caller)) return auth::Denied(what);
    return loaded.status();
  }
  const v1::Task* task = nullptr;
  for (const v1::Task& t : loaded->tasks()) {
    if (t.id() == task_id) task = &t;
  }
  const bool sees = MayReadCase(caller, *loaded);
  if (task == nullptr) {
    // No such task on a case the caller may read: the store says NOT_FOUND.
    if (sees || auth::ReadsAllCases(caller)) return absl::OkStatus();
    return auth::Denied(what);
  }
  if (sees && MayActOnCase(caller, *loaded)) return absl::OkStatus();
  if (owner_may) {
    std::vector<std::string> people;
    if (!task->owner().person().empty()) people.push_back(task->owner().person());
    if (caller.is_person() && auth::CanActOnCase(caller, {task->owner().department(), people})) {
      return absl::OkStatus();
    }
  }
  return auth::Denied(what);
}

absl::StatusOr<std::int64_t> TaskService::DueFromPolicy(const v1::Case& c, const v1::Owner& owner,
                                                        std::int64_t now_ms,
                                                        std::string* policy_id) const {
  std::shared_ptr<const sla::SlaPolicies> policies = policies_ ? policies_() : nullptr;
  if (!policies) {
    return status::InvalidArgument("task.due_time", "is required: no SLA policies are loaded");
  }
  std::string priority = api::PriorityName(c.priority());
  std::transform(priority.begin(), priority.end(), priority.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  auto policy = policies->Find({"task", priority, owner.department(), ""});
  if (!policy.ok()) {
    return status::InvalidArgument("task.due_time",
                                   "is required: " + std::string(policy.status().message()));
  }
  const sla::BusinessCalendar* calendar = policies->FindCalendar((*policy)->calendar);
  if (calendar == nullptr) {
    return absl::InternalError("SLA policy " + (*policy)->id + " names unknown calendar " +
                               (*policy)->calendar);
  }
  *policy_id = (*policy)->id;
  return calendar->Add(now_ms, (*policy)->resolution.target);
}

absl::StatusOr<v1::Task> TaskService::AddTask(const auth::Principal& caller,
                                              const v1::AddTaskRequest& request) {
  const std::string case_id = api::IdFromName(request.parent(), "cases/");
  if (case_id.empty() || case_id.find('/') != std::string::npos) {
    return status::InvalidArgument("parent", "must look like cases/{id}");
  }
  const std::int64_t now_ms = NowMs();
  absl::StatusOr<v1::Case> loaded = cases_.LoadCase(case_id, false, now_ms);
  VOC_RETURN_IF_ERROR(CheckCaseAct(caller, loaded, "cases/" + case_id, "add a task to"));
  const v1::Case c = *std::move(loaded);
  const v1::Task& in = request.task();
  if (IsBlank(in.title())) return status::InvalidArgument("task.title", "is required");
  VOC_RETURN_IF_ERROR(CheckOwner(*directory_, in.owner(), "task.owner"));
  v1::Task task;
  task.set_title(in.title());
  *task.mutable_owner() = in.owner();
  std::int64_t due_ms = 0;
  if (!IsUnset(in.due_time())) {
    due_ms = ProtoToMillis(in.due_time());
  } else {
    std::string policy_id;
    VOC_ASSIGN_OR_RETURN(due_ms, DueFromPolicy(c, in.owner(), now_ms, &policy_id));
    task.set_sla_policy_id(policy_id);
  }
  *task.mutable_due_time() = MillisToProto(due_ms);
  const std::string actor = caller.Actor();
  std::string detail = "\"" + task.title() + "\" for " + OwnerText(task.owner()) + ", due " +
                       DueText(due_ms);
  if (!task.sla_policy_id().empty()) detail += " (SLA policy " + task.sla_policy_id() + ")";
  VOC_ASSIGN_OR_RETURN(v1::Task stored,
                       tasks_.AddTask(case_id, task, actor, {now_ms, actor, "task_added", detail}));
  log::Info("task_added", {{"case_id", case_id},
                           {"task_id", stored.id()},
                           {"owner", OwnerText(stored.owner())}});
  return stored;
}

absl::StatusOr<v1::Task> TaskService::UpdateTaskState(const auth::Principal& caller,
                                                      const v1::UpdateTaskStateRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto ids, ParseTaskName(request.name()));
  VOC_RETURN_IF_ERROR(MayChangeTask(caller, ids.first, ids.second, request.name(),
                                    "change the state of", /*owner_may=*/true));
  const v1::TaskState to = request.state();
  if (!v1::TaskState_IsValid(to) || to == v1::TASK_STATE_UNSPECIFIED || to == v1::TASK_STATE_OPEN) {
    return status::InvalidArgument("state", "must be in_progress, done or cancelled");
  }
  if (to == v1::TASK_STATE_CANCELLED && IsBlank(request.reason())) {
    return status::InvalidArgument("reason", "is required to cancel a task");
  }
  const std::string actor = caller.Actor();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    VOC_ASSIGN_OR_RETURN(const v1::Task current, tasks_.LoadTask(ids.first, ids.second));
    if (!Allowed(current.state(), to)) {
      return absl::FailedPreconditionError(request.name() + " is " + TaskStateName(current.state()) +
                                           ": it cannot become " + TaskStateName(to));
    }
    TaskChange change;
    change.case_id = ids.first;
    change.task_id = ids.second;
    change.expected_state = current.state();
    change.new_state = to;
    change.now_ms = NowMs();
    if (to == v1::TASK_STATE_CANCELLED) change.cancel_reason = request.reason();
    std::string detail = "\"" + current.title() + "\" " + TaskStateName(current.state()) + " -> " +
                         TaskStateName(to);
    if (!IsBlank(request.reason())) detail += ": " + request.reason();
    change.history = {change.now_ms, actor, ActionFor(to), detail};
    const absl::Status applied = tasks_.ApplyTaskChange(change);
    if (absl::IsAborted(applied)) continue;
    VOC_RETURN_IF_ERROR(applied);
    log::Info("task_changed", {{"task", request.name()}, {"state", TaskStateName(to)}});
    return tasks_.LoadTask(ids.first, ids.second);
  }
  return absl::AbortedError(request.name() + " kept changing concurrently; retry");
}

absl::StatusOr<v1::Task> TaskService::UpdateTask(const auth::Principal& caller,
                                                 const v1::UpdateTaskRequest& request) {
  VOC_ASSIGN_OR_RETURN(const auto ids, ParseTaskName(request.name()));
  VOC_RETURN_IF_ERROR(MayChangeTask(caller, ids.first, ids.second, request.name(), "change",
                                    /*owner_may=*/false));
  const bool reassign = request.has_owner();
  const bool redate = !IsUnset(request.due_time());
  if (!reassign && !redate) {
    return status::InvalidArgument("owner", "an owner or a due_time to change is required");
  }
  if (reassign) VOC_RETURN_IF_ERROR(CheckOwner(*directory_, request.owner(), "owner"));
  const std::string actor = caller.Actor();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    VOC_ASSIGN_OR_RETURN(const v1::Task current, tasks_.LoadTask(ids.first, ids.second));
    if (IsClosed(current.state())) {
      return absl::FailedPreconditionError(request.name() + " is " +
                                           TaskStateName(current.state()) + ": it cannot change");
    }
    TaskChange change;
    change.case_id = ids.first;
    change.task_id = ids.second;
    change.expected_state = current.state();
    change.now_ms = NowMs();
    std::string detail;
    if (reassign) {
      change.owner = request.owner();
      detail = "reassigned from " + OwnerText(current.owner()) + " to " + OwnerText(request.owner());
    }
    if (redate) {
      change.due_ms = ProtoToMillis(request.due_time());
      if (!detail.empty()) detail += "; ";
      detail += "re-dated from " +
                (IsUnset(current.due_time()) ? std::string("none")
                                             : DueText(ProtoToMillis(current.due_time()))) +
                " to " + DueText(*change.due_ms);
    }
    if (!IsBlank(request.reason())) detail += ": " + request.reason();
    change.history = {change.now_ms, actor, reassign ? "task_reassigned" : "task_redated", detail};
    const absl::Status applied = tasks_.ApplyTaskChange(change);
    if (absl::IsAborted(applied)) continue;
    VOC_RETURN_IF_ERROR(applied);
    return tasks_.LoadTask(ids.first, ids.second);
  }
  return absl::AbortedError(request.name() + " kept changing concurrently; retry");
}

absl::StatusOr<v1::ListTasksResponse> TaskService::ListTasks(const auth::Principal& caller,
                                                             const v1::ListTasksRequest& request) {
  // Issue 9: the caller's view in SQL, and in the page token's fingerprint.
  VOC_ASSIGN_OR_RETURN(std::optional<CaseView> view, ListViewOf(caller));
  const std::uint64_t fingerprint = rpc::FilterFingerprint(request) ^ ViewFingerprint(view);
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page,
                       rpc::ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  if (!v1::TaskState_IsValid(request.state())) return status::InvalidArgument("state", "unknown state");
  TaskFilter filter;
  filter.department = request.department();
  filter.person = request.person();
  filter.state = request.state();
  filter.open_only = request.open_only();
  filter.case_id = request.case_id().rfind("cases/", 0) == 0 ? request.case_id().substr(6)
                                                             : request.case_id();
  filter.visible = std::move(view);
  std::optional<TaskListKey> after;
  if (page.after) {
    if (page.after->more_keys.size() != 0) {
      return status::InvalidArgument("page_token", "is not a ListTasks token");
    }
    // The cursor: due key, then "case\ttask" as the id.
    const std::string& id = page.after->after_id;
    const auto tab = id.find('\t');
    if (tab == std::string::npos) return status::InvalidArgument("page_token", "is not a ListTasks token");
    after = TaskListKey{page.after->after_key, id.substr(0, tab), id.substr(tab + 1)};
  }
  VOC_ASSIGN_OR_RETURN(auto entries, tasks_.ListTasks(filter, page.size, after));
  v1::ListTasksResponse response;
  for (auto& [task, key] : entries) *response.add_tasks() = std::move(task);
  if (static_cast<int>(entries.size()) >= page.size) {
    const TaskListKey& last = entries.back().second;
    response.set_next_page_token(
        rpc::EncodePageToken({last.due_key, last.case_id + "\t" + last.task_id}, fingerprint));
  }
  return response;
}

}  // namespace voc::tracking::tasks
