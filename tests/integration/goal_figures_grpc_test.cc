// The goal figure clients (issue 12, goal_figures_grpc.h) over gRPC: the
// VoiceReportService and LoopReportService here are in-process fakes of
// triage's and tracking's servers (canned answers, requests recorded), so
// the test checks what the clients send, how answers and errors come back,
// and that GoalMeter reads them as the goals need. The real servers' figures
// are tested in voice_report_test and loop_report_storage_test.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <mutex>

#include "common/rpc/server.h"
#include "services/verification/goals/goal_figures_grpc.h"
#include "services/verification/goals/goal_meter.h"
#include "services/verification/store/migrations.h"
#include "tests/support/servers.h"

namespace voc::verification {
namespace {

class FakeVoiceServer final : public v1::VoiceReportService::Service {
 public:
  grpc::Status GetVoiceTrend(grpc::ServerContext*, const v1::GetVoiceTrendRequest* request,
                             v1::VoiceTrend* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    if (refuse) return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "permission denied: analytics:read");
    const bool topic = !request->filter().topic().empty();
    response->mutable_total()->set_negative(topic ? 9 : 36);
    response->mutable_total()->mutable_nps()->set_shown(true);
    response->mutable_total()->mutable_nps()->set_answers(64);
    response->mutable_total()->mutable_nps()->set_nps(18.75);
    return grpc::Status::OK;
  }
  std::mutex mu;
  std::vector<v1::GetVoiceTrendRequest> requests;
  bool refuse = false;
};

class FakeLoopServer final : public v1::LoopReportService::Service {
 public:
  grpc::Status GetLoopReport(grpc::ServerContext*, const v1::GetLoopReportRequest* request,
                             v1::LoopReport* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    auto* row = response->add_rows();
    row->mutable_first_response()->set_due(8);
    row->mutable_first_response()->set_met(6);
    response->mutable_hot_loop()->set_detractor_cases(4);
    response->mutable_hot_loop()->set_rate(0.5);
    return grpc::Status::OK;
  }
  std::mutex mu;
  std::vector<v1::GetLoopReportRequest> requests;
};

class GoalFiguresGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"triage", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{&voice_server_, &loop_server_});
    const auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port), grpc::InsecureChannelCredentials());
    voice_ = std::make_unique<TriageVoiceTrendSource>(channel);
    loop_ = std::make_unique<TrackingLoopReportSource>(channel);
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value();
    ASSERT_TRUE(db_->Migrate("verification", Migrations()).ok());
    store_ = std::make_unique<GoalStore>(*db_);
    meter_ = std::make_unique<GoalMeter>(*voice_, *loop_, *store_, 480);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  static v1::Goal Goal(v1::GoalMetric metric) {
    v1::Goal g;
    g.set_id("g1");
    g.set_metric(metric);
    g.set_window_days(30);
    return g;
  }

  FakeVoiceServer voice_server_;
  FakeLoopServer loop_server_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::unique_ptr<TriageVoiceTrendSource> voice_;
  std::unique_ptr<TrackingLoopReportSource> loop_;
  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<GoalStore> store_;
  std::unique_ptr<GoalMeter> meter_;
};

TEST_F(GoalFiguresGrpcTest, VoiceFiguresTravelAsAWindowFilterAndComeBackAsValues) {
  v1::Goal share = Goal(v1::GOAL_METRIC_TOPIC_COMPLAINT_SHARE);
  share.mutable_scope()->set_topic("logistics");
  share.mutable_scope()->set_region("east");
  const auto figure = meter_->Measure(share, *reports::ParseDay("2027-01-30"));
  ASSERT_TRUE(figure.ok()) << figure.status();
  EXPECT_DOUBLE_EQ(*figure->value, 25);  // 9 of 36
  ASSERT_EQ(voice_server_.requests.size(), 2u);
  const auto& sent = voice_server_.requests[1];
  EXPECT_EQ(sent.filter().start_day(), "2027-01-01");
  EXPECT_EQ(sent.filter().end_day(), "2027-01-30");
  EXPECT_EQ(sent.filter().topic(), "logistics");
  EXPECT_EQ(sent.filter().region(), "east");
  EXPECT_EQ(sent.granularity(), v1::REPORT_GRANULARITY_WEEK);
  EXPECT_DOUBLE_EQ(*meter_->Measure(Goal(v1::GOAL_METRIC_NPS), *reports::ParseDay("2027-01-30"))->value, 18.75);
}

TEST_F(GoalFiguresGrpcTest, LoopFiguresComeFromTheDepartmentsReport) {
  v1::Goal compliance = Goal(v1::GOAL_METRIC_FIRST_RESPONSE_COMPLIANCE);
  compliance.mutable_scope()->set_department("logistics");
  const auto figure = meter_->Measure(compliance, *reports::ParseDay("2027-01-30"));
  ASSERT_TRUE(figure.ok()) << figure.status();
  EXPECT_DOUBLE_EQ(*figure->value, 75);
  ASSERT_EQ(loop_server_.requests.size(), 1u);
  EXPECT_EQ(loop_server_.requests[0].department(), "logistics");
  EXPECT_EQ(loop_server_.requests[0].start_day(), "2027-01-01");
  EXPECT_DOUBLE_EQ(*meter_->Measure(Goal(v1::GOAL_METRIC_HOT_LOOP_RATE), *reports::ParseDay("2027-01-30"))->value, 50);
}

TEST_F(GoalFiguresGrpcTest, AServersRefusalComesBackWithItsCodeAndTheCallNamed) {
  voice_server_.refuse = true;
  const auto figure = voice_->GetVoiceTrend(v1::VoiceFilter());
  EXPECT_EQ(figure.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(figure.status().message(), "triage GetVoiceTrend: permission denied: analytics:read");
  server_->Shutdown();
  server_.reset();
  const auto away = loop_->GetLoopReport(v1::GetLoopReportRequest());
  EXPECT_EQ(away.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(away.status().message()).rfind("tracking GetLoopReport: ", 0), 0u) << away.status();
}

}  // namespace
}  // namespace voc::verification
