// Who sees which figures of GetLoopReport (issue 12), over gRPC: the
// LoopReportService adapter in this process behind the real
// CallerAuthenticator with the demo directory and roles (config/), test
// tokens, and the people the gateway acts for.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/org/org_directory.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/tracking/loop_report_grpc.h"
#include "services/tracking/loop_reporter.h"
#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "tests/unit/tracking/in_process_auth.h"
#include "tests/unit/tracking/test_callers.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::tracking {
namespace {

using voc::testing::ActFor;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LoopReportPermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_.Add("analytics-reader", "analytics:read");
    creds_.Add("feedback-only", "feedback:write");
    creds_.Add("admin-key", "admin");
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db").value();
    ASSERT_TRUE(db_->Migrate("tracking", TrackingMigrations()).ok());
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    authenticator_ = InProcessAuthenticator(creds_, directory_, ReadFile("config/roles.yaml"));
    store_ = std::make_unique<TrackingStore>(*db_);
    service_ = std::make_unique<TrackingService>(*store_, clock_);
    loop_store_ = std::make_unique<LoopReportStore>(*db_);
    rollup_ = std::make_unique<LoopRollupStore>(*db_, clock_, 480);
    reporter_ = std::make_unique<LoopReporter>(*loop_store_, *rollup_, clock_);
    grpc_ = std::make_unique<LoopReportGrpc>(*authenticator_, *reporter_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"tracking", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{grpc_.get()});
    address_ = "127.0.0.1:" + std::to_string(server_->Start().value());

    Create("log-1", "logistics");
    Create("log-2", "logistics");
    Create("app-1", "app_engineering");
    clock_.Advance(std::chrono::hours(1));
    ASSERT_TRUE(rollup_->RefreshAll().ok());
  }
  void TearDown() override { server_->Shutdown(); }

  void Create(const std::string& id, const std::string& department) {
    v1::CreateCaseRequest req;
    req.set_request_id("complaint:" + id);
    req.mutable_case_()->set_kind(v1::CASE_KIND_COMPLAINT);
    req.mutable_case_()->set_feedback_id(id);
    req.mutable_case_()->add_owners()->set_department(department);
    *req.mutable_sla() = ToProto(std::chrono::hours(24));
    ASSERT_TRUE(service_->CreateCase(TestSystem(), req).ok());
  }

  // The report of the cases' day (2026-03-02 at UTC+8) for `department`.
  static v1::GetLoopReportRequest Request(const std::string& department = "") {
    v1::GetLoopReportRequest req;
    req.set_start_day("2026-03-02");
    req.set_end_day("2026-03-02");
    req.set_department(department);
    return req;
  }

  grpc::Status AsPrincipal(const std::string& principal, const v1::GetLoopReportRequest& req,
                           v1::LoopReport* out, const std::string& person = "") {
    grpc::ClientContext ctx;
    if (!person.empty()) ActFor(ctx, person);
    auto stub = v1::LoopReportService::NewStub(creds_.Channel(address_, principal));
    return stub->GetLoopReport(&ctx, req, out);
  }
  grpc::Status AsPerson(const std::string& person, const v1::GetLoopReportRequest& req,
                        v1::LoopReport* out) {
    return AsPrincipal("gateway", req, out, person);
  }

  // department -> opened, of the report's rows.
  static std::map<std::string, std::int64_t> Opened(const v1::LoopReport& r) {
    std::map<std::string, std::int64_t> out;
    for (const auto& row : r.rows()) out[row.department()] += row.opened();
    return out;
  }

  voc::testing::TempDir dir_;
  voc::testing::TestCredentials creds_;
  FakeClock clock_{FromMillis(1772409600000LL)};  // 2026-03-02T00:00Z, 08:00 at UTC+8
  std::unique_ptr<storage::Database> db_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  std::unique_ptr<TrackingStore> store_;
  std::unique_ptr<TrackingService> service_;
  std::unique_ptr<LoopReportStore> loop_store_;
  std::unique_ptr<LoopRollupStore> rollup_;
  std::unique_ptr<LoopReporter> reporter_;
  std::unique_ptr<LoopReportGrpc> grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
};

TEST_F(LoopReportPermissionsTest, AMemberSeesOnlyTheirDepartmentAndIsRefusedAnother) {
  v1::LoopReport r;
  ASSERT_TRUE(AsPerson("p-xu-gang", Request(), &r).ok());  // logistics
  EXPECT_EQ(Opened(r), (std::map<std::string, std::int64_t>{{"logistics", 2}}));
  // Two open cases, an hour old: the backlog is theirs only too.
  EXPECT_EQ(r.backlog(0).open(), 2);

  ASSERT_TRUE(AsPerson("p-xu-gang", Request("logistics"), &r).ok());
  EXPECT_EQ(Opened(r), (std::map<std::string, std::int64_t>{{"logistics", 2}}));

  const grpc::Status other = AsPerson("p-xu-gang", Request("app_engineering"), &r);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A department that does not exist answers the same.
  EXPECT_EQ(AsPerson("p-xu-gang", Request("no_such_department"), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(LoopReportPermissionsTest, AHeadSeesTheirDepartment) {
  v1::LoopReport r;
  ASSERT_TRUE(AsPerson("p-kevin-zhou", Request(), &r).ok());  // head of app_engineering
  EXPECT_EQ(Opened(r), (std::map<std::string, std::int64_t>{{"app_engineering", 1}}));
}

TEST_F(LoopReportPermissionsTest, AnAnalystAndAnAnalyticsKeySeeEveryDepartment) {
  const std::map<std::string, std::int64_t> every = {{"app_engineering", 1}, {"logistics", 2}};
  v1::LoopReport r;
  ASSERT_TRUE(AsPerson("p-emily-carter", Request(), &r).ok());
  EXPECT_EQ(Opened(r), every);
  ASSERT_TRUE(AsPerson("p-emily-carter", Request("app_engineering"), &r).ok());
  EXPECT_EQ(Opened(r), (std::map<std::string, std::int64_t>{{"app_engineering", 1}}));
  ASSERT_TRUE(AsPrincipal("analytics-reader", Request(), &r).ok());
  EXPECT_EQ(Opened(r), every);
}

TEST_F(LoopReportPermissionsTest, CallersWithoutTheScopeAreRefused) {
  v1::LoopReport r;
  const grpc::Status feedback_only = AsPrincipal("feedback-only", Request(), &r);
  EXPECT_EQ(feedback_only.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(feedback_only.error_message().find("analytics:read"), std::string::npos)
      << feedback_only.error_message();
  // The gateway itself (not acting for a person) reads no figures.
  EXPECT_EQ(AsPrincipal("gateway", Request(), &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Refused before the request is looked at: a bad day says nothing.
  v1::GetLoopReportRequest bad = Request();
  bad.set_start_day("yesterday");
  EXPECT_EQ(AsPrincipal("feedback-only", bad, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AsPrincipal("analytics-reader", bad, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LoopReportPermissionsTest, OnlyAnAdminRebuildsTheRollUp) {
  auto rebuild = [&](const std::string& principal, const std::string& person = "") {
    grpc::ClientContext ctx;
    if (!person.empty()) ActFor(ctx, person);
    v1::RebuildLoopRollupsResponse out;
    auto stub = v1::LoopReportService::NewStub(creds_.Channel(address_, principal));
    const grpc::Status status = stub->RebuildLoopRollups(&ctx, v1::RebuildLoopRollupsRequest(), &out);
    return std::make_pair(status, out);
  };
  EXPECT_EQ(rebuild("analytics-reader").first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(rebuild("gateway", "p-emily-carter").first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const auto [status, out] = rebuild("admin-key");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.cases_read(), 3);
  EXPECT_EQ(out.count_rows(), 2);  // one (day, department, kind, day) row per department
  // The rebuilt figures are the refreshed ones.
  v1::LoopReport r;
  ASSERT_TRUE(AsPrincipal("analytics-reader", Request(), &r).ok());
  EXPECT_EQ(Opened(r), (std::map<std::string, std::int64_t>{{"app_engineering", 1}, {"logistics", 2}}));
}

TEST_F(LoopReportPermissionsTest, AnUnauthenticatedCallerIsRefused) {
  auto stub = v1::LoopReportService::NewStub(rpc::MakeChannel(address_));  // no credential
  grpc::ClientContext ctx;
  v1::LoopReport r;
  EXPECT_EQ(stub->GetLoopReport(&ctx, Request(), &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace voc::tracking
