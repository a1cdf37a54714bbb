// Tasks on a case: added for another department (validated against the
// directory), worked from that department's ListTasks, holding the case's
// resolution until done or cancelled with a reason, every change in history.
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <set>

#include "tests/unit/tasks/tasks_test_support.h"

namespace voc::tracking::tasks {
namespace {

using std::chrono::hours;

class CaseTasksTest : public testing::TasksFixture {
 protected:
  v1::Case NewCase(const std::string& feedback_id) {
    return MustCreate(CallbackRequest(feedback_id, clock_.Now()));
  }

  v1::AddTaskRequest TaskFor(const v1::Case& c, const std::string& department,
                             const std::string& person, const std::string& title = "Check stock") {
    v1::AddTaskRequest req;
    req.set_parent(c.name());
    req.set_actor("p-am");
    req.mutable_task()->set_title(title);
    req.mutable_task()->mutable_owner()->set_department(department);
    req.mutable_task()->mutable_owner()->set_person(person);
    *req.mutable_task()->mutable_due_time() = ToProto(clock_.Now() + hours(8));
    return req;
  }

  absl::StatusOr<v1::Task> Move(const v1::Task& t, v1::TaskState state, const std::string& reason = "") {
    v1::UpdateTaskStateRequest req;
    req.set_name(t.name());
    req.set_state(state);
    req.set_actor("p-wh-li");
    req.set_reason(reason);
    return tasks_->UpdateTaskState(TestSystem(), req);
  }

  absl::StatusOr<v1::Case> Resolve(const v1::Case& c) {
    v1::ResolveCaseRequest req;
    req.set_name(c.name());
    req.set_actor("p-am");
    req.set_resolution_note("parcel re-sent");
    return service_->ResolveCase(TestSystem(), req);
  }

  std::vector<std::string> HistoryActions(const v1::Case& c) {
    std::vector<std::string> out;
    const v1::Case loaded = service_->GetCase(TestSystem(), c.name()).value();
    for (const auto& h : loaded.history()) out.push_back(h.action());
    return out;
  }
};

TEST_F(CaseTasksTest, AddedTaskIsOpenOnTheCaseAndInItsHistory) {
  const v1::Case c = NewCase("fb-1");
  const auto task = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "p-wh-li"));
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->state(), v1::TASK_STATE_OPEN);
  EXPECT_EQ(task->name(), c.name() + "/tasks/task-1");
  EXPECT_EQ(task->case_title(), "Call back");
  EXPECT_EQ(task->created_by(), "p-am");
  EXPECT_EQ(ProtoToMillis(task->due_time()), ToMillis(clock_.Now() + hours(8)));

  const v1::Case loaded = service_->GetCase(TestSystem(), c.name()).value();
  ASSERT_EQ(loaded.tasks_size(), 1);
  EXPECT_EQ(loaded.tasks(0).id(), "task-1");
  EXPECT_EQ(loaded.tasks(0).owner().department(), "warehouse");
  EXPECT_FALSE(loaded.tasks(0).done());
  EXPECT_EQ(loaded.history().rbegin()->action(), "task_added");
  EXPECT_NE(loaded.history().rbegin()->detail().find("warehouse/p-wh-li"), std::string::npos);
}

TEST_F(CaseTasksTest, OwnersAreCheckedAgainstTheDirectory) {
  const v1::Case c = NewCase("fb-1");
  auto r = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "nowhere", ""));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("task.owner.department"), std::string::npos);

  r = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "p-nobody-at-all"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("task.owner.person"), std::string::npos);

  // In the directory and of warehouse, but inactive (left).
  r = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "p-wh-left"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("task.owner.person"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("not active"), std::string::npos) << r.status();

  // A real person, but of another department.
  r = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "p-am"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("task.owner.person"), std::string::npos);

  auto blank = TaskFor(c, "warehouse", "");
  blank.mutable_task()->set_title("  ");
  EXPECT_NE(tasks_->AddTask(TestSystem(), blank).status().message().find("task.title"), std::string::npos);

  // No due time and no SLA policies loaded: the due time is required.
  auto undated = TaskFor(c, "warehouse", "");
  undated.mutable_task()->clear_due_time();
  r = tasks_->AddTask(TestSystem(), undated);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("task.due_time"), std::string::npos);

  auto missing = TaskFor(c, "warehouse", "");
  missing.set_parent("cases/no-such-case");
  EXPECT_EQ(tasks_->AddTask(TestSystem(), missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(service_->GetCase(TestSystem(), c.name()).value().tasks().empty());
}

TEST_F(CaseTasksTest, OpenTaskOfAnotherDepartmentHoldsTheResolutionUntilCancelledWithAReason) {
  const v1::Case c = NewCase("fb-1");
  const v1::Task task = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "")).value();

  auto resolved = Resolve(c);
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(resolved.status().message().find("task-1"), std::string::npos);
  EXPECT_NE(resolved.status().message().find("warehouse"), std::string::npos);
  EXPECT_EQ(service_->GetCase(TestSystem(), c.name()).value().state(), v1::CASE_STATE_OPEN);

  // In progress still holds it.
  ASSERT_TRUE(Move(task, v1::TASK_STATE_IN_PROGRESS).ok());
  EXPECT_EQ(Resolve(c).status().code(), absl::StatusCode::kFailedPrecondition);

  // Cancelling needs a reason.
  auto cancelled = Move(task, v1::TASK_STATE_CANCELLED);
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cancelled.status().message().find("reason"), std::string::npos);

  cancelled = Move(task, v1::TASK_STATE_CANCELLED, "stock was found at the hub");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), v1::TASK_STATE_CANCELLED);
  EXPECT_EQ(cancelled->cancel_reason(), "stock was found at the hub");

  resolved = Resolve(c);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), v1::CASE_STATE_RESOLVED);
  EXPECT_EQ(HistoryActions(c), (std::vector<std::string>{"created", "task_added", "task_started",
                                                        "task_cancelled", "resolved"}));
  // A resolved case takes no new tasks.
  EXPECT_EQ(tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CaseTasksTest, ADoneTaskReleasesTheCaseAndCannotMoveAgain) {
  const v1::Case c = NewCase("fb-1");
  const v1::Task task = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "p-wh-li")).value();
  ASSERT_TRUE(Move(task, v1::TASK_STATE_DONE, "re-sent from stock").ok());
  EXPECT_TRUE(service_->GetCase(TestSystem(), c.name()).value().tasks(0).done());
  EXPECT_EQ(Move(task, v1::TASK_STATE_CANCELLED, "oops").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Move(task, v1::TASK_STATE_OPEN).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Resolve(c).ok());
}

TEST_F(CaseTasksTest, TaskAppearsInItsDepartmentsWorklistOnly) {
  const v1::Case first = NewCase("fb-1");
  const v1::Case second = NewCase("fb-2");
  auto later = TaskFor(second, "warehouse", "p-wh-li", "Re-pack");
  *later.mutable_task()->mutable_due_time() = ToProto(clock_.Now() + hours(30));
  ASSERT_TRUE(tasks_->AddTask(TestSystem(), later).ok());
  const v1::Task sooner = tasks_->AddTask(PersonOf("p-am"), TaskFor(first, "warehouse", "", "Check stock")).value();
  ASSERT_TRUE(tasks_->AddTask(PersonOf("p-am"), TaskFor(first, "customer_success", "p-am", "Tell the customer")).ok());

  v1::ListTasksRequest req;
  req.set_department("warehouse");
  req.set_open_only(true);
  auto listed = tasks_->ListTasks(TestSystem(), req).value();
  ASSERT_EQ(listed.tasks_size(), 2);
  EXPECT_EQ(listed.tasks(0).title(), "Check stock");  // earliest due first
  EXPECT_EQ(listed.tasks(1).title(), "Re-pack");
  EXPECT_EQ(listed.tasks(1).case_id(), second.id());

  // A person's own list.
  v1::ListTasksRequest mine;
  mine.set_person("p-wh-li");
  listed = tasks_->ListTasks(TestSystem(), mine).value();
  ASSERT_EQ(listed.tasks_size(), 1);
  EXPECT_EQ(listed.tasks(0).title(), "Re-pack");

  // Pages walk the same order.
  req.set_page_size(1);
  auto page = tasks_->ListTasks(TestSystem(), req).value();
  ASSERT_EQ(page.tasks_size(), 1);
  EXPECT_EQ(page.tasks(0).title(), "Check stock");
  req.set_page_token(page.next_page_token());
  page = tasks_->ListTasks(TestSystem(), req).value();
  ASSERT_EQ(page.tasks_size(), 1);
  EXPECT_EQ(page.tasks(0).title(), "Re-pack");

  // Done leaves the open list; filtering by state finds it.
  ASSERT_TRUE(Move(sooner, v1::TASK_STATE_DONE).ok());
  req.clear_page_token();
  req.set_page_size(0);
  EXPECT_EQ(tasks_->ListTasks(TestSystem(), req).value().tasks_size(), 1);
  v1::ListTasksRequest done;
  done.set_department("warehouse");
  done.set_state(v1::TASK_STATE_DONE);
  listed = tasks_->ListTasks(TestSystem(), done).value();
  ASSERT_EQ(listed.tasks_size(), 1);
  EXPECT_EQ(listed.tasks(0).name(), sooner.name());
}

TEST_F(CaseTasksTest, ReassignAndRedateAreRecorded) {
  const v1::Case c = NewCase("fb-1");
  const v1::Task task = tasks_->AddTask(PersonOf("p-am"), TaskFor(c, "warehouse", "")).value();
  v1::UpdateTaskRequest req;
  req.set_name(task.name());
  req.set_actor("p-wh-head");
  req.mutable_owner()->set_department("warehouse");
  req.mutable_owner()->set_person("p-am");  // not of the warehouse
  EXPECT_NE(tasks_->UpdateTask(TestSystem(), req).status().message().find("owner.person"), std::string::npos);

  req.mutable_owner()->set_person("p-wh-li");
  *req.mutable_due_time() = ToProto(clock_.Now() + hours(48));
  req.set_reason("Li knows the hub");
  const auto updated = tasks_->UpdateTask(TestSystem(), req);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->owner().person(), "p-wh-li");
  EXPECT_EQ(ProtoToMillis(updated->due_time()), ToMillis(clock_.Now() + hours(48)));
  const auto history = service_->GetCase(TestSystem(), c.name()).value().history();
  EXPECT_EQ(history.rbegin()->action(), "task_reassigned");
  EXPECT_NE(history.rbegin()->detail().find("re-dated"), std::string::npos);
  EXPECT_NE(history.rbegin()->detail().find("Li knows the hub"), std::string::npos);
}

// A task named at case creation without an owner is the case owner's own
// checklist line: it does not hold the resolution.
TEST_F(CaseTasksTest, OwnerlessChecklistTaskDoesNotHoldTheCase) {
  auto req = CallbackRequest("fb-1", clock_.Now());
  req.mutable_case_()->add_tasks()->set_title("note the call");
  const v1::Case c = MustCreate(req);
  EXPECT_TRUE(Resolve(c).ok());
}

}  // namespace
}  // namespace voc::tracking::tasks

namespace voc::tracking::tasks {
namespace {

// Without a due time the task's SLA policy (kind "task" in the shipped
// file: 16 working hours on cn-office) sets it.
TEST_F(CaseTasksTest, TheTaskPolicySetsTheDueTimeInWorkingHours) {
  const auto policies = sla::LoadSlaPolicies("config/sla_policies.yaml");
  ASSERT_TRUE(policies.ok()) << policies.status();
  std::shared_ptr<const sla::SlaPolicies> shared = *policies;
  TaskService with_policies(*task_store_, *store_, clock_, directory_, [shared] { return shared; });
  const v1::Case c = NewCase("fb-1");  // Monday 2026-03-02 08:00 Beijing
  auto req = TaskFor(c, "warehouse", "");
  req.mutable_task()->clear_due_time();
  const auto task = with_policies.AddTask(TestSystem(), req);
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->sla_policy_id(), "task");
  // Monday 09:00-18:00 (8 h) and Tuesday 09:00-18:00 (8 h) Beijing time.
  EXPECT_EQ(FormatRfc3339(FromMillis(ProtoToMillis(task->due_time()))), "2026-03-03T10:00:00.000Z");
}

}  // namespace
}  // namespace voc::tracking::tasks
