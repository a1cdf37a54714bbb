// The gateway's task and project routes over the real task and project
// services on SQLite: only the gRPC hop is replaced (an in-process backend
// calling the services directly).
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"
#include <nlohmann/json.hpp>

#include "services/gateway/ports.h"
#include "services/gateway/router.h"
#include "tests/unit/tasks/tasks_test_support.h"

namespace voc::tracking::tasks {
namespace {

using std::chrono::hours;

// GatewayBackend straight onto the services (what tracking serves over gRPC).
class InProcessBackend final : public gateway::GatewayBackend {
 public:
  InProcessBackend(TrackingService& cases, TaskService& tasks, ProjectWorkflow& projects, const Clock& clock)
      : cases_(cases), tasks_(tasks), projects_(projects), clock_(clock) {}
  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& r) override {
    return cases_.ListCases(TestSystem(), r);
  }
  absl::StatusOr<v1::Case> GetCase(const std::string& name) override { return cases_.GetCase(TestSystem(), name); }
  absl::StatusOr<v1::Feedback> GetFeedback(const std::string&) override { return absl::UnimplementedError(""); }
  absl::StatusOr<v1::Case> AcknowledgeCase(const v1::AcknowledgeCaseRequest& r) override {
    return cases_.AcknowledgeCase(TestSystem(), r);
  }
  absl::StatusOr<v1::Case> LogCallback(const v1::LogCallbackRequest& r) override { return cases_.LogCallback(TestSystem(), r); }
  absl::StatusOr<v1::Case> ResolveCase(const v1::ResolveCaseRequest& r) override { return cases_.ResolveCase(TestSystem(), r); }
  absl::StatusOr<v1::ListClustersResponse> ListClusters(const v1::ListClustersRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<v1::ListEmergingSignalsResponse> ListEmergingSignals(
      const v1::ListEmergingSignalsRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<v1::ListTopicsResponse> ListTopics(const v1::ListTopicsRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<v1::SearchKnowledgeResponse> SearchKnowledge(const v1::SearchKnowledgeRequest&) override {
    return absl::UnimplementedError("");
  }
  ClockReading Now() override { return {clock_.Now(), "test"}; }

  absl::StatusOr<v1::Task> AddTask(const v1::AddTaskRequest& r) override { return tasks_.AddTask(TestSystem(), r); }
  absl::StatusOr<v1::Task> UpdateTaskState(const v1::UpdateTaskStateRequest& r) override {
    return tasks_.UpdateTaskState(TestSystem(), r);
  }
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& r) override {
    return tasks_.ListTasks(TestSystem(), r);
  }
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest& r) override {
    return cases_.ListProjects(TestSystem(), r);
  }
  absl::StatusOr<v1::Project> GetProject(const std::string& name) override {
    return projects_.GetProject(TestSystem(), name.substr(std::string("projects/").size()));
  }
  absl::StatusOr<v1::Project> ProposeProject(const v1::CreateProjectRequest& r) override {
    return projects_.ProposeProject(TestSystem(), r);
  }
  absl::StatusOr<v1::Project> DecideProject(const v1::DecideProjectRequest& r) override {
    // The committee decides as people: the person the gateway acts for.
    return projects_.DecideProject(TestPerson(r.actor(), ""), r);
  }
  absl::StatusOr<v1::Project> StartProject(const v1::StartProjectRequest& r) override {
    return projects_.StartProject(TestSystem(), r);
  }

 private:
  TrackingService& cases_;
  TaskService& tasks_;
  ProjectWorkflow& projects_;
  const Clock& clock_;
};

class WorkRoutesTest : public testing::TasksFixture {
 protected:
  void SetUp() override {
    TasksFixture::SetUp();
    backend_ = std::make_unique<InProcessBackend>(*service_, *tasks_, *workflow_, clock_);
    router_ = std::make_unique<gateway::Router>(*backend_, std::vector<org::Department>{},
                                                gateway::StaticFiles(dir_.path()));
  }

  nlohmann::json Call(const std::string& method, const std::string& target, const nlohmann::json& body,
                      int expected_status) {
    gateway::HttpRequest request;
    request.method = method;
    request.target = target;
    if (method == "POST") {
      request.headers["content-type"] = "application/json";
      request.body = body.dump();
    }
    const gateway::HttpResponse response = router_->Handle(request);
    EXPECT_EQ(response.status, expected_status) << target << ": " << response.body;
    return nlohmann::json::parse(response.body);
  }

  std::unique_ptr<InProcessBackend> backend_;
  std::unique_ptr<gateway::Router> router_;
};

TEST_F(WorkRoutesTest, ATaskIsAddedWorkedFromItsDepartmentsListAndHoldsTheCase) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", clock_.Now()));
  const std::string due = FormatRfc3339(clock_.Now() + hours(8));
  Call("POST", "/api/cases/" + c.id() + "/tasks",
       {{"actor", "p-am"}, {"title", "Check stock"}, {"department", "nowhere"}, {"due_time", due}}, 400);
  const auto added = Call("POST", "/api/cases/" + c.id() + "/tasks",
                          {{"actor", "p-am"}, {"title", "Check stock"}, {"department", "warehouse"},
                           {"due_time", due}},
                          200);
  EXPECT_EQ(added["task"]["state"], "open");

  const auto mine = Call("GET", "/api/tasks?department=warehouse&open=true", nullptr, 200);
  ASSERT_EQ(mine["tasks"].size(), 1u);
  EXPECT_EQ(mine["tasks"][0]["case_id"], c.id());
  EXPECT_EQ(mine["tasks"][0]["time_left_ms"], 8 * 3600 * 1000);
  EXPECT_TRUE(Call("GET", "/api/tasks?department=customer_success&open=true", nullptr, 200)["tasks"].empty());

  const auto refused = Call("POST", "/api/cases/" + c.id() + "/resolve", {{"actor", "p-am"}, {"note", "ok"}}, 409);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("task-1"), std::string::npos);
  const std::string state = "/api/cases/" + c.id() + "/tasks/task-1/state";
  Call("POST", state, {{"actor", "p-wh-li"}, {"state", "cancelled"}}, 400);
  Call("POST", state, {{"actor", "p-wh-li"}, {"state", "cancelled"}, {"reason", "found it"}}, 200);
  Call("POST", "/api/cases/" + c.id() + "/resolve", {{"actor", "p-am"}, {"note", "ok"}}, 200);
}

TEST_F(WorkRoutesTest, AProposalIsDecidedByTheCommitteeBeforeItStarts) {
  const auto proposed = Call("POST", "/api/projects",
                             {{"actor", "p-am"}, {"title", "Cut delays"}, {"topic", "logistics.delivery_delay"},
                              {"items", {{{"title", "Second carrier"}, {"department", "warehouse"}}}}},
                             200);
  EXPECT_EQ(proposed["project"]["state"], "proposed");
  const std::string id = proposed["project"]["id"];
  Call("POST", "/api/projects/" + id + "/start", {{"actor", "p-am"}}, 409);
  Call("POST", "/api/projects/" + id + "/decide", {{"actor", "p-am"}, {"approve", true}}, 403);
  const auto rejected = Call("POST", "/api/projects/" + id + "/decide",
                             {{"actor", "p-voc-chair"}, {"approve", false}, {"reason", "no budget"}}, 200);
  EXPECT_EQ(rejected["project"]["state"], "rejected");
  EXPECT_EQ(rejected["project"]["decision_reason"], "no budget");
  const auto listed = Call("GET", "/api/projects?state=rejected", nullptr, 200);
  ASSERT_EQ(listed["projects"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/projects/" + id, nullptr, 200)["project"]["decided_by"], "p-voc-chair");
}

}  // namespace
}  // namespace voc::tracking::tasks
