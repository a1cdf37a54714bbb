// The action-item watcher with the fake clock: a warning before the due
// date, the breach, escalation to the owner's manager and then the
// department head, each exactly once, also with a second watcher (replica)
// on the same database; a failed notification is retried under its id.
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <algorithm>

#include "tests/unit/tasks/tasks_test_support.h"

namespace voc::tracking::tasks {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class ActionItemWatcherTest : public testing::TasksFixture {
 protected:
  void SetUp() override {
    TasksFixture::SetUp();
    ItemWatchPlan plan;
    plan.warnings.push_back({"1d", 0, 24LL * 3600 * 1000});
    plan.escalation.push_back({1, 0, "manager"});
    plan.escalation.push_back({2, 24LL * 3600 * 1000, "department_head"});
    watcher_ = std::make_unique<ActionItemWatcher>(*project_store_, clock_, notifier_, directory_, plan);
    replica_ = std::make_unique<ActionItemWatcher>(*project_store_, clock_, notifier_, directory_, plan);
    due_ = clock_.Now() + hours(72);
  }

  // An open project with one item owned by p-wh-li, due at due_.
  v1::Project OpenProject() {
    v1::CreateProjectRequest req;
    req.set_request_id("proj-1");
    req.mutable_project()->set_title("Cut delivery delays");
    req.mutable_project()->set_topic("logistics.delivery_delay");
    auto* item = req.mutable_project()->add_action_items();
    item->set_title("Second carrier");
    item->mutable_owner()->set_department("warehouse");
    item->mutable_owner()->set_person("p-wh-li");
    *item->mutable_due_time() = ToProto(due_);
    const v1::Project p = workflow_->ProposeProject(TestSystem(), req).value();
    v1::DecideProjectRequest decide;
    decide.set_name(p.name());
    decide.set_actor("p-voc-chair");
    decide.set_approve(true);
    EXPECT_TRUE(workflow_->DecideProject(PersonOf("p-voc-chair"), decide).ok());
    v1::StartProjectRequest start;
    start.set_name(p.name());
    return workflow_->StartProject(TestSystem(), start).value();
  }

  std::vector<std::string> Watch() {
    auto fired = watcher_->WatchOnce();
    EXPECT_TRUE(fired.ok()) << fired.status();
    auto more = replica_->WatchOnce();
    EXPECT_TRUE(more.ok()) << more.status();
    std::vector<std::string> all = fired.value();
    all.insert(all.end(), more->begin(), more->end());
    return all;
  }

  std::string Point(const v1::Project& p, const std::string& name) {
    return "item:" + p.id() + ":item-1:" + name + "@" + std::to_string(ToMillis(due_));
  }

  ::voc::testing::RecordingNotifier notifier_;
  std::unique_ptr<ActionItemWatcher> watcher_;
  std::unique_ptr<ActionItemWatcher> replica_;
  TimePoint due_;
};

TEST_F(ActionItemWatcherTest, WarnsBreachesAndEscalatesOncePerLevel) {
  const v1::Project p = OpenProject();
  EXPECT_TRUE(Watch().empty());  // three days to go

  clock_.Advance(hours(48) + minutes(1));  // inside the last day
  EXPECT_EQ(Watch(), std::vector<std::string>{Point(p, "warn:1d")});
  EXPECT_TRUE(Watch().empty());
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].kind, "sla_warning");
  EXPECT_EQ(notifier_.sent()[0].recipients, std::vector<std::string>{"p-wh-li"});
  EXPECT_EQ(notifier_.sent()[0].department, "warehouse");

  clock_.Advance(hours(24));  // past due: breach and level 1 (the manager)
  EXPECT_EQ(Watch(), (std::vector<std::string>{Point(p, "breach"), Point(p, "level:1")}));
  EXPECT_TRUE(Watch().empty());
  ASSERT_EQ(notifier_.sent().size(), 3u);
  EXPECT_EQ(notifier_.sent()[1].kind, "sla_breach");
  EXPECT_EQ(notifier_.sent()[2].kind, "escalation");
  EXPECT_EQ(notifier_.sent()[2].recipients, std::vector<std::string>{"p-wh-mgr"});
  EXPECT_EQ(notifier_.sent()[2].params.at("level"), "1");

  clock_.Advance(hours(24));  // a day later: level 2 (the department head)
  EXPECT_EQ(Watch(), std::vector<std::string>{Point(p, "level:2")});
  clock_.Advance(hours(24 * 30));
  EXPECT_TRUE(Watch().empty());
  ASSERT_EQ(notifier_.sent().size(), 4u);
  EXPECT_EQ(notifier_.sent()[3].recipients, std::vector<std::string>{"p-wh-head"});

  // Each point is in the project's history with its target.
  const v1::Project after = workflow_->GetProject(TestSystem(), p.id()).value();
  std::vector<std::string> actions;
  for (const auto& h : after.history()) actions.push_back(h.action());
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "action_item_escalated"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "action_item_warning"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "action_item_overdue"), 1);
  EXPECT_NE(after.history().rbegin()->detail().find("p-wh-head"), std::string::npos);
}

TEST_F(ActionItemWatcherTest, ProposalsAndDoneItemsAreNotWatched) {
  v1::CreateProjectRequest req;
  req.set_request_id("proposal-only");
  req.mutable_project()->set_title("Not started");
  req.mutable_project()->set_topic("logistics.delivery_delay");
  auto* item = req.mutable_project()->add_action_items();
  item->set_title("Anything");
  item->mutable_owner()->set_department("warehouse");
  *item->mutable_due_time() = ToProto(due_);
  ASSERT_TRUE(workflow_->ProposeProject(TestSystem(), req).ok());
  const v1::Project p = OpenProject();
  v1::CompleteActionItemRequest done;
  done.set_name(p.name() + "/actionItems/item-1");
  ASSERT_TRUE(service_->CompleteActionItem(TestSystem(), done).ok());
  clock_.Advance(hours(24 * 10));
  EXPECT_TRUE(Watch().empty());
  EXPECT_TRUE(notifier_.attempts().empty());
}

TEST_F(ActionItemWatcherTest, RedatingWatchesTheNewDueDateAfresh) {
  const v1::Project p = OpenProject();
  clock_.Advance(hours(73));
  EXPECT_EQ(Watch().size(), 2u);  // breach and level 1 (a warning past due is skipped)
  const TimePoint new_due = clock_.Now() + hours(72);
  v1::UpdateActionItemRequest edit;
  edit.set_name(p.name() + "/actionItems/item-1");
  *edit.mutable_due_time() = ToProto(new_due);
  ASSERT_TRUE(workflow_->UpdateActionItem(TestSystem(), edit).ok());
  EXPECT_TRUE(Watch().empty());
  clock_.Advance(hours(72) + minutes(1));
  due_ = new_due;
  EXPECT_EQ(Watch(), (std::vector<std::string>{Point(p, "breach"), Point(p, "level:1")}));
}

TEST_F(ActionItemWatcherTest, AFailedNotificationIsRetriedUnderItsId) {
  const v1::Project p = OpenProject();
  notifier_.set_failing(true);
  clock_.Advance(hours(72) + minutes(1));
  EXPECT_EQ(watcher_->WatchOnce().value().size(), 2u);  // breach, level 1: fired, not delivered
  EXPECT_TRUE(notifier_.sent().empty());
  notifier_.set_failing(false);
  EXPECT_TRUE(watcher_->WatchOnce().value().empty());  // nothing new fires ...
  ASSERT_EQ(notifier_.sent().size(), 2u);               // ... but both go out now
  EXPECT_EQ(notifier_.sent()[0].id, Point(p, "breach"));
  EXPECT_TRUE(watcher_->WatchOnce().value().empty());
  EXPECT_EQ(notifier_.sent().size(), 2u);
}

}  // namespace
}  // namespace voc::tracking::tasks

namespace voc::tracking::tasks {
namespace {

// The shipped policy file's "action_item" policy on the cn-office calendar
// (09:00-12:00, 13:00-18:00 Beijing time, Monday to Friday): a warning 8
// working hours before the due time, level 2 16 working hours after it.
TEST_F(ActionItemWatcherTest, ThePolicyPlanCountsWorkingHours) {
  const auto policies = sla::LoadSlaPolicies("config/sla_policies.yaml");
  ASSERT_TRUE(policies.ok()) << policies.status();
  auto plan = ItemWatchPlanFromPolicies(**policies);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_NE(plan->calendar, nullptr);
  watcher_ = std::make_unique<ActionItemWatcher>(*project_store_, clock_, notifier_, directory_, *plan);
  replica_ = std::make_unique<ActionItemWatcher>(*project_store_, clock_, notifier_, directory_, *plan);
  TimePoint t;
  // Wednesday 18:00 Beijing, the end of its working day.
  ASSERT_TRUE(ParseRfc3339("2026-03-04T10:00:00Z", &t));
  due_ = t;
  const v1::Project p = OpenProject();

  auto at = [&](const char* rfc3339) {
    TimePoint when;
    EXPECT_TRUE(ParseRfc3339(rfc3339, &when));
    clock_.Set(when);
  };
  at("2026-03-04T00:59:00Z");  // 08:59 Beijing: still 8 working hours and more to go
  EXPECT_TRUE(Watch().empty());
  at("2026-03-04T01:00:01Z");  // 09:00 Beijing: 8 working hours left
  EXPECT_EQ(Watch(), std::vector<std::string>{Point(p, "warn:" + plan->warnings[0].id)});
  at("2026-03-04T10:00:01Z");
  EXPECT_EQ(Watch(), (std::vector<std::string>{Point(p, "breach"), Point(p, "level:1")}));
  at("2026-03-06T09:59:00Z");  // Friday 17:59 Beijing: 15h59m working time after the breach
  EXPECT_TRUE(Watch().empty());
  at("2026-03-06T10:00:01Z");  // 16 working hours after the breach
  EXPECT_EQ(Watch(), std::vector<std::string>{Point(p, "level:2")});
}

}  // namespace
}  // namespace voc::tracking::tasks
