#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include "services/tracking/store/project_store.h"
#include "services/tracking/tasks/project_workflow.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;
using testing::StartTime;
using testing::TrackingFixture;

class ProjectTest : public TrackingFixture {
 protected:
  void SetUp() override {
    TrackingFixture::SetUp();
    project_store_ = std::make_unique<ProjectStore>(*db_);
    workflow_ = std::make_unique<tasks::ProjectWorkflow>(
        *store_, *project_store_, clock_, directory_, tasks::ParseCommittee("p-head-cs", *directory_).value());
  }

  // CreateProject stores a proposal; the committee (p-head-cs) approves it
  // and it starts.
  v1::Project MustCreateProject(const std::string& request_id) {
    const v1::Project proposed = MustProposeProject(request_id);
    v1::DecideProjectRequest decide;
    decide.set_name(proposed.name());
    decide.set_approve(true);
    EXPECT_TRUE(workflow_->DecideProject(TestPerson("p-head-cs", "customer_success", {}, true), decide).ok());
    v1::StartProjectRequest start;
    start.set_name(proposed.name());
    // Already open when the same request_id was created and started before.
    if (proposed.state() == v1::PROJECT_STATE_PROPOSED) EXPECT_TRUE(workflow_->StartProject(TestSystem(), start).ok());
    return service_->GetProject(TestSystem(), proposed.name()).value();
  }

  v1::Project MustProposeProject(const std::string& request_id) {
    v1::CreateProjectRequest req;
    req.set_request_id(request_id);
    req.set_actor("p-head-cs");
    v1::Project* p = req.mutable_project();
    p->set_title("Cut delivery delays");
    p->set_topic("logistics.delivery_delay");
    for (const char* dept : {"logistics", "customer_service"}) {
      v1::ActionItem* item = p->add_action_items();
      item->set_title(std::string("fix it in ") + dept);
      item->mutable_owner()->set_department(dept);
      *item->mutable_due_time() = ToProto(StartTime() + hours(24 * 14));
    }
    auto r = service_->CreateProject(TestSystem(), req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : std::string(r.status().message()));
    return r.value();
  }
  std::unique_ptr<ProjectStore> project_store_;
  std::unique_ptr<tasks::ProjectWorkflow> workflow_;

  absl::StatusOr<v1::Project> Complete(const v1::Project& p, int item) {
    v1::CompleteActionItemRequest req;
    req.set_name(p.action_items(item).name());
    req.set_actor("p-owner");
    return service_->CompleteActionItem(TestSystem(), req);
  }
};

TEST_F(ProjectTest, CreateIsIdempotentAndNamesItems) {
  const v1::Project p = MustProposeProject("proj-1");
  ASSERT_EQ(p.action_items_size(), 2);
  EXPECT_EQ(p.action_items(0).name(), p.name() + "/actionItems/item-1");
  EXPECT_EQ(MustProposeProject("proj-1").id(), p.id());
  v1::ListProjectsRequest list;
  list.set_topic("logistics.delivery_delay");
  EXPECT_EQ(service_->ListProjects(TestSystem(), list).value().projects_size(), 1);
}

// Issue 11: "a project cannot start before approval". CreateProject used to
// store the project open, past the committee.
TEST_F(ProjectTest, CreateProjectStoresAProposalThatCannotStartOrBeWorkedOnBeforeApproval) {
  const v1::Project p = MustProposeProject("proj-1");
  EXPECT_EQ(p.state(), v1::PROJECT_STATE_PROPOSED);
  EXPECT_FALSE(p.has_start_time());
  EXPECT_EQ(workflow_->GetProject(TestSystem(), p.id()).value().proposed_by(), "service:tester")
      << "the caller is its proposer";
  EXPECT_EQ(service_->GetProject(TestSystem(), p.name()).value().history(0).action(), "proposed");

  v1::StartProjectRequest start;
  start.set_name(p.name());
  const auto started = workflow_->StartProject(TestSystem(), start);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(started.status().message().find("approval"), std::string::npos) << started.status();

  const auto completed = Complete(p, 0);
  EXPECT_EQ(completed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(completed.status().message().find("has not started (proposed)"), std::string::npos)
      << completed.status();
  EXPECT_FALSE(service_->GetProject(TestSystem(), p.name()).value().action_items(0).done());

  // Approved and started, it is open and its items can be done.
  const v1::Project open = MustCreateProject("proj-1");
  EXPECT_EQ(open.id(), p.id());
  EXPECT_EQ(open.state(), v1::PROJECT_STATE_OPEN);
  EXPECT_TRUE(Complete(open, 0).ok());
}

TEST_F(ProjectTest, CreateProjectChecksItemOwnersAgainstTheDirectory) {
  TrackingService checked(*store_, clock_, relay_.get(), nullptr, directory_);
  v1::CreateProjectRequest req;
  req.mutable_project()->set_title("t");
  req.mutable_project()->set_topic("x");
  auto* item = req.mutable_project()->add_action_items();
  item->set_title("call them");
  item->mutable_owner()->set_department("customer_success");
  item->mutable_owner()->set_person("p-am-left");  // inactive
  const auto r = checked.CreateProject(TestSystem(), req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("project.action_items[0].owner.person"), std::string::npos) << r.status();
  item->mutable_owner()->set_person("p-am");
  EXPECT_TRUE(checked.CreateProject(TestSystem(), req).ok());
}

TEST_F(ProjectTest, ClosesWhenAllItemsAreDoneAndPublishesProjectClosed) {
  const v1::Project p = MustCreateProject("proj-1");
  clock_.Advance(hours(24));
  auto r = Complete(p, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state(), v1::PROJECT_STATE_OPEN);
  EXPECT_TRUE(sink_.events.empty());
  // Completing the same item twice changes nothing.
  ASSERT_TRUE(Complete(p, 0).ok());
  EXPECT_EQ(service_->GetProject(TestSystem(), p.name()).value().state(), v1::PROJECT_STATE_OPEN);

  clock_.Advance(hours(24));
  r = Complete(p, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state(), v1::PROJECT_STATE_CLOSED);
  EXPECT_EQ(FromProto(r.value().close_time()), StartTime() + hours(48));
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].first, "project_closed");
  v1::Project published;
  ASSERT_TRUE(published.ParseFromString(sink_.events[0].second));
  EXPECT_EQ(published.id(), p.id());
  EXPECT_EQ(published.state(), v1::PROJECT_STATE_CLOSED);
  EXPECT_EQ(published.topic(), "logistics.delivery_delay");
}

TEST_F(ProjectTest, ReopenRecordsEvidenceCountsAndReopensItems) {
  const v1::Project p = MustCreateProject("proj-1");
  v1::ReopenProjectRequest reopen;
  reopen.set_name(p.name());
  reopen.set_actor("system:verification");
  reopen.set_evidence("share before 12.0% after 11.8%, p=0.41");
  auto r = service_->ReopenProject(TestSystem(), reopen);
  ASSERT_FALSE(r.ok()) << "an open project cannot be reopened";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(Complete(p, 0).ok());
  ASSERT_TRUE(Complete(p, 1).ok());
  auth::Principal verification = TestSystem();
  verification.id = "service:verification";
  verification.scopes = {auth::kProjectsReopen};
  r = service_->ReopenProject(verification, reopen);
  ASSERT_TRUE(r.ok()) << std::string(r.status().message());
  EXPECT_EQ(r.value().state(), v1::PROJECT_STATE_OPEN);
  EXPECT_EQ(r.value().reopen_count(), 1);
  EXPECT_FALSE(r.value().action_items(0).done());
  const auto& last = r.value().history(r.value().history_size() - 1);
  EXPECT_EQ(last.action(), "reopened");
  EXPECT_EQ(last.detail(), "share before 12.0% after 11.8%, p=0.41");
  EXPECT_EQ(last.actor(), "service:verification");  // the caller, not the request's actor
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[1].first, "project_reopened");

  // It closes again once the items are done again.
  ASSERT_TRUE(Complete(p, 0).ok());
  EXPECT_EQ(Complete(p, 1).value().state(), v1::PROJECT_STATE_CLOSED);

  reopen.clear_evidence();
  r = service_->ReopenProject(TestSystem(), reopen);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ProjectTest, ValidationAndNotFound) {
  v1::CreateProjectRequest req;
  req.mutable_project()->set_title("t");
  req.mutable_project()->set_topic("x");
  auto r = service_->CreateProject(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).rfind("project.action_items", 0), 0u);

  v1::CompleteActionItemRequest complete;
  complete.set_name("projects/nope/actionItems/item-1");
  r = service_->CompleteActionItem(TestSystem(), complete);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  complete.set_name("projects/nope");
  r = service_->CompleteActionItem(TestSystem(), complete);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::tracking
