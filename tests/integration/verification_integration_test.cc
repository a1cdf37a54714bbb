// Verification against real infrastructure: its store on SQLite and on a
// real PostgreSQL, its stream handlers fed through a real redis-server, and
// its gRPC clients and service over real loopback gRPC (in-process triage
// and tracking stand-ins that answer from canned values), and its consumers
// riding out a database outage without dead-lettering good messages.
// Issue 9: its RPCs are called with per-test tokens (TestCredentials) and
// answer only callers allowed; its calls to the stand-ins carry its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/verification/grpc_clients.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_grpc.h"
#include "services/verification/verification_service.h"
#include "common/auth/metadata.h"
#include "common/rpc/channel.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"
#include "tests/support/sqlite_write_lock.h"
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

// The `authorization` metadata a stand-in was called with.
std::string AuthorizationOf(const grpc::ServerContext& context) {
  const auto found = context.client_metadata().find(auth::kAuthorizationHeader);
  if (found == context.client_metadata().end()) return "";
  return std::string(found->second.data(), found->second.size());
}

// Triage stand-in: 40 of 100 negative feedback on the topic before the
// project opened, `after_topic` of 100 after.
class CountingTriage final : public v1::TriageService::Service {
 public:
  grpc::Status CountFeedback(grpc::ServerContext* context, const v1::CountFeedbackRequest* request,
                             v1::CountFeedbackResponse* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    authorizations.insert(AuthorizationOf(*context));
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
  std::set<std::string> authorizations;
};

// Tracking stand-in: ReopenProject succeeds once, then says the project is
// no longer closed (as the real service does).
class ReopeningTracking final : public v1::TrackingService::Service {
 public:
  grpc::Status ReopenProject(grpc::ServerContext* context, const v1::ReopenProjectRequest* request,
                             v1::Project* response) override {
    std::lock_guard lock(mu);
    requests.push_back(*request);
    authorizations.insert(AuthorizationOf(*context));
    if (reopened) return {grpc::StatusCode::FAILED_PRECONDITION, "project is open"};
    reopened = true;
    response->set_name(request->name());
    response->set_state(v1::PROJECT_STATE_OPEN);
    return grpc::Status::OK;
  }
  std::mutex mu;
  bool reopened = false;
  std::vector<v1::ReopenProjectRequest> requests;
  std::set<std::string> authorizations;
};

// The loop's notifier at the outside edge: records the invitations.
class RecordingNotifier final : public Notifier {
 public:
  bool Send(const Notification& n) override {
    std::lock_guard lock(mu);
    sent.push_back(n);
    return true;
  }
  std::mutex mu;
  std::vector<Notification> sent;
};

enum class Backend { kSqlite, kPostgres };

class VerificationIntegrationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL binaries not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("verification");
      auto opened_db = storage::Database::Open(postgres_->Url("verification"));
      ASSERT_TRUE(opened_db.ok()) << opened_db.status();
      db_ = *std::move(opened_db);
    } else {
      // One connection, so the shortened busy timeout applies to every call.
      auto opened_db = storage::Database::Open(SqliteUrl(), 1);
      ASSERT_TRUE(opened_db.ok()) << opened_db.status();
      db_ = *std::move(opened_db);
      testing::ShortenBusyTimeout(*db_, std::chrono::milliseconds(50));
    }
    const absl::StatusOr<int> version_db = db_->Migrate("verification", Migrations());
    ASSERT_TRUE(version_db.ok()) << version_db.status();
    ASSERT_EQ(*version_db, Migrations().back().version);  // every migration applied
    store_ = std::make_unique<VerificationStore>(*db_);

    stand_ins_ = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"stand-ins", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{&triage_, &tracking_});
    const std::string address = "127.0.0.1:" + std::to_string(stand_ins_->Start().value());
    // As main() wires them: the calls carry verification's own token.
    rpc::ChannelSecurity as_verification;
    as_verification.bearer_token = creds_.Token("verification");
    counter_ = std::make_unique<TriageComplaintCounter>(rpc::MakeChannel(address, as_verification));
    reopener_ = std::make_unique<TrackingProjectReopener>(rpc::MakeChannel(address, as_verification));
    service_ = std::make_unique<VerificationService>(clock_, *store_, *counter_, *reopener_,
                                                     VerificationSettings{}, &notifier_);
    consumer_ = std::make_unique<VerificationConsumer>(*service_);
    authenticator_ = testing::InProcessAuthenticator(creds_, clock_, "verification");
    grpc_ = std::make_unique<VerificationGrpc>(*service_, *authenticator_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{grpc_.get()});
    address_ = "127.0.0.1:" + std::to_string(server_->Start().value());
    stub_ = v1::VerificationService::NewStub(creds_.Channel(address_, "tester"));
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

  std::string SqliteUrl() const { return "sqlite3://" + dir_.path() + "/verification.db"; }

  // The consumer main.cc runs for `stream` (a batch per read, one
  // transaction each), over the real Redis.
  std::unique_ptr<queue::StreamConsumer> ConsumerOf(const char* stream, int max_deliveries = 5,
                                                    int batch_size = 64) {
    queue::ConsumerOptions options{stream, "verification", "test-consumer"};
    options.block = std::chrono::milliseconds(50);
    options.max_deliveries = max_deliveries;
    options.batch_size = batch_size;
    return std::make_unique<queue::StreamConsumer>(
        Redis(), options, [this, stream](const std::vector<queue::StreamMessage>& batch) {
          if (std::string(stream) == kNotifyOutcomesStream) return consumer_->HandleNotifyOutcomeBatch(batch);
          return std::string(stream) == queue::kTrackingStream ? consumer_->HandleTrackingBatch(batch)
                                                               : consumer_->HandleTriagedBatch(batch);
        });
  }
  long long Pending(const char* stream) {
    queue::RedisClient client(Redis());
    auto reply = client.Command({"XPENDING", stream, "verification"});
    return (reply && reply->type == REDIS_REPLY_ARRAY) ? reply->element[0]->integer : -1;
  }

  // Entries of a dead-letter stream.
  std::vector<queue::StreamMessage> DeadLetters(const std::string& stream) {
    queue::RedisClient client(Redis());
    auto reply = client.Command({"XRANGE", stream + ":dead", "-", "+"});
    return queue::ParseEntries(reply.get());
  }

  // Delivers everything waiting on `stream` to the service's handler.
  void Drain(const char* stream) {
    auto owned = ConsumerOf(stream);
    auto& consumer = *owned;
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
  RecordingNotifier notifier_;
  std::unique_ptr<rpc::ServiceServer> stand_ins_;
  std::unique_ptr<TriageComplaintCounter> counter_;
  std::unique_ptr<TrackingProjectReopener> reopener_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationConsumer> consumer_;
  testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  std::unique_ptr<VerificationGrpc> grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
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
  {
    std::lock_guard lock(triage_.mu);
    EXPECT_EQ(triage_.authorizations, std::set<std::string>{"Bearer " + creds_.Token("verification")})
        << "triage is asked as principal verification";
  }

  grpc::ClientContext missing_context;
  get.set_name("verifications/nope");
  EXPECT_EQ(stub_->GetVerification(&missing_context, get, &v).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(VerificationIntegrationTest, FailedProjectIsReopenedOnceInTracking) {
  triage_.after_topic = 38;
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  auto first = service_->RunDueChecks().value();
  ASSERT_EQ(first.completed.size(), 1u);
  EXPECT_EQ(first.reopened, 1);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  std::lock_guard lock(tracking_.mu);
  ASSERT_EQ(tracking_.requests.size(), 1u);
  EXPECT_EQ(tracking_.requests[0].name(), "projects/proj-1");
  EXPECT_EQ(tracking_.requests[0].actor(), "system:verification");
  EXPECT_NE(tracking_.requests[0].evidence().find("38/100"), std::string::npos);
  EXPECT_EQ(tracking_.authorizations, std::set<std::string>{"Bearer " + creds_.Token("verification")})
      << "tracking is asked as principal verification";
  auto failed = store_->ListChecks("proj-1", v1::VERIFICATION_STATE_FAILED, 10).value();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].reopen, CheckRecord::Reopen::kDone);
}

// Issue 9: who may call which RPC, over real gRPC with the authenticator
// main() builds (people through the gateway's token).
TEST_P(VerificationIntegrationTest, ReadsNeedAnalyticsRunningChecksNeedsCasesWriteAndATokenIsRequired) {
  creds_.Add("analytics", "analytics:read");
  creds_.Add("feedback-only", "feedback:write");
  creds_.Add("operator", "cases:write");
  // The authenticator knows the principals it was built with: rebuild it.
  server_->Shutdown();
  authenticator_ = testing::InProcessAuthenticator(creds_, clock_, "verification");
  grpc_ = std::make_unique<VerificationGrpc>(*service_, *authenticator_);
  server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr},
                                                 std::vector<grpc::Service*>{grpc_.get()});
  address_ = "127.0.0.1:" + std::to_string(server_->Start().value());

  auto list = [&](const std::string& principal, const std::string& person) {
    auto stub = v1::VerificationService::NewStub(creds_.Channel(address_, principal));
    grpc::ClientContext context;
    if (!person.empty()) testing::ActFor(context, person);
    v1::ListVerificationsResponse response;
    return stub->ListVerifications(&context, v1::ListVerificationsRequest(), &response).error_code();
  };
  auto search = [&](const std::string& principal, const std::string& person) {
    auto stub = v1::VerificationService::NewStub(creds_.Channel(address_, principal));
    grpc::ClientContext context;
    if (!person.empty()) testing::ActFor(context, person);
    v1::SearchKnowledgeRequest request;
    request.set_query("配送");
    v1::SearchKnowledgeResponse response;
    return stub->SearchKnowledge(&context, request, &response).error_code();
  };
  auto run = [&](const std::string& principal, const std::string& person) {
    auto stub = v1::VerificationService::NewStub(creds_.Channel(address_, principal));
    grpc::ClientContext context;
    if (!person.empty()) testing::ActFor(context, person);
    v1::RunDueChecksResponse response;
    return stub->RunDueChecks(&context, v1::RunDueChecksRequest(), &response).error_code();
  };
  using grpc::StatusCode;
  for (const auto& [principal, person] : std::vector<std::pair<std::string, std::string>>{
           {"analytics", ""}, {"tester", ""}, {"gateway", "p-xu-gang"}, {"gateway", "p-chen-jianguo"}}) {
    EXPECT_EQ(list(principal, person), StatusCode::OK) << principal << " " << person;
    EXPECT_EQ(search(principal, person), StatusCode::OK) << principal << " " << person;
  }
  // (verification itself holds analytics:read since issue 12: it reads the goals' figures.)
  for (const std::string principal : {"feedback-only", "assignment"}) {
    EXPECT_EQ(list(principal, ""), StatusCode::PERMISSION_DENIED) << principal;
    EXPECT_EQ(search(principal, ""), StatusCode::PERMISSION_DENIED) << principal;
  }
  EXPECT_EQ(run("operator", ""), StatusCode::OK);
  EXPECT_EQ(run("gateway", "p-sun-li"), StatusCode::OK) << "an admin";
  EXPECT_EQ(run("analytics", ""), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(run("gateway", "p-emily-carter"), StatusCode::PERMISSION_DENIED) << "an analyst reads, does not run";
  EXPECT_EQ(list("verification", "p-emily-carter"), StatusCode::PERMISSION_DENIED) << "a forged acting-for header";

  auto anonymous = v1::VerificationService::NewStub(rpc::MakeChannel(address_));
  grpc::ClientContext context;
  v1::ListVerificationsResponse response;
  EXPECT_EQ(anonymous->ListVerifications(&context, v1::ListVerificationsRequest(), &response).error_code(),
            StatusCode::UNAUTHENTICATED);
}

TEST_P(VerificationIntegrationTest, ResurveyThroughBothStreams) {
  // The detractor's score passes voc:triaged first; verification keeps it as
  // the callback's original (it never asks ingest).
  v1::TriagedFeedback original;
  original.mutable_feedback()->set_id("f-orig");
  original.mutable_feedback()->set_nps(2);
  original.mutable_feedback()->mutable_customer()->set_id("c-7");
  *original.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now() - kDay);
  queue::StreamProducer triaged(Redis(), queue::kTriagedStream);
  ASSERT_TRUE(triaged.Publish({{"feedback_id", "f-orig"}, {"payload", original.SerializeAsString()}}));
  Drain(queue::kTriagedStream);

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

// Issue 11: the re-survey is sent when due, its delivery outcome comes back
// on voc.notify.outcomes, the answer carrying the token comes through
// voc:triaged, and the counts are served over gRPC.
TEST_P(VerificationIntegrationTest, ResurveyInvitationSentDeliveredAndAnsweredByToken) {
  queue::StreamProducer triaged(Redis(), queue::kTriagedStream);
  queue::StreamProducer tracking(Redis(), queue::kTrackingStream);
  for (const char* id : {"1", "2"}) {
    v1::TriagedFeedback original;
    original.mutable_feedback()->set_id(std::string("f-orig-") + id);
    original.mutable_feedback()->set_nps(2);
    original.mutable_feedback()->mutable_customer()->set_id(std::string("c-") + id);
    (*original.mutable_feedback()->mutable_attributes())["customer_email"] = std::string("c") + id + "@example.cn";
    *original.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now() - kDay);
    ASSERT_TRUE(triaged.Publish({{"feedback_id", original.feedback().id()}, {"payload", original.SerializeAsString()}}));
    v1::Case resolved;
    resolved.set_name(std::string("cases/k-") + id);
    resolved.set_id(std::string("k-") + id);
    resolved.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    resolved.set_feedback_id(original.feedback().id());
    resolved.set_customer_id(original.feedback().customer().id());
    *resolved.mutable_update_time() = ToProto(clock_.Now());
    ASSERT_TRUE(tracking.Publish({{"event", "case_resolved"}, {"payload", resolved.SerializeAsString()}}));
  }
  Drain(queue::kTriagedStream);
  Drain(queue::kTrackingStream);

  clock_.Advance(90 * kDay);
  {
    grpc::ClientContext context;
    v1::RunDueChecksResponse response;
    ASSERT_TRUE(stub_->RunDueChecks(&context, v1::RunDueChecksRequest{}, &response).ok());
  }
  ASSERT_EQ(notifier_.sent.size(), 2u);
  std::map<std::string, Notification> by_case;
  for (const auto& n : notifier_.sent) by_case[n.case_id] = n;
  ASSERT_EQ(by_case.count("k-1"), 1u);
  EXPECT_EQ(by_case["k-1"].kind, "resurvey");
  EXPECT_EQ(by_case["k-1"].params.at("customer_email"), "c1@example.cn");
  const std::string token = by_case["k-1"].params.at("token");
  EXPECT_NE(by_case["k-1"].params.at("survey_link").find(token), std::string::npos);

  // voc-notify's outcomes: k-1 delivered (and redelivered), k-2 failed for
  // good; an SLA outcome beside them is not ours.
  queue::StreamProducer outcomes(Redis(), kNotifyOutcomesStream);
  ASSERT_TRUE(outcomes.Publish({{"request_id", by_case["k-1"].id}, {"event", "resurvey"}, {"state", "delivered"}}));
  ASSERT_TRUE(outcomes.Publish({{"request_id", by_case["k-1"].id}, {"event", "resurvey"}, {"state", "delivered"}}));
  ASSERT_TRUE(outcomes.Publish({{"request_id", by_case["k-2"].id}, {"event", "resurvey"}, {"state", "failed"},
                                {"last_error", "550 no such mailbox"}}));
  ASSERT_TRUE(outcomes.Publish({{"request_id", "sla:k-9:resolution:breach"}, {"event", "sla_breach"}, {"state", "failed"}}));
  Drain(kNotifyOutcomesStream);
  EXPECT_EQ(Pending(kNotifyOutcomesStream), 0);

  // The customer answers the invitation through the survey tool -> ingest
  // -> triage: the feedback carries the token, not the customer id.
  clock_.Advance(2 * kDay);
  v1::TriagedFeedback answer;
  answer.mutable_feedback()->set_id("f-answer");
  answer.mutable_feedback()->set_nps(9);
  (*answer.mutable_feedback()->mutable_attributes())["resurvey_token"] = token;
  *answer.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now());
  ASSERT_TRUE(triaged.Publish({{"feedback_id", "f-answer"}, {"payload", answer.SerializeAsString()}}));
  Drain(queue::kTriagedStream);

  grpc::ClientContext list_context;
  v1::ListResurveysRequest list;
  list.set_customer_id("c-1");
  v1::ListResurveysResponse listed;
  ASSERT_TRUE(stub_->ListResurveys(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.resurveys_size(), 1);
  const auto& r = listed.resurveys(0);
  EXPECT_EQ(r.case_name(), "cases/k-1");
  EXPECT_EQ(r.state(), v1::RESURVEY_STATE_ANSWERED);
  EXPECT_EQ(r.nps_change(), 7);
  EXPECT_EQ(r.new_feedback_id(), "f-answer");
  EXPECT_EQ(r.answered_via(), "token");
  EXPECT_EQ(r.invitation_state(), v1::RESURVEY_INVITATION_STATE_DELIVERED);
  EXPECT_EQ(r.invitation_id(), by_case["k-1"].id);

  grpc::ClientContext summary_context;
  v1::ResurveySummary summary;
  ASSERT_TRUE(stub_->GetResurveySummary(&summary_context, v1::GetResurveySummaryRequest{}, &summary).ok());
  EXPECT_EQ(summary.invitations_sent(), 2);
  EXPECT_EQ(summary.invitations_delivered(), 1);
  EXPECT_EQ(summary.invitations_failed(), 1);
  EXPECT_EQ(summary.answered(), 1);
  EXPECT_EQ(summary.answered_by_token(), 1);
  EXPECT_EQ(summary.due(), 1);
  EXPECT_DOUBLE_EQ(summary.mean_nps_change(), 7.0);
}

TEST_P(VerificationIntegrationTest, ListPagingAndValidation) {
  for (int i = 0; i < 3; ++i) {
    auto p = ClosedProject();
    p.set_id("proj-" + std::to_string(i));
    ASSERT_TRUE(service_->OnProjectClosed(p).ok());
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

// --- page tokens: one test per list RPC ---

// A token with one character changed (still valid base64url).
std::string Tampered(std::string token) {
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  return token;
}

void ExpectPageTokenRefused(const grpc::Status& status) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos) << status.error_message();
}

TEST_P(VerificationIntegrationTest, ListVerificationsPageTokens) {
  auto close = [&](const std::string& id, TimePoint at) {
    auto p = ClosedProject();
    p.set_id(id);
    *p.mutable_close_time() = ToProto(at);
    ASSERT_TRUE(service_->OnProjectClosed(p).ok());
  };
  std::vector<std::string> present;
  for (int i = 0; i < 5; ++i) {
    close("proj-" + std::to_string(i), clock_.Now() + hours(i));
    present.push_back("projects/proj-" + std::to_string(i));
  }
  v1::ListVerificationsRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string first_token;
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext context;
    v1::ListVerificationsResponse response;
    ASSERT_TRUE(stub_->ListVerifications(&context, request, &response).ok());
    for (const auto& v : response.verifications()) seen.push_back(v.project());
    if (response.next_page_token().empty()) break;
    if (first_token.empty()) first_token = response.next_page_token();
    request.set_page_token(response.next_page_token());
    // Added while the client walks: one sorts before the cursor (due later),
    // one after it (due earlier).
    close("new-late-" + std::to_string(page), clock_.Now() + hours(100 + page));
    close("new-early-" + std::to_string(page), clock_.Now() - hours(100 + page));
  }
  for (const auto& name : present) EXPECT_EQ(std::count(seen.begin(), seen.end(), name), 1) << name;
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no item is returned twice";

  v1::ListVerificationsRequest tampered;
  tampered.set_page_size(2);
  tampered.set_page_token(Tampered(first_token));
  grpc::ClientContext c1;
  v1::ListVerificationsResponse ignored;
  ExpectPageTokenRefused(stub_->ListVerifications(&c1, tampered, &ignored));
  v1::ListVerificationsRequest other_filter;
  other_filter.set_page_size(2);
  other_filter.set_project("projects/proj-1");
  other_filter.set_page_token(first_token);
  grpc::ClientContext c2;
  ExpectPageTokenRefused(stub_->ListVerifications(&c2, other_filter, &ignored));
}

TEST_P(VerificationIntegrationTest, ListResurveysPageTokens) {
  int next = 0;
  auto schedule = [&](TimePoint due) {
    v1::Resurvey r;
    const std::string id = "r" + std::to_string(next++);
    r.set_id(id);
    r.set_customer_id("c-1");
    r.set_case_name("cases/k" + id);
    r.set_original_feedback_id("f" + id);
    r.set_original_nps(3);
    *r.mutable_due_time() = ToProto(due);
    EXPECT_TRUE(store_->InsertResurvey(r, ToMillis(clock_.Now())).ok());
    return id;
  };
  std::vector<std::string> present;
  // Two share a due time: the id breaks the tie.
  for (int i = 0; i < 5; ++i) present.push_back(schedule(clock_.Now() + kDay * (i / 2)));
  v1::ListResurveysRequest request;
  request.set_customer_id("c-1");
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string first_token;
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext context;
    v1::ListResurveysResponse response;
    ASSERT_TRUE(stub_->ListResurveys(&context, request, &response).ok());
    for (const auto& r : response.resurveys()) seen.push_back(r.id());
    if (response.next_page_token().empty()) break;
    if (first_token.empty()) first_token = response.next_page_token();
    request.set_page_token(response.next_page_token());
    schedule(clock_.Now() - kDay);       // before the cursor: not returned
    schedule(clock_.Now() + 50 * kDay);  // after it: returned once
  }
  for (const auto& id : present) EXPECT_EQ(std::count(seen.begin(), seen.end(), id), 1) << id;
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no item is returned twice";

  v1::ListResurveysResponse ignored;
  v1::ListResurveysRequest tampered = request;
  tampered.set_page_token(Tampered(first_token));
  grpc::ClientContext c1;
  ExpectPageTokenRefused(stub_->ListResurveys(&c1, tampered, &ignored));
  v1::ListResurveysRequest other_filter = request;
  other_filter.set_customer_id("c-2");
  other_filter.set_page_token(first_token);
  grpc::ClientContext c2;
  ExpectPageTokenRefused(stub_->ListResurveys(&c2, other_filter, &ignored));
}

TEST_P(VerificationIntegrationTest, SearchKnowledgePageTokens) {
  int next = 0;
  auto learn = [&](TimePoint verified) {
    KnowledgeRecord k;
    const std::string source = "cases/k" + std::to_string(next++);
    k.entry.set_source(source);
    k.entry.set_title("配送延误 late delivery");
    k.entry.set_resolution("Refunded the fee");
    *k.entry.mutable_verify_time() = ToProto(verified);
    EXPECT_TRUE(store_->UpsertKnowledge(k).ok());
    return source;
  };
  std::vector<std::string> present;
  for (int i = 0; i < 5; ++i) present.push_back(learn(clock_.Now() - kDay * (i / 2)));
  v1::SearchKnowledgeRequest request;
  request.set_query("配送 refunded");
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string first_token;
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext context;
    v1::SearchKnowledgeResponse response;
    ASSERT_TRUE(stub_->SearchKnowledge(&context, request, &response).ok());
    for (const auto& e : response.entries()) seen.push_back(e.source());
    if (response.next_page_token().empty()) break;
    if (first_token.empty()) first_token = response.next_page_token();
    request.set_page_token(response.next_page_token());
    learn(clock_.Now() + kDay);        // newer: before the cursor
    learn(clock_.Now() - 30 * kDay);   // older: after it
  }
  for (const auto& source : present) EXPECT_EQ(std::count(seen.begin(), seen.end(), source), 1) << source;
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no item is returned twice";

  v1::SearchKnowledgeResponse ignored;
  v1::SearchKnowledgeRequest tampered = request;
  tampered.set_page_token(Tampered(first_token));
  grpc::ClientContext c1;
  ExpectPageTokenRefused(stub_->SearchKnowledge(&c1, tampered, &ignored));
  v1::SearchKnowledgeRequest other_query = request;
  other_query.set_query("配送");
  other_query.set_page_token(first_token);
  grpc::ClientContext c2;
  ExpectPageTokenRefused(stub_->SearchKnowledge(&c2, other_query, &ignored));
}

// 300 closures (every project twice, one malformed message among them) in
// batches of 64 over the real Redis: each project gets one check, the bad
// message alone is dead-lettered, everything else is acked.
TEST_P(VerificationIntegrationTest, BatchesOfClosuresAreStoredOnceAndABadMessageIsIsolated) {
  queue::StreamProducer producer(Redis(), queue::kTrackingStream);
  std::vector<std::map<std::string, std::string>> messages;
  for (int i = 0; i < 300; ++i) {
    auto p = ClosedProject();
    p.set_id("proj-" + std::to_string(i % 150));
    messages.push_back({{"event", "project_closed"}, {"payload", p.SerializeAsString()}});
    if (i == 100) messages.push_back({{"event", "project_closed"}, {"payload", "\xff\xff"}});
  }
  ASSERT_EQ(producer.PublishBatch(messages), messages.size());
  auto consumer = ConsumerOf(queue::kTrackingStream, 3);
  // Five batches, then the bad message's retries until its dead letter.
  for (int poll = 0; poll < 50 && (poll < 5 || Pending(queue::kTrackingStream) != 0); ++poll) consumer->PollOnce();
  EXPECT_EQ(store_->ListChecks("", 0, 1000)->size(), 150u);
  EXPECT_EQ(Pending(queue::kTrackingStream), 0);
  auto dead = DeadLetters(queue::kTrackingStream);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields["code"], "INVALID_ARGUMENT");
}

// Committed and not acked (the process died between the two): the batch
// comes back from Redis and changes nothing.
TEST_P(VerificationIntegrationTest, ABatchRedeliveredAfterItsCommitChangesNothing) {
  queue::StreamProducer triaged(Redis(), queue::kTriagedStream);
  for (int i = 0; i < 10; ++i) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id("f-" + std::to_string(i));
    t.mutable_feedback()->set_nps(i);
    t.mutable_feedback()->mutable_customer()->set_id("c-" + std::to_string(i));
    ASSERT_TRUE(triaged.Publish({{"feedback_id", t.feedback().id()}, {"payload", t.SerializeAsString()}}));
  }
  {
    auto crashed = std::make_unique<queue::StreamConsumer>(
        Redis(), queue::ConsumerOptions{queue::kTriagedStream, "verification", "test-consumer"},
        [this](const std::vector<queue::StreamMessage>& batch) {
          const auto statuses = consumer_->HandleTriagedBatch(batch);  // committed
          EXPECT_EQ(statuses, std::vector<absl::Status>(batch.size(), absl::OkStatus()));
          return std::vector<absl::Status>(batch.size(), absl::UnavailableError("killed before the ack"));
        });
    crashed->PollOnce();
  }
  EXPECT_EQ(Pending(queue::kTriagedStream), 10);
  auto restarted = ConsumerOf(queue::kTriagedStream);
  EXPECT_EQ(restarted->PollOnce(), 10);
  EXPECT_EQ(Pending(queue::kTriagedStream), 0);
  for (int i = 0; i < 10; ++i) {
    auto original = store_->FindDetractorOriginal("f-" + std::to_string(i));
    ASSERT_TRUE(original.ok()) << original.status();
    EXPECT_EQ(original->has_value(), i <= kDetractorMaxNps) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, VerificationIntegrationTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::verification

namespace voc::verification {
namespace {

// The database is down (its SQLite file locked by another connection) for
// longer than the dead-letter threshold: messages on both streams are retried
// and processed once it is back, never dead-lettered; malformed ones still are.
using VerificationOutageTest = VerificationIntegrationTest;

TEST_P(VerificationOutageTest, DatabaseOutageIsRetriedMalformedIsDeadLettered) {
  constexpr int kMaxDeliveries = 3;
  auto tracking = ConsumerOf(queue::kTrackingStream, kMaxDeliveries);
  auto triaged = ConsumerOf(queue::kTriagedStream, kMaxDeliveries);
  tracking->PollOnce();  // creates the groups
  triaged->PollOnce();

  queue::StreamProducer tracking_out(Redis(), queue::kTrackingStream);
  queue::StreamProducer triaged_out(Redis(), queue::kTriagedStream);
  ASSERT_TRUE(tracking_out.Publish({{"event", "project_closed"}, {"payload", ClosedProject().SerializeAsString()}}));
  v1::TriagedFeedback detractor;
  detractor.mutable_feedback()->set_id("f-orig");
  detractor.mutable_feedback()->set_nps(1);
  detractor.mutable_feedback()->mutable_customer()->set_id("c-7");
  ASSERT_TRUE(triaged_out.Publish({{"feedback_id", "f-orig"}, {"payload", detractor.SerializeAsString()}}));

  {
    testing::SqliteWriteLock outage(SqliteUrl());
    for (int attempt = 0; attempt < 3 * kMaxDeliveries; ++attempt) {
      EXPECT_EQ(tracking->PollOnce(), 0) << "attempt " << attempt;
      EXPECT_EQ(triaged->PollOnce(), 0) << "attempt " << attempt;
    }
    EXPECT_TRUE(DeadLetters(queue::kTrackingStream).empty());
    EXPECT_TRUE(DeadLetters(queue::kTriagedStream).empty());
  }

  EXPECT_EQ(tracking->PollOnce(), 1);
  EXPECT_EQ(triaged->PollOnce(), 1);
  EXPECT_EQ(store_->ListChecks("proj-1", 0, 10)->size(), 1u);
  auto original = store_->FindDetractorOriginal("f-orig");
  ASSERT_TRUE(original.ok() && original->has_value());
  EXPECT_EQ((*original)->nps, 1);
  EXPECT_TRUE(DeadLetters(queue::kTrackingStream).empty());
  EXPECT_TRUE(DeadLetters(queue::kTriagedStream).empty());

  ASSERT_TRUE(tracking_out.Publish({{"event", "project_closed"}, {"payload", "\xff\xff\xff"}}));
  ASSERT_TRUE(triaged_out.Publish({{"feedback_id", "f-bad"}, {"payload", "\xff\xff\xff"}}));
  for (int attempt = 0; attempt < kMaxDeliveries; ++attempt) {
    tracking->PollOnce();
    triaged->PollOnce();
  }
  for (const char* stream : {queue::kTrackingStream, queue::kTriagedStream}) {
    auto dead = DeadLetters(stream);
    ASSERT_EQ(dead.size(), 1u) << stream;
    EXPECT_EQ(dead[0].fields["code"], "INVALID_ARGUMENT") << stream;
    EXPECT_NE(dead[0].fields["error"].find("payload"), std::string::npos) << dead[0].fields["error"];
  }
}

// The outage is a lock on the SQLite file; tests/support cannot stop and
// restart PostgreSQL, whose lost connection storage::Guarded maps to the same
// UNAVAILABLE (common/storage/errors.cc).
INSTANTIATE_TEST_SUITE_P(Sqlite, VerificationOutageTest, ::testing::Values(Backend::kSqlite),
                         [](const auto&) { return "Sqlite"; });

}  // namespace
}  // namespace voc::verification
