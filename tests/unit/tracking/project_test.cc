#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;
using testing::StartTime;
using testing::TrackingFixture;

class ProjectTest : public TrackingFixture {
 protected:
  v1::Project MustCreateProject(const std::string& request_id) {
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
  absl::StatusOr<v1::Project> Complete(const v1::Project& p, int item) {
    v1::CompleteActionItemRequest req;
    req.set_name(p.action_items(item).name());
    req.set_actor("p-owner");
    return service_->CompleteActionItem(TestSystem(), req);
  }
};

TEST_F(ProjectTest, CreateIsIdempotentAndNamesItems) {
  const v1::Project p = MustCreateProject("proj-1");
  EXPECT_EQ(p.state(), v1::PROJECT_STATE_OPEN);
  ASSERT_EQ(p.action_items_size(), 2);
  EXPECT_EQ(p.action_items(0).name(), p.name() + "/actionItems/item-1");
  EXPECT_EQ(MustCreateProject("proj-1").id(), p.id());
  v1::ListProjectsRequest list;
  list.set_topic("logistics.delivery_delay");
  EXPECT_EQ(service_->ListProjects(TestSystem(), list).value().projects_size(), 1);
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
