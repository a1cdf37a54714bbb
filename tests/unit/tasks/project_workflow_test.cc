// Improvement projects: a proposal decided by the VoC committee before it
// starts, action items added, reassigned and re-dated with history.
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include "tests/unit/tasks/tasks_test_support.h"

namespace voc::tracking::tasks {
namespace {

using std::chrono::hours;

class ProjectWorkflowTest : public testing::TasksFixture {
 protected:
  v1::Project Propose(const std::string& request_id) {
    v1::CreateProjectRequest req;
    req.set_request_id(request_id);
    req.set_actor("p-am");
    req.mutable_project()->set_title("Cut delivery delays");
    req.mutable_project()->set_topic("logistics.delivery_delay");
    auto* item = req.mutable_project()->add_action_items();
    item->set_title("Second carrier for the south");
    item->mutable_owner()->set_department("warehouse");
    item->mutable_owner()->set_person("p-wh-li");
    *item->mutable_due_time() = ToProto(clock_.Now() + hours(24 * 14));
    // An analyst proposes (issue 9: auth::CanManageProjects).
    auto p = workflow_->ProposeProject(TestPerson("p-am", "customer_success", {auth::Role::kAnalyst}), req);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.value();
  }

  absl::StatusOr<v1::Project> Decide(const v1::Project& p, const std::string& actor, bool approve,
                                     const std::string& reason = "") {
    v1::DecideProjectRequest req;
    req.set_name(p.name());
    req.set_actor(actor);
    req.set_approve(approve);
    req.set_reason(reason);
    return workflow_->DecideProject(PersonOf(actor), req);
  }

  absl::StatusOr<v1::Project> Start(const v1::Project& p) {
    v1::StartProjectRequest req;
    req.set_name(p.name());
    req.set_actor("p-am");
    return workflow_->StartProject(TestSystem(), req);
  }
};

TEST_F(ProjectWorkflowTest, AProposalCannotStartBeforeApproval) {
  const v1::Project p = Propose("proj-1");
  EXPECT_EQ(p.state(), v1::PROJECT_STATE_PROPOSED);
  EXPECT_EQ(p.proposed_by(), "p-am");
  EXPECT_EQ(Propose("proj-1").id(), p.id());  // idempotent on request_id

  auto started = Start(p);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(started.status().message().find("approval"), std::string::npos);

  // Only the committee decides.
  EXPECT_EQ(Decide(p, "p-am", true).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(workflow_->GetProject(TestSystem(), p.id()).value().state(), v1::PROJECT_STATE_PROPOSED);

  const auto approved = Decide(p, "p-voc-chair", true, "worth a quarter");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::PROJECT_STATE_APPROVED);
  EXPECT_EQ(approved->decided_by(), "p-voc-chair");
  EXPECT_EQ(Decide(p, "p-voc-member", false, "late").status().code(),
            absl::StatusCode::kFailedPrecondition);

  started = Start(p);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->state(), v1::PROJECT_STATE_OPEN);
  EXPECT_TRUE(started->has_start_time());
  EXPECT_EQ(Start(p).status().code(), absl::StatusCode::kFailedPrecondition);
  std::vector<std::string> actions;
  for (const auto& h : started->history()) actions.push_back(h.action());
  EXPECT_EQ(actions, (std::vector<std::string>{"proposed", "approved", "started"}));
}

TEST_F(ProjectWorkflowTest, RejectionNeedsAndRecordsItsReason) {
  const v1::Project p = Propose("proj-1");
  auto rejected = Decide(p, "p-voc-member", false);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rejected.status().message().find("reason"), std::string::npos);

  rejected = Decide(p, "p-voc-member", false, "the carrier contract ends in March anyway");
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->state(), v1::PROJECT_STATE_REJECTED);
  EXPECT_EQ(rejected->decision_reason(), "the carrier contract ends in March anyway");
  EXPECT_EQ(rejected->history().rbegin()->action(), "rejected");
  EXPECT_NE(rejected->history().rbegin()->detail().find("contract ends in March"), std::string::npos);

  const auto started = Start(p);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(started.status().message().find("contract ends in March"), std::string::npos);
}

TEST_F(ProjectWorkflowTest, CommitteeMembersMustBeInTheDirectory) {
  const auto committee = ParseCommittee("p-voc-chair,p-ghost", *directory_);
  EXPECT_EQ(committee.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(committee.status().message().find("services.tracking.voc_committee"), std::string::npos);
  EXPECT_NE(committee.status().message().find("p-ghost"), std::string::npos);
  const auto left = ParseCommittee("p-voc-chair, p-wh-left", *directory_);
  EXPECT_EQ(left.status().code(), absl::StatusCode::kInvalidArgument) << "a person who has left decides nothing";
  EXPECT_NE(left.status().message().find("p-wh-left"), std::string::npos);
}

TEST_F(ProjectWorkflowTest, ActionItemsAreAddedReassignedAndRedatedWithHistory) {
  const v1::Project p = Propose("proj-1");
  v1::AddActionItemRequest add;
  add.set_parent(p.name());
  add.set_actor("p-am");
  add.mutable_item()->set_title("Train the packers");
  add.mutable_item()->mutable_owner()->set_department("nowhere");
  EXPECT_NE(workflow_->AddActionItem(TestSystem(), add).status().message().find("item.owner.department"),
            std::string::npos);
  add.mutable_item()->mutable_owner()->set_department("warehouse");
  add.mutable_item()->mutable_owner()->set_person("p-wh-left");  // inactive
  const auto inactive = workflow_->AddActionItem(TestSystem(), add);
  EXPECT_EQ(inactive.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(inactive.status().message().find("item.owner.person"), std::string::npos) << inactive.status();
  add.mutable_item()->mutable_owner()->clear_person();
  auto added = workflow_->AddActionItem(TestSystem(), add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->action_items_size(), 2);
  EXPECT_EQ(added->action_items(1).id(), "item-2");

  v1::UpdateActionItemRequest edit;
  edit.set_name(p.name() + "/actionItems/item-2");
  edit.set_actor("p-wh-head");
  edit.mutable_owner()->set_department("warehouse");
  edit.mutable_owner()->set_person("p-wh-mgr");
  *edit.mutable_due_time() = ToProto(clock_.Now() + hours(72));
  edit.set_reason("the manager runs training");
  v1::UpdateActionItemRequest to_inactive = edit;
  to_inactive.mutable_owner()->set_person("p-wh-left");
  const auto refused = workflow_->UpdateActionItem(TestSystem(), to_inactive);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("owner.person"), std::string::npos) << refused.status();
  auto edited = workflow_->UpdateActionItem(TestSystem(), edit);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->action_items(1).owner().person(), "p-wh-mgr");
  EXPECT_EQ(ProtoToMillis(edited->action_items(1).due_time()), ToMillis(clock_.Now() + hours(72)));
  EXPECT_EQ(edited->history().rbegin()->action(), "action_item_reassigned");
  EXPECT_NE(edited->history().rbegin()->detail().find("re-dated"), std::string::npos);

  edit.set_name(p.name() + "/actionItems/item-9");
  EXPECT_EQ(workflow_->UpdateActionItem(TestSystem(), edit).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace voc::tracking::tasks
