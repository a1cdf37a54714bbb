// Verification against real infrastructure: its store on SQLite and on a
// real PostgreSQL, its stream handlers fed through a real redis-server, and
// its gRPC clients and service over real loopback gRPC (in-process triage,
// tracking and ingest stand-ins that answer from canned values).
#include <gtest/gtest.h>

#include <mutex>

#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/verification/grpc_clients.h"
#include "services/verification/verification_grpc.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::verification {
namespace {

using std::chrono::hours;
constexpr auto kDay = hours(24);

TimePoint At(const char* text) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(text, &t));
  return t;
}

// Triage stand-in: 40 of 100 negative feedback on the topic before the
// project opened, `after_topic` of 100 after.
class CountingTriage final : public v1::TriageService::Service {
 public:
  grpc::Status CountFeedback(grpc::ServerContext*, const v1::CountFeedbackRequest* request,
                             v1::CountFeedbackResponse* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    const bool before = FromProto(request->end_time()) <= boundary;
    response->set_total_count(250);
    response->set_negative_count(100);
    response->set_topic_negative_count(before ? 40 : after_topic);
    return grpc::Status::OK;
  }
  std::mutex mu;
  TimePoint boundary;
  int after_topic = 10;
  std::vector<v1::CountFeedbackRequest> requests;
};

// Tracking stand-in: ReopenProject succeeds once, then says the project is
// no longer closed (as the real service does).
class ReopeningTracking final : public v1::TrackingService::Service {
 public:
  grpc::Status ReopenProject(grpc::ServerContext*, const v1::ReopenProjectRequest* request,
                             v1::Project* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    if (reopened) return {grpc::StatusCode::FAILED_PRECONDITION, "project is open"};
    reopened = true;
    response->set_name(request->name());
    response->set_state(v1::PROJECT_STATE_OPEN);
    return grpc::Status::OK;
  }
  std::mutex mu;
  bool reopened = false;
  std::vector<v1::ReopenProjectRequest> requests;
};

class FeedbackIngest final : public v1::IngestService::Service {
 public:
  grpc::Status GetFeedback(grpc::ServerContext*, const v1::GetFeedbackRequest* request,
                           v1::Feedback* response) override {
    if (request->name() != "feedback/f-orig") return {grpc::StatusCode::NOT_FOUND, request->name() + " not found"};
    response->set_id("f-orig");
    response->set_nps(2);
    response->mutable_customer()->set_id("c-7");
    return grpc::Status::OK;
  }
};

enum class Backend { kSqlite, kPostgres };

class VerificationIntegrationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL binaries not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("verification");
      db_ = storage::Database::Open(postgres_->Url("verification"));
    } else {
      db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db");
    }
    ASSERT_EQ(db_->Migrate("verification", Migrations()), 1);
    store_ = std::make_unique<VerificationStore>(*db_);

    stand_ins_ = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"stand-ins", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{&triage_, &tracking_, &ingest_});
    const std::string address = "127.0.0.1:" + std::to_string(stand_ins_->Start().value());
    counter_ = std::make_unique<TriageComplaintCounter>(rpc::MakeChannel(address));
    reopener_ = std::make_unique<TrackingProjectReopener>(rpc::MakeChannel(address));
    lookup_ = std::make_unique<IngestFeedbackLookup>(rpc::MakeChannel(address));
    service_ = std::make_unique<VerificationService>(clock_, *store_, *counter_, *reopener_, *lookup_,
                                                     VerificationSettings{});
    grpc_ = std::make_unique<VerificationGrpc>(*service_, *store_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{grpc_.get()});
    stub_ = v1::VerificationService::NewStub(
        rpc::MakeChannel("127.0.0.1:" + std::to_string(server_->Start().value())));
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    if (stand_ins_) stand_ins_->Shutdown();
  }

  queue::RedisOptions Redis() const {
    queue::RedisOptions o;
    o.port = redis_.port();
    return o;
  }

  // Delivers everything waiting on `stream` to the service's handler.
  void Drain(const char* stream) {
    queue::ConsumerOptions options{stream, "verification", "test-consumer"};
    options.block = std::chrono::milliseconds(50);
    queue::StreamConsumer consumer(Redis(), options, [&](const queue::StreamMessage& m) {
      return std::string(stream) == queue::kTrackingStream ? service_->HandleTrackingMessage(m)
                                                           : service_->HandleTriagedMessage(m);
    });
    // The first poll creates the group at the stream's start ("0").
    for (int polls = 0; polls < 5 && (consumer.PollOnce() > 0 || polls < 2); ++polls) {
    }
  }

  v1::Project ClosedProject() {
    v1::Project p;
    p.set_name("projects/proj-1");
    p.set_id("proj-1");
    p.set_title("配送提速 Delivery speed-up");
    p.set_topic("logistics");
    p.set_state(v1::PROJECT_STATE_CLOSED);
    *p.mutable_create_time() = ToProto(clock_.Now() - 20 * kDay);
    *p.mutable_close_time() = ToProto(clock_.Now());
    triage_.boundary = clock_.Now() - 20 * kDay;
    return p;
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  FakeClock clock_{At("2026-05-01T08:00:00Z")};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<VerificationStore> store_;
  CountingTriage triage_;
  ReopeningTracking tracking_;
  FeedbackIngest ingest_;
  std::unique_ptr<rpc::ServiceServer> stand_ins_;
  std::unique_ptr<TriageComplaintCounter> counter_;
  std::unique_ptr<TrackingProjectReopener> reopener_;
  std::unique_ptr<IngestFeedbackLookup> lookup_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationGrpc> grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::unique_ptr<v1::VerificationService::Stub> stub_;
};

TEST_P(VerificationIntegrationTest, ClosedProjectIsVerifiedOverRedisAndGrpc) {
  queue::StreamProducer producer(Redis(), queue::kTrackingStream);
  const std::string payload = ClosedProject().SerializeAsString();
  ASSERT_TRUE(producer.Publish({{"event", "project_closed"}, {"payload", payload}}));
  ASSERT_TRUE(producer.Publish({{"event", "project_closed"}, {"payload", payload}}));  // duplicate
  Drain(queue::kTrackingStream);

  grpc::ClientContext list_context;
  v1::ListVerificationsResponse listed;
  ASSERT_TRUE(stub_->ListVerifications(&list_context, v1::ListVerificationsRequest(), &listed).ok());
  ASSERT_EQ(listed.verifications_size(), 1);
  EXPECT_EQ(listed.verifications(0).state(), v1::VERIFICATION_STATE_SCHEDULED);
  EXPECT_EQ(listed.verifications(0).project(), "projects/proj-1");

  {  // Not due yet: RunDueChecks completes nothing.
    grpc::ClientContext context;
    v1::RunDueChecksResponse run;
    ASSERT_TRUE(stub_->RunDueChecks(&context, v1::RunDueChecksRequest(), &run).ok());
    EXPECT_EQ(run.completed_size(), 0);
  }
  clock_.Advance(hours(720));
  grpc::ClientContext run_context;
  v1::RunDueChecksResponse run;
  ASSERT_TRUE(stub_->RunDueChecks(&run_context, v1::RunDueChecksRequest(), &run).ok());
  ASSERT_EQ(run.completed_size(), 1);

  grpc::ClientContext get_context;
  v1::GetVerificationRequest get;
  get.set_name(run.completed(0));
  v1::Verification v;
  ASSERT_TRUE(stub_->GetVerification(&get_context, get, &v).ok());
  EXPECT_EQ(v.state(), v1::VERIFICATION_STATE_VERIFIED);
  EXPECT_EQ(v.before_topic_count(), 40);
  EXPECT_EQ(v.before_total_count(), 100);
  EXPECT_EQ(v.after_topic_count(), 10);
  EXPECT_NEAR(v.z_score(), 4.898979485566357, 1e-9);
  EXPECT_LT(v.p_value(), 0.05);
  EXPECT_NE(v.summary().find("verified"), std::string::npos);
  {
    std::lock_guard lock(triage_.mu);
    ASSERT_EQ(triage_.requests.size(), 2u);
    EXPECT_EQ(triage_.requests[0].topic(), "logistics");
  }
  EXPECT_TRUE(tracking_.requests.empty());

  grpc::ClientContext search_context;
  v1::SearchKnowledgeRequest search;
  search.set_query("配送提速");
  v1::SearchKnowledgeResponse found;
  ASSERT_TRUE(stub_->SearchKnowledge(&search_context, search, &found).ok());
  ASSERT_EQ(found.entries_size(), 1);
  EXPECT_EQ(found.entries(0).source(), "projects/proj-1");

  grpc::ClientContext missing_context;
  get.set_name("verifications/nope");
  EXPECT_EQ(stub_->GetVerification(&missing_context, get, &v).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(VerificationIntegrationTest, FailedProjectIsReopenedOnceInTracking) {
  triage_.after_topic = 38;
  service_->OnProjectClosed(ClosedProject());
  clock_.Advance(hours(720));
  auto first = service_->RunDueChecks();
  ASSERT_EQ(first.completed.size(), 1u);
  EXPECT_EQ(first.reopened, 1);
  service_->RunDueChecks();
  std::lock_guard lock(tracking_.mu);
  ASSERT_EQ(tracking_.requests.size(), 1u);
  EXPECT_EQ(tracking_.requests[0].name(), "projects/proj-1");
  EXPECT_EQ(tracking_.requests[0].actor(), "system:verification");
  EXPECT_NE(tracking_.requests[0].evidence().find("38/100"), std::string::npos);
  auto failed = store_->ListChecks("proj-1", v1::VERIFICATION_STATE_FAILED, 10, 0);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].reopen, CheckRecord::Reopen::kDone);
}

TEST_P(VerificationIntegrationTest, ResurveyThroughBothStreams) {
  v1::Case resolved;
  resolved.set_name("cases/k-9");
  resolved.set_id("k-9");
  resolved.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  resolved.set_feedback_id("f-orig");
  resolved.set_customer_id("c-7");
  resolved.set_resolution_note("Apologised and re-delivered");
  *resolved.mutable_update_time() = ToProto(clock_.Now());
  queue::StreamProducer tracking(Redis(), queue::kTrackingStream);
  ASSERT_TRUE(tracking.Publish({{"event", "case_resolved"}, {"payload", resolved.SerializeAsString()}}));
  Drain(queue::kTrackingStream);

  clock_.Advance(91 * kDay);
  v1::TriagedFeedback answer;
  answer.mutable_feedback()->set_id("f-new");
  answer.mutable_feedback()->set_nps(9);
  answer.mutable_feedback()->mutable_customer()->set_id("c-7");
  *answer.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now());
  queue::StreamProducer triaged(Redis(), queue::kTriagedStream);
  ASSERT_TRUE(triaged.Publish({{"feedback_id", "f-new"}, {"payload", answer.SerializeAsString()}}));
  Drain(queue::kTriagedStream);

  grpc::ClientContext context;
  v1::ListResurveysRequest request;
  request.set_customer_id("c-7");
  v1::ListResurveysResponse response;
  ASSERT_TRUE(stub_->ListResurveys(&context, request, &response).ok());
  ASSERT_EQ(response.resurveys_size(), 1);
  const auto& r = response.resurveys(0);
  EXPECT_EQ(r.state(), v1::RESURVEY_STATE_ANSWERED);
  EXPECT_EQ(r.original_nps(), 2);
  EXPECT_EQ(r.new_nps(), 9);
  EXPECT_EQ(r.nps_change(), 7);
  EXPECT_EQ(r.case_name(), "cases/k-9");
}

TEST_P(VerificationIntegrationTest, ListPagingAndValidation) {
  for (int i = 0; i < 3; ++i) {
    auto p = ClosedProject();
    p.set_id("proj-" + std::to_string(i));
    service_->OnProjectClosed(p);
    clock_.Advance(hours(1));
  }
  v1::ListVerificationsRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 3; ++page) {
    grpc::ClientContext context;
    v1::ListVerificationsResponse response;
    ASSERT_TRUE(stub_->ListVerifications(&context, request, &response).ok());
    for (const auto& v : response.verifications()) seen.push_back(v.project());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"projects/proj-2", "projects/proj-1", "projects/proj-0"}));

  grpc::ClientContext bad_context;
  v1::ListVerificationsRequest bad;
  bad.set_project("cases/x");
  v1::ListVerificationsResponse ignored;
  EXPECT_EQ(stub_->ListVerifications(&bad_context, bad, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext empty_context;
  v1::SearchKnowledgeResponse none;
  EXPECT_EQ(stub_->SearchKnowledge(&empty_context, v1::SearchKnowledgeRequest(), &none).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

INSTANTIATE_TEST_SUITE_P(Backends, VerificationIntegrationTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::verification
