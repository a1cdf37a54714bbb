// Who may see and do what in voc-tracking (issue 9), over gRPC: the three
// adapters main() serves (TrackingService, CaseTaskService,
// ProjectWorkflowService) in this process on a free port, behind the real
// CallerAuthenticator with the demo directory and roles (config/), test
// tokens (TestCredentials), and the people the gateway acts for (ActFor).
#include <gtest/gtest.h>
#include <grpcpp/generic/generic_stub.h>

#include <fstream>
#include <sstream>

#include "common/org/org_directory.h"
#include "common/rpc/server.h"
#include "common/sla/sla_policy.h"
#include "common/util/time.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/project_store.h"
#include "services/tracking/store/sla_store.h"
#include "services/tracking/store/task_store.h"
#include "services/tracking/tasks/action_item_watcher.h"
#include "services/tracking/tasks/project_workflow.h"
#include "services/tracking/tasks/task_service.h"
#include "services/tracking/tasks/tasks_grpc.h"
#include "services/tracking/tracking_grpc.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/tracking/in_process_auth.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::tracking {
namespace {

using voc::testing::ActFor;

constexpr char kPhone[] = "13812345678";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TrackingPermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_.Add("feedback-only", "feedback:write");
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db").value();
    ASSERT_TRUE(db_->Migrate("tracking", TrackingMigrations()).ok());
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    authenticator_ = InProcessAuthenticator(creds_, directory_, ReadFile("config/roles.yaml"));
    store_ = std::make_unique<TrackingStore>(*db_);
    service_ = std::make_unique<TrackingService>(*store_, clock_, nullptr, nullptr, directory_,
                                                 DirectoryMasker(*directory_));
    sla_store_ = std::make_unique<SlaStore>(*db_);
    sweeper_ = std::make_unique<SlaSweeper>(*sla_store_, *store_, clock_, notifier_, directory_,
                                            [] { return std::shared_ptr<const sla::SlaPolicies>(); });
    task_store_ = std::make_unique<TaskStore>(*db_);
    project_store_ = std::make_unique<ProjectStore>(*db_);
    tasks_ = std::make_unique<tasks::TaskService>(*task_store_, *store_, clock_, directory_);
    workflow_ = std::make_unique<tasks::ProjectWorkflow>(*store_, *project_store_, clock_, directory_,
                                                         std::set<std::string>{"p-emily-carter"});
    watcher_ = std::make_unique<tasks::ActionItemWatcher>(
        *project_store_, clock_, notifier_, directory_,
        tasks::ItemWatchPlanFromConfig(Config::FromString("{}", "tracking").value()));
    tracking_grpc_ = std::make_unique<TrackingGrpc>(*authenticator_, *service_, *sweeper_);
    task_grpc_ = std::make_unique<tasks::CaseTaskGrpc>(*authenticator_, *tasks_);
    workflow_grpc_ = std::make_unique<tasks::ProjectWorkflowGrpc>(*authenticator_, *workflow_, *watcher_);
    server_ = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"tracking", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{tracking_grpc_.get(), task_grpc_.get(), workflow_grpc_.get()});
    address_ = "127.0.0.1:" + std::to_string(server_->Start().value());

    app_case_ = Create("app-1", "app_engineering", "p-kevin-zhou");
    logistics_case_ = Create("log-1", "logistics", "");
  }
  void TearDown() override { server_->Shutdown(); }

  // Opened by the tester (every scope), with a phone number in the summary.
  v1::Case Create(const std::string& feedback_id, const std::string& department,
                  const std::string& person) {
    v1::CreateCaseRequest req;
    req.set_request_id("complaint:" + feedback_id);
    req.mutable_case_()->set_kind(v1::CASE_KIND_COMPLAINT);
    req.mutable_case_()->set_feedback_id(feedback_id);
    req.mutable_case_()->set_summary(std::string("The app crashed, call me at ") + kPhone);
    auto* owner = req.mutable_case_()->add_owners();
    owner->set_department(department);
    owner->set_person(person);
    *req.mutable_sla() = ToProto(std::chrono::hours(24));
    v1::Case out;
    grpc::ClientContext ctx;
    const grpc::Status st = Stub("tester")->CreateCase(&ctx, req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  std::unique_ptr<v1::TrackingService::Stub> Stub(const std::string& principal) {
    return v1::TrackingService::NewStub(creds_.Channel(address_, principal));
  }

  // A call for `person` through the gateway's principal.
  template <typename Request, typename Response, typename Method>
  grpc::Status AsPerson(const std::string& person, Method method, const Request& req, Response* resp,
                        const std::string& principal = "gateway") {
    grpc::ClientContext ctx;
    ActFor(ctx, person);
    auto stub = Stub(principal);
    return ((*stub).*method)(&ctx, req, resp);
  }

  grpc::Status GetAs(const std::string& person, const std::string& name, v1::Case* out) {
    v1::GetCaseRequest req;
    req.set_name(name);
    return AsPerson(person, &v1::TrackingService::Stub::GetCase, req, out);
  }

  std::vector<std::string> ListIdsAs(const std::string& person, v1::ListCasesRequest req,
                                     int* pages = nullptr) {
    std::vector<std::string> ids;
    int walked = 0;
    do {
      v1::ListCasesResponse resp;
      const grpc::Status st = AsPerson(person, &v1::TrackingService::Stub::ListCases, req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      for (const auto& c : resp.cases()) ids.push_back(c.id());
      req.set_page_token(resp.next_page_token());
      ++walked;
    } while (!req.page_token().empty() && walked < 20);
    if (pages) *pages = walked;
    return ids;
  }

  voc::testing::TempDir dir_;
  voc::testing::TestCredentials creds_;
  FakeClock clock_{FromMillis(1772409600000LL)};
  voc::testing::RecordingNotifier notifier_;
  std::unique_ptr<storage::Database> db_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  std::unique_ptr<TrackingStore> store_;
  std::unique_ptr<TrackingService> service_;
  std::unique_ptr<SlaStore> sla_store_;
  std::unique_ptr<SlaSweeper> sweeper_;
  std::unique_ptr<TaskStore> task_store_;
  std::unique_ptr<ProjectStore> project_store_;
  std::unique_ptr<tasks::TaskService> tasks_;
  std::unique_ptr<tasks::ProjectWorkflow> workflow_;
  std::unique_ptr<tasks::ActionItemWatcher> watcher_;
  std::unique_ptr<TrackingGrpc> tracking_grpc_;
  std::unique_ptr<tasks::CaseTaskGrpc> task_grpc_;
  std::unique_ptr<tasks::ProjectWorkflowGrpc> workflow_grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
  v1::Case app_case_, logistics_case_;
};

TEST_F(TrackingPermissionsTest, ALogisticsMemberNeitherSeesNorActsOnAppEngineeringCases) {
  v1::Case got;
  EXPECT_EQ(GetAs("p-xu-gang", app_case_.name(), &got).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A case that does not exist answers the same (AIP-193).
  EXPECT_EQ(GetAs("p-xu-gang", "cases/no-such-case", &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  for (const std::string& name : {app_case_.name(), std::string("cases/no-such-case")}) {
    v1::AcknowledgeCaseRequest ack;
    ack.set_name(name);
    EXPECT_EQ(AsPerson("p-xu-gang", &v1::TrackingService::Stub::AcknowledgeCase, ack, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::ResolveCaseRequest resolve;
    resolve.set_name(name);
    resolve.set_resolution_note("done");
    EXPECT_EQ(AsPerson("p-xu-gang", &v1::TrackingService::Stub::ResolveCase, resolve, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Their own department's case is theirs.
  ASSERT_TRUE(GetAs("p-xu-gang", logistics_case_.name(), &got).ok());

  // More app cases than a page: the member's list, walked page by page,
  // holds only their department's case, and asking for the other
  // department returns nothing and no page token.
  for (int i = 2; i <= 4; ++i) Create("app-" + std::to_string(i), "app_engineering", "");
  v1::ListCasesRequest list;
  list.set_page_size(1);
  int pages = 0;
  EXPECT_EQ(ListIdsAs("p-xu-gang", list, &pages), std::vector<std::string>{logistics_case_.id()});
  EXPECT_LE(pages, 2);
  list.set_department("app_engineering");
  v1::ListCasesResponse other;
  ASSERT_TRUE(AsPerson("p-xu-gang", &v1::TrackingService::Stub::ListCases, list, &other).ok());
  EXPECT_EQ(other.cases_size(), 0);
  EXPECT_EQ(other.next_page_token(), "");
  // A task on the app case, owned by app engineering, is not in the
  // member's worklist either; the analyst sees it.
  v1::AddTaskRequest add;
  add.set_parent(app_case_.name());
  add.mutable_task()->set_title("Check the crash logs");
  add.mutable_task()->mutable_owner()->set_department("app_engineering");
  *add.mutable_task()->mutable_due_time() = ToProto(clock_.Now() + std::chrono::hours(8));
  v1::Task task;
  grpc::ClientContext add_ctx;
  auto task_stub = v1::CaseTaskService::NewStub(creds_.Channel(address_, "tester"));
  ASSERT_TRUE(task_stub->AddTask(&add_ctx, add, &task).ok());
  auto tasks_of = [&](const std::string& person) {
    v1::ListTasksResponse task_list;
    grpc::ClientContext ctx;
    ActFor(ctx, person);
    EXPECT_TRUE(v1::CaseTaskService::NewStub(creds_.Channel(address_, "gateway"))
                    ->ListTasks(&ctx, v1::ListTasksRequest(), &task_list).ok());
    return task_list.tasks_size();
  };
  EXPECT_EQ(tasks_of("p-xu-gang"), 0);
  EXPECT_EQ(tasks_of("p-emily-carter"), 1);
  v1::UpdateTaskStateRequest move;
  move.set_name(task.name());
  move.set_state(v1::TASK_STATE_DONE);
  grpc::ClientContext move_ctx;
  ActFor(move_ctx, "p-xu-gang");
  EXPECT_EQ(v1::CaseTaskService::NewStub(creds_.Channel(address_, "gateway"))
                ->UpdateTaskState(&move_ctx, move, &task).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TrackingPermissionsTest, EveryRpcRefusesAnUnauthenticatedCaller) {
  auto channel = rpc::MakeChannel(address_);  // sends no credential
  grpc::GenericStub stub(channel);
  int methods = 0;
  const auto* file = v1::Case::descriptor()->file();  // voc/v1/tracking.proto
  for (const char* name : {"TrackingService", "CaseTaskService", "ProjectWorkflowService"}) {
    const auto* service = file->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = "/" + service->full_name() + "/" + service->method(i)->name();
      grpc::ClientContext ctx;
      grpc::CompletionQueue cq;
      grpc::Slice empty_message("");  // an empty request of any type
      grpc::ByteBuffer request(&empty_message, 1), response;
      grpc::Status status;
      auto call = stub.PrepareUnaryCall(&ctx, method, request, &cq);
      call->StartCall();
      call->Finish(&response, &status, reinterpret_cast<void*>(1));
      void* tag = nullptr;
      bool ok = false;
      ASSERT_TRUE(cq.Next(&tag, &ok));
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
      ++methods;
    }
  }
  EXPECT_GE(methods, 29);  // 18 + 4 + 7 when this was written; new RPCs join the loop
  v1::Case untouched;
  ASSERT_TRUE(GetAs("p-kevin-zhou", app_case_.name(), &untouched).ok());
  EXPECT_EQ(untouched.state(), v1::CASE_STATE_OPEN);
}

TEST_F(TrackingPermissionsTest, AnAnalystReadsEveryCaseButActsOnlyAsAnOwner) {
  v1::Case got;
  ASSERT_TRUE(GetAs("p-emily-carter", app_case_.name(), &got).ok());
  ASSERT_TRUE(GetAs("p-emily-carter", logistics_case_.name(), &got).ok());
  // Who reads every case may learn that one does not exist.
  EXPECT_EQ(GetAs("p-emily-carter", "cases/no-such-case", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListCasesRequest list;
  EXPECT_EQ(ListIdsAs("p-emily-carter", list).size(), 2u);

  v1::ResolveCaseRequest resolve;
  resolve.set_name(logistics_case_.name());
  resolve.set_resolution_note("done");
  EXPECT_EQ(AsPerson("p-emily-carter", &v1::TrackingService::Stub::ResolveCase, resolve, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const v1::Case owned = Create("log-2", "logistics", "p-emily-carter");
  resolve.set_name(owned.name());
  ASSERT_TRUE(AsPerson("p-emily-carter", &v1::TrackingService::Stub::ResolveCase, resolve, &got).ok());
  EXPECT_EQ(got.state(), v1::CASE_STATE_RESOLVED);
}

TEST_F(TrackingPermissionsTest, TheCaseTextIsDeIdentifiedOutsideItsDepartment) {
  v1::Case got;
  ASSERT_TRUE(GetAs("p-kevin-zhou", app_case_.name(), &got).ok());
  EXPECT_NE(got.summary().find(kPhone), std::string::npos);  // inside the department
  ASSERT_TRUE(GetAs("p-emily-carter", app_case_.name(), &got).ok());
  EXPECT_EQ(got.summary().find(kPhone), std::string::npos) << got.summary();
  EXPECT_NE(got.summary().find("The app crashed"), std::string::npos);
}

TEST_F(TrackingPermissionsTest, AFeedbackOnlyKeyCannotReadCases) {
  auto stub = Stub("feedback-only");
  v1::Case got;
  grpc::ClientContext get_ctx;
  v1::GetCaseRequest get;
  get.set_name(app_case_.name());
  EXPECT_EQ(stub->GetCase(&get_ctx, get, &got).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext list_ctx;
  v1::ListCasesResponse listed;
  EXPECT_EQ(stub->ListCases(&list_ctx, v1::ListCasesRequest(), &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext create_ctx;
  v1::CreateCaseRequest create;
  EXPECT_EQ(stub->CreateCase(&create_ctx, create, &got).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TrackingPermissionsTest, AForgedActingForFromAnotherPrincipalIsRefused) {
  v1::Case got;
  v1::GetCaseRequest get;
  get.set_name(logistics_case_.name());
  // Assignment may open cases, not speak for people.
  EXPECT_EQ(AsPerson("p-emily-carter", &v1::TrackingService::Stub::GetCase, get, &got, "assignment").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TrackingPermissionsTest, TheRecordedActorIsThePersonNotTheRequestField) {
  v1::AcknowledgeCaseRequest ack;
  ack.set_name(logistics_case_.name());
  ack.set_actor("p-sun-li");  // ignored
  v1::Case got;
  ASSERT_TRUE(AsPerson("p-wang-lei", &v1::TrackingService::Stub::AcknowledgeCase, ack, &got).ok());
  v1::LogCallbackRequest callback;
  callback.set_name(logistics_case_.name());
  callback.set_actor("p-sun-li");
  callback.set_reached(true);
  ASSERT_TRUE(AsPerson("p-xu-gang", &v1::TrackingService::Stub::LogCallback, callback, &got).ok());
  ASSERT_GE(got.history_size(), 3);
  EXPECT_EQ(got.history(1).action(), "acknowledged");
  EXPECT_EQ(got.history(1).actor(), "p-wang-lei");
  ASSERT_EQ(got.callbacks_size(), 1);
  EXPECT_EQ(got.callbacks(0).actor(), "p-xu-gang");
  for (const auto& h : got.history()) EXPECT_NE(h.actor(), "p-sun-li");
}

TEST_F(TrackingPermissionsTest, AnAnalystsPageTokenGivesAMemberNothingMore) {
  for (int i = 2; i <= 3; ++i) Create("app-" + std::to_string(i), "app_engineering", "");
  v1::ListCasesRequest list;
  list.set_page_size(1);
  v1::ListCasesResponse analyst_page;
  ASSERT_TRUE(AsPerson("p-emily-carter", &v1::TrackingService::Stub::ListCases, list, &analyst_page).ok());
  ASSERT_FALSE(analyst_page.next_page_token().empty());
  list.set_page_token(analyst_page.next_page_token());
  v1::ListCasesResponse member_page;
  const grpc::Status refused =
      AsPerson("p-xu-gang", &v1::TrackingService::Stub::ListCases, list, &member_page);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("page_token", 0), 0u) << refused.error_message();
  EXPECT_EQ(member_page.cases_size(), 0);
}

}  // namespace
}  // namespace voc::tracking

namespace voc::tracking {
namespace {

// Issue 12: the worklist's true total counts what the caller may see and
// nothing else, the same on every page of a walk, and follows the filter.
TEST_F(TrackingPermissionsTest, TheTotalCountsOnlyTheCallersViewOnEveryPage) {
  for (int i = 2; i <= 6; ++i) Create("app-" + std::to_string(i), "app_engineering", "");
  for (int i = 2; i <= 3; ++i) Create("log-" + std::to_string(i), "logistics", "");
  // A case owned by both departments counts once for the analyst.
  v1::CreateCaseRequest shared;
  shared.set_request_id("complaint:both");
  shared.mutable_case_()->set_kind(v1::CASE_KIND_COMPLAINT);
  shared.mutable_case_()->set_feedback_id("both");
  shared.mutable_case_()->add_owners()->set_department("logistics");
  shared.mutable_case_()->add_owners()->set_department("app_engineering");
  *shared.mutable_sla() = ToProto(std::chrono::hours(24));
  v1::Case created;
  grpc::ClientContext create_ctx;
  ASSERT_TRUE(Stub("tester")->CreateCase(&create_ctx, shared, &created).ok());

  auto totals_of_walk = [&](const std::string& person, v1::ListCasesRequest req) {
    std::vector<std::int64_t> totals;
    std::size_t listed = 0;
    do {
      v1::ListCasesResponse resp;
      const grpc::Status st = AsPerson(person, &v1::TrackingService::Stub::ListCases, req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      totals.push_back(resp.total_size());
      listed += static_cast<std::size_t>(resp.cases_size());
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty() && totals.size() < 30);
    // The total is what the walk lists.
    for (std::int64_t t : totals) EXPECT_EQ(t, static_cast<std::int64_t>(listed)) << person;
    return listed;
  };
  v1::ListCasesRequest list;
  list.set_page_size(2);
  // The member: logistics' 3 cases plus the shared one; never app's 6.
  EXPECT_EQ(totals_of_walk("p-xu-gang", list), 4u);
  // The analyst: 6 app + 3 logistics + 1 shared (once, despite two owners).
  EXPECT_EQ(totals_of_walk("p-emily-carter", list), 10u);
  v1::ListCasesRequest app_only = list;
  app_only.set_department("app_engineering");
  EXPECT_EQ(totals_of_walk("p-emily-carter", app_only), 7u);
  // The member asking for app engineering counts only the one app case
  // they may see (the shared one), not app's other six.
  v1::ListCasesResponse other;
  ASSERT_TRUE(AsPerson("p-xu-gang", &v1::TrackingService::Stub::ListCases, app_only, &other).ok());
  EXPECT_EQ(other.total_size(), 1);
  ASSERT_EQ(other.cases_size(), 1);
  EXPECT_EQ(other.cases(0).id(), created.id());
  // Resolved cases leave an open-only total.
  v1::ResolveCaseRequest resolve;
  resolve.set_name(created.name());
  resolve.set_resolution_note("fixed");
  v1::Case got;
  grpc::ClientContext resolve_ctx;
  ASSERT_TRUE(Stub("tester")->ResolveCase(&resolve_ctx, resolve, &got).ok());
  v1::ListCasesRequest open_only = list;
  open_only.set_open_only(true);
  EXPECT_EQ(totals_of_walk("p-xu-gang", open_only), 3u);
}

}  // namespace
}  // namespace voc::tracking

namespace voc::tracking {
namespace {

// Issue 10 item 4 ("marks"): over gRPC, a red-line case is marked by its
// owner (the actor recorded is the person the gateway acts for, never the
// request's) and by an analyst; another department's member may not, and a
// missing case answers the same.
TEST_F(TrackingPermissionsTest, ARedLineCaseIsMarkedByItsOwnersAndAnalystsOnly) {
  v1::CreateCaseRequest req;
  req.set_request_id("redline:red-1");
  req.mutable_case_()->set_kind(v1::CASE_KIND_RED_LINE);
  req.mutable_case_()->set_feedback_id("red-1");
  req.mutable_case_()->set_summary("充电器起火了");
  auto* owner = req.mutable_case_()->add_owners();
  owner->set_department("app_engineering");
  owner->set_person("p-kevin-zhou");
  *req.mutable_sla() = ToProto(std::chrono::hours(4));
  v1::Case red;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(Stub("tester")->CreateCase(&ctx, req, &red).ok());
  }
  v1::MarkRedLineRequest mark;
  mark.set_name(red.name());
  mark.set_verdict(v1::RED_LINE_VERDICT_FALSE_ALARM);
  mark.set_reason("a photo of a lighter, nothing burnt");
  v1::Case got;
  EXPECT_EQ(AsPerson("p-xu-gang", &v1::TrackingService::Stub::MarkRedLine, mark, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::MarkRedLineRequest missing = mark;
  missing.set_name("cases/no-such-case");
  EXPECT_EQ(AsPerson("p-xu-gang", &v1::TrackingService::Stub::MarkRedLine, missing, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const grpc::Status by_owner = AsPerson("p-kevin-zhou", &v1::TrackingService::Stub::MarkRedLine, mark, &got);
  ASSERT_TRUE(by_owner.ok()) << by_owner.error_message();
  EXPECT_EQ(got.red_line_mark().actor(), "p-kevin-zhou");
  EXPECT_EQ(got.history(got.history_size() - 1).action(), "red_line_marked");
  EXPECT_EQ(got.history(got.history_size() - 1).actor(), "p-kevin-zhou");

  mark.set_verdict(v1::RED_LINE_VERDICT_CONFIRMED);
  mark.set_reason("the customer sent a photo of the burnt socket");
  const grpc::Status by_analyst = AsPerson("p-emily-carter", &v1::TrackingService::Stub::MarkRedLine, mark, &got);
  ASSERT_TRUE(by_analyst.ok()) << by_analyst.error_message();
  EXPECT_EQ(got.red_line_mark().verdict(), v1::RED_LINE_VERDICT_CONFIRMED);
  EXPECT_EQ(got.red_line_mark().actor(), "p-emily-carter");

  mark.set_reason("");
  EXPECT_EQ(AsPerson("p-kevin-zhou", &v1::TrackingService::Stub::MarkRedLine, mark, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::MarkRedLineRequest complaint = mark;
  complaint.set_name(app_case_.name());
  complaint.set_reason("not a red line");
  EXPECT_EQ(AsPerson("p-kevin-zhou", &v1::TrackingService::Stub::MarkRedLine, complaint, &got).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace voc::tracking
