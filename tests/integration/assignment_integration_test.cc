// Assignment against a real redis-server and an in-process tracking gRPC
// server, with the shipped config/directory.yaml and config/routing.yaml:
// a triaged message delivered twice opens exactly one case, owned by the
// right person, even when assignment has lost its own decisions; and a
// database outage (assignment's or tracking's: a SQLite file held locked by
// another connection) longer than the dead-letter threshold is retried until
// it ends, while a malformed message is still dead-lettered.
#include <gtest/gtest.h>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <mutex>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/assignment_consumer.h"
#include "services/assignment/grpc_clients.h"
#include "services/assignment/store/assignment_store.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/tracking_grpc.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/tracking_service.h"
#include "tests/unit/tracking/in_process_auth.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/triage_processor.h"
#include "common/rpc/channel.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::assignment {
namespace {

using std::chrono::hours;

using voc::testing::RecordingNotifier;

// SQLite waits this long for another connection's lock before a call fails
// with "database is locked" (the shipped 10 s would make each try slow).
void ShortenBusyTimeout(storage::Database& db) {
  db.WithSession([](soci::session& s) { s << "PRAGMA busy_timeout=50"; });
}

// Another process holding the SQLite file's write lock: every write of the
// service fails (UNAVAILABLE) until Release().
class LockedDatabase {
 public:
  explicit LockedDatabase(const std::string& path) : session_(soci::sqlite3, "db=" + path) {
    session_ << "BEGIN EXCLUSIVE";
  }
  void Release() {
    if (held_) session_ << "ROLLBACK";
    held_ = false;
  }
  ~LockedDatabase() { Release(); }

 private:
  soci::session session_;
  bool held_ = true;
};

// The tracking service as its main() wires it, on a free port. Its database
// has one session with a short busy timeout, so a lock held by another
// connection makes its writes fail at once.
struct InProcessTracking {
  explicit InProcessTracking(const std::string& dir, const Clock& clock)
      : db(storage::Database::Open("sqlite3://" + dir + "/tracking.db", 1).value()) {
    ShortenBusyTimeout(*db);
    db->Migrate("tracking", tracking::TrackingMigrations()).value();
    store = std::make_unique<tracking::TrackingStore>(*db);
    directory = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    // The shipped SLA policies: tracking starts the clocks (issue 11).
    EXPECT_TRUE(policies.Reload().ok());
    service = std::make_unique<tracking::TrackingService>(*store, clock, nullptr, &policies,
                                                          directory);

    sla_store = std::make_unique<tracking::SlaStore>(*db);
    std::shared_ptr<const sla::SlaPolicies> policies =
        sla::LoadSlaPolicies("config/sla_policies.yaml").value();
    sweeper = std::make_unique<tracking::SlaSweeper>(*sla_store, *store, clock, notifier, directory,
                                                     [policies] { return policies; });
    grpc_service = std::make_unique<tracking::TrackingGrpc>(*authenticator, *service, *sweeper);
    server = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"tracking", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{grpc_service.get()});
    port = server->Start().value();
  }
  ~InProcessTracking() { server->Shutdown(); }

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<tracking::TrackingStore> store;
  tracking::SlaPolicySource policies{"config/sla_policies.yaml", &sla::LoadSlaPolicies};
  std::unique_ptr<tracking::TrackingService> service;
  RecordingNotifier notifier;
  std::shared_ptr<const org::OrgDirectory> directory;
  std::unique_ptr<tracking::SlaStore> sla_store;
  std::unique_ptr<tracking::SlaSweeper> sweeper;
  // Issue 9 (tracking helper): tracking authenticates its callers.
  voc::testing::TestCredentials creds;
  std::unique_ptr<auth::CallerAuthenticator> authenticator = tracking::InProcessAuthenticator(creds);
  std::unique_ptr<tracking::TrackingGrpc> grpc_service;
  std::unique_ptr<rpc::ServiceServer> server;
  int port = 0;
};

class AssignmentIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_options_.port = redis_.port();
    tracking_ = std::make_unique<InProcessTracking>(dir_.path(), clock_);
    // Issue 9 (tracking helper): assignment calls as itself; the test reads as "tester".
    channel_ = tracking_->creds.Channel("127.0.0.1:" + std::to_string(tracking_->port), "assignment");
    tracking_stub_ = v1::TrackingService::NewStub(
        tracking_->creds.Channel("127.0.0.1:" + std::to_string(tracking_->port), "tester"));
    cases_ = std::make_unique<GrpcCaseCreator>(channel_);
  }

  // An assignment service with its own database file (one session, short
  // busy timeout, like tracking's above).
  struct Assignment {
    std::string path;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<AssignmentStore> store;
    std::unique_ptr<AssignmentService> service;
    std::unique_ptr<AssignmentConsumer> consumer;
  };
  Assignment MakeAssignment(const std::string& db_name) {
    Assignment a;
    a.path = dir_.path() + "/" + db_name;
    a.db = storage::Database::Open("sqlite3://" + a.path, 1).value();
    a.db->Migrate("assignment", AssignmentMigrations()).value();
    ShortenBusyTimeout(*a.db);
    a.store = std::make_unique<AssignmentStore>(*a.db);
    const RuleFiles files{"config/directory.yaml", "config/routing.yaml"};
    a.service = std::make_unique<AssignmentService>(*a.store, clock_, *cases_, notifier_,
                                                    LoadRouter(files).value(), files);
    a.consumer = std::make_unique<AssignmentConsumer>(*a.service);
    return a;
  }

  void Publish(const v1::TriagedFeedback& t) {
    queue::StreamProducer producer(redis_options_, queue::kTriagedStream);
    ASSERT_TRUE(producer.Publish({{"feedback_id", t.feedback().id()},
                                  {"payload", t.SerializeAsString()}}));
  }

  queue::ConsumerOptions ConsumerOptionsFor(const std::string& consumer_name) {
    queue::ConsumerOptions options;
    options.stream = queue::kTriagedStream;
    options.group = "assignment";
    options.consumer = consumer_name;
    options.block = std::chrono::milliseconds(50);
    options.max_deliveries = kMaxDeliveries;
    return options;
  }

  // The consumer as assignment's main() wires it: one read is one batch.
  queue::StreamConsumer MakeConsumer(Assignment& assignment, const std::string& consumer_name) {
    return queue::StreamConsumer(
        redis_options_, ConsumerOptionsFor(consumer_name),
        queue::StreamBatchHandler([&assignment](const std::vector<queue::StreamMessage>& batch) {
          return assignment.consumer->HandleBatch(batch);
        }));
  }

  int ConsumeAll(Assignment& assignment, const std::string& consumer_name) {
    queue::StreamConsumer consumer = MakeConsumer(assignment, consumer_name);
    int handled = 0;
    for (int n; (n = consumer.PollOnce()) > 0;) handled += n;
    return handled;
  }

  // The messages in voc:triaged:dead.
  std::vector<queue::StreamMessage> DeadLettered() {
    queue::RedisClient client(redis_options_);
    queue::Reply reply = client.Command({"XRANGE", std::string(queue::kTriagedStream) + ":dead", "-", "+"});
    if (!reply) return {};
    return queue::ParseEntries(reply.get());
  }

  static constexpr int kMaxDeliveries = 3;

  std::vector<v1::Case> CasesOf(const std::string& feedback_id) {
    grpc::ClientContext context;
    v1::ListCasesRequest request;
    request.set_feedback_id(feedback_id);
    v1::ListCasesResponse response;
    const grpc::Status status = tracking_stub_->ListCases(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.cases().begin(), response.cases().end()};
  }

  static v1::TriagedFeedback Detractor(const std::string& id) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_text("送货太慢了，很失望");
    t.mutable_feedback()->set_nps(2);
    t.mutable_feedback()->mutable_customer()->set_id("c-10001");  // account manager p-zhang-wei
    *t.mutable_feedback()->mutable_received_time() = ToProto(Received());
    t.mutable_result()->set_feedback_id(id);
    t.mutable_result()->set_nps_category(v1::NPS_CATEGORY_DETRACTOR);
    t.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
    return t;
  }
  static TimePoint Received() { return FromMillis(1772409600000LL); }

  ::voc::testing::RedisServer redis_;
  ::voc::testing::TempDir dir_;
  queue::RedisOptions redis_options_;
  FakeClock clock_{Received() + std::chrono::minutes(5)};
  RecordingNotifier notifier_;
  ::voc::testing::TestCredentials creds_;
  std::unique_ptr<InProcessTracking> tracking_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TrackingService::Stub> tracking_stub_;
  std::unique_ptr<GrpcCaseCreator> cases_;
};

TEST_F(AssignmentIntegrationTest, SameMessageDeliveredTwiceOpensOneCallbackCase) {
  Assignment assignment = MakeAssignment("assignment.db");
  const v1::TriagedFeedback t = Detractor("fb-dup");
  Publish(t);
  Publish(t);
  EXPECT_EQ(ConsumeAll(assignment, "assignment-1"), 2);

  const auto cases = CasesOf("fb-dup");
  ASSERT_EQ(cases.size(), 1u);
  const v1::Case& c = cases[0];
  EXPECT_EQ(c.kind(), v1::CASE_KIND_DETRACTOR_CALLBACK);
  ASSERT_EQ(c.owners_size(), 1);
  EXPECT_EQ(c.owners(0).person(), "p-zhang-wei");
  EXPECT_EQ(c.owners(0).department(), "customer_success");
  EXPECT_EQ(FromProto(c.due_time()), Received() + hours(24));
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);

  auto decided = assignment.service->GetAssignment("fb-dup");
  ASSERT_TRUE(decided.ok());
  ASSERT_EQ(decided->decisions_size(), 1);
  EXPECT_EQ(decided->decisions(0).case_name(), c.name());
}

// Issue 12: why the case is here arrives in tracking over gRPC, from the
// shipped routing rules, and GetCase returns it.
TEST_F(AssignmentIntegrationTest, TheCaseTrackingOpensSaysWhyItIsHere) {
  Assignment assignment = MakeAssignment("assignment.db");
  v1::TriagedFeedback t = Detractor("fb-why");
  t.mutable_result()->set_sentiment_score(-0.7);
  t.mutable_result()->add_evidence("失望");
  t.mutable_result()->set_priority(v1::PRIORITY_P2);
  t.mutable_result()->set_priority_reason("detractor -> P2");
  t.mutable_result()->set_cluster_id("cl-1");
  Publish(t);
  EXPECT_EQ(ConsumeAll(assignment, "assignment-1"), 1);
  const auto cases = CasesOf("fb-why");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_FALSE(cases[0].has_explanation()) << "lists leave it out";

  grpc::ClientContext context;
  v1::GetCaseRequest request;
  request.set_name(cases[0].name());
  v1::Case got;
  const grpc::Status status = tracking_stub_->GetCase(&context, request, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::CaseExplanation& e = got.explanation();
  EXPECT_EQ(e.sentiment(), v1::SENTIMENT_NEGATIVE);
  EXPECT_DOUBLE_EQ(e.sentiment_score(), -0.7);
  ASSERT_EQ(e.evidence_size(), 1);
  EXPECT_EQ(e.evidence(0), "失望");
  EXPECT_EQ(e.priority_reason(), "detractor -> P2");
  EXPECT_EQ(e.cluster_id(), "cl-1");
  // config/routing.yaml: the first entry of detractor_callback.owners,
  // "    - account_manager" on line 27.
  EXPECT_EQ(e.routing().rule_id(), "detractor_callback.owners[0]");
  EXPECT_EQ(e.routing().rule(), "account_manager");
  EXPECT_EQ(e.routing().line(), 27);
}

TEST_F(AssignmentIntegrationTest, TrackingIdempotencyHoldsWhenAssignmentLostItsDecisions) {
  Assignment first = MakeAssignment("first.db");
  const v1::TriagedFeedback t = Detractor("fb-lost");
  Publish(t);
  EXPECT_EQ(ConsumeAll(first, "assignment-1"), 1);
  // A replica with an empty database sees the message again.
  Assignment second = MakeAssignment("second.db");
  EXPECT_TRUE(second.service->Handle(t).ok());
  EXPECT_EQ(CasesOf("fb-lost").size(), 1u);
  EXPECT_EQ(second.service->GetAssignment("fb-lost").value().decisions(0).case_name(),
            first.service->GetAssignment("fb-lost").value().decisions(0).case_name());
}

TEST_F(AssignmentIntegrationTest, RedLineDetractorGetsOneP1CaseForLegalPrExecutiveAndOneCallback) {
  Assignment assignment = MakeAssignment("assignment.db");
  v1::TriagedFeedback t = Detractor("fb-red");
  auto* hit = t.mutable_result()->add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
  hit->set_term("刹车失灵");
  Publish(t);
  Publish(t);
  EXPECT_EQ(ConsumeAll(assignment, "assignment-1"), 2);

  // Delivered twice, still one case of each kind.
  const auto cases = CasesOf("fb-red");
  ASSERT_EQ(cases.size(), 2u);
  const v1::Case* red = nullptr;
  const v1::Case* callback = nullptr;
  for (const auto& c : cases) {
    if (c.kind() == v1::CASE_KIND_RED_LINE) red = &c;
    if (c.kind() == v1::CASE_KIND_DETRACTOR_CALLBACK) callback = &c;
  }
  ASSERT_NE(red, nullptr);
  ASSERT_NE(callback, nullptr);
  EXPECT_EQ(red->priority(), v1::PRIORITY_P1);
  ASSERT_EQ(red->owners_size(), 3);
  EXPECT_EQ(red->owners(0).person(), "p-jiang-hong");
  EXPECT_EQ(red->owners(1).person(), "p-lucy-wang");
  EXPECT_EQ(red->owners(2).person(), "p-chen-jianguo");
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipients,
            (std::vector<std::string>{"p-jiang-hong", "p-lucy-wang", "p-chen-jianguo"}));
}

TEST_F(AssignmentIntegrationTest, OverdueCallbackEscalatesOnceToTheAccountManagersManager) {
  Assignment assignment = MakeAssignment("assignment.db");
  Publish(Detractor("fb-late"));
  ConsumeAll(assignment, "assignment-1");
  clock_.Advance(hours(25));
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    v1::SweepSlaResponse response;
    ASSERT_TRUE(tracking_stub_->SweepSla(&context, v1::SweepSlaRequest(), &response).ok());
    EXPECT_EQ(response.escalated_cases_size(), i == 0 ? 1 : 0);
    EXPECT_EQ(response.overdue_count(), 1);
  }
  // The breach goes to the owner, level 1 of the escalation to the manager.
  std::vector<Notification> escalations;
  for (const Notification& n : tracking_->notifier.sent()) {
    if (n.kind == "escalation") escalations.push_back(n);
  }
  ASSERT_EQ(escalations.size(), 1u);
  EXPECT_EQ(escalations[0].recipients, std::vector<std::string>{"p-liu-yang"});
}

TEST_F(AssignmentIntegrationTest, AssignmentDatabaseOutageIsRetriedUntilItEndsNeverDeadLettered) {
  Assignment assignment = MakeAssignment("assignment.db");
  queue::StreamConsumer consumer = MakeConsumer(assignment, "assignment-1");
  auto locked = std::make_unique<LockedDatabase>(assignment.path);
  Publish(Detractor("fb-outage"));
  // Twice the dead-letter threshold of tries, all failing on the lock.
  for (int i = 0; i < 2 * kMaxDeliveries; ++i) EXPECT_EQ(consumer.PollOnce(), 0) << "try " << i;
  EXPECT_TRUE(DeadLettered().empty()) << "an outage is retried, not counted";
  EXPECT_EQ(assignment.service->GetAssignment("fb-outage").status().code(),
            absl::StatusCode::kNotFound);

  locked->Release();
  EXPECT_EQ(consumer.PollOnce(), 1);
  EXPECT_TRUE(DeadLettered().empty());
  const auto decided = assignment.service->GetAssignment("fb-outage");
  ASSERT_TRUE(decided.ok()) << decided.status();
  ASSERT_EQ(decided->decisions_size(), 1);
  const auto cases = CasesOf("fb-outage");
  ASSERT_EQ(cases.size(), 1u) << "the tries before were idempotent";
  EXPECT_EQ(decided->decisions(0).case_name(), cases[0].name());
}

TEST_F(AssignmentIntegrationTest, MalformedMessageIsDeadLetteredAfterMaxDeliveriesWithItsError) {
  Assignment assignment = MakeAssignment("assignment.db");
  queue::StreamProducer producer(redis_options_, queue::kTriagedStream);
  ASSERT_TRUE(producer.Publish({{"feedback_id", "fb-bad"}, {"payload", "\xff\xff not a proto"}}));
  queue::StreamConsumer consumer = MakeConsumer(assignment, "assignment-1");
  for (int i = 0; i < kMaxDeliveries - 1; ++i) {
    consumer.PollOnce();
    EXPECT_TRUE(DeadLettered().empty()) << "not before max_deliveries; try " << i;
  }
  consumer.PollOnce();
  const auto dead = DeadLettered();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields.at("feedback_id"), "fb-bad");
  EXPECT_EQ(dead[0].fields.at("code"), "DATA_LOSS");
  EXPECT_EQ(dead[0].fields.at("error"), "payload is not a voc.v1.TriagedFeedback");
  EXPECT_EQ(consumer.PollOnce(), 0) << "nothing left pending";
}

TEST_F(AssignmentIntegrationTest, TrackingDatabaseOutageAnswersUnavailableAndTheCaseIsCreatedOnce) {
  Assignment assignment = MakeAssignment("assignment.db");
  queue::StreamConsumer consumer = MakeConsumer(assignment, "assignment-1");
  auto locked = std::make_unique<LockedDatabase>(dir_.path() + "/tracking.db");
  const v1::TriagedFeedback t = Detractor("fb-tracking-down");

  // Tracking tells its caller to retry...
  GrpcCaseCreator direct(channel_);
  const auto router = LoadRouter({"config/directory.yaml", "config/routing.yaml"}).value();
  const auto attempt = direct.CreateCase(router->Route(t).at(0).request);
  ASSERT_FALSE(attempt.ok());
  EXPECT_EQ(attempt.status().code(), absl::StatusCode::kUnavailable) << attempt.status();
  const auto batch_attempt = direct.CreateCases({router->Route(t).at(0).request});
  ASSERT_FALSE(batch_attempt.ok()) << "the whole batch waits for the database";
  EXPECT_EQ(batch_attempt.status().code(), absl::StatusCode::kUnavailable) << batch_attempt.status();

  // ...so assignment's consumer retries for longer than the dead-letter threshold.
  Publish(t);
  for (int i = 0; i < 2 * kMaxDeliveries; ++i) EXPECT_EQ(consumer.PollOnce(), 0) << "try " << i;
  EXPECT_TRUE(DeadLettered().empty());

  locked->Release();
  EXPECT_EQ(consumer.PollOnce(), 1);
  EXPECT_TRUE(DeadLettered().empty());
  const auto cases = CasesOf("fb-tracking-down");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(assignment.service->GetAssignment("fb-tracking-down").value().decisions(0).case_name(),
            cases[0].name());
}

TEST_F(AssignmentIntegrationTest, ABatchOfDetractorsAndARedLineOpensEachCaseOnceInOneRead) {
  Assignment assignment = MakeAssignment("assignment.db");
  constexpr int kDetractors = 40;
  for (int i = 0; i < kDetractors; ++i) Publish(Detractor("fb-batch-" + std::to_string(i)));
  v1::TriagedFeedback red = Detractor("fb-batch-red");
  auto* hit = red.mutable_result()->add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
  hit->set_term("刹车失灵");
  Publish(red);
  Publish(Detractor("fb-batch-3"));  // a redelivery inside the same read
  Publish(red);
  queue::StreamProducer producer(redis_options_, queue::kTriagedStream);
  ASSERT_TRUE(producer.Publish({{"feedback_id", "fb-batch-bad"}, {"payload", "not a proto"}}));

  queue::StreamConsumer consumer = MakeConsumer(assignment, "assignment-1");
  EXPECT_EQ(consumer.PollOnce(), kDetractors + 3) << "one read of 44, all acked but the malformed one";

  for (int i = 0; i < kDetractors; ++i) {
    const std::string id = "fb-batch-" + std::to_string(i);
    const auto cases = CasesOf(id);
    ASSERT_EQ(cases.size(), 1u) << id;
    EXPECT_EQ(cases[0].owners(0).person(), "p-zhang-wei");
    const auto decided = assignment.service->GetAssignment(id);
    ASSERT_TRUE(decided.ok()) << decided.status();
    ASSERT_EQ(decided->decisions_size(), 1);
    EXPECT_EQ(decided->decisions(0).case_name(), cases[0].name());
  }
  EXPECT_EQ(CasesOf("fb-batch-red").size(), 2u) << "one red-line case and one callback";
  ASSERT_EQ(notifier_.sent().size(), 1u) << "alerted once though delivered twice";
  EXPECT_EQ(notifier_.sent()[0].recipients,
            (std::vector<std::string>{"p-jiang-hong", "p-lucy-wang", "p-chen-jianguo"}));

  // The malformed message alone stays pending, until it is dead-lettered.
  for (int i = 1; i < kMaxDeliveries; ++i) EXPECT_EQ(consumer.PollOnce(), 0);
  const auto dead = DeadLettered();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields.at("feedback_id"), "fb-batch-bad");
}

// Red lines end to end (issue 10): texts read by the shipped analyser and
// red-line file, the result handed to assignment as triage hands it. An
// order number #315 and a room number 315 open no P1 case; the regulator's
// hotline and failed brakes do, and the case and the alert say why.
TEST_F(AssignmentIntegrationTest, OnlyRealRedLinesOpenAP1CaseAndTheyCarryTheirReason) {
  auto analyzer = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
  Assignment assignment = MakeAssignment("assignment.db");
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"fb-order", "订单#315到现在还没发货，太慢了"},
      {"fb-room", "住在315房间，空调噪音太大，很失望"},
      {"fb-12315", "我要打12315投诉"},
      {"fb-brakes", "brakes failed on the highway"}};
  for (const auto& [id, text] : texts) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_text(text);
    t.mutable_feedback()->mutable_customer()->set_id("c-10001");
    *t.mutable_feedback()->mutable_received_time() = ToProto(Received());
    std::string normalized;
    const triage::Analysis a = analyzer->AnalyzeWithText(triage::InputFor(t.feedback()), normalized);
    *t.mutable_result() = triage::ToProto(a, id, clock_.Now(), normalized);
    Publish(t);
  }
  EXPECT_EQ(ConsumeAll(assignment, "assignment-1"), 4);

  const auto red_line_case = [&](const std::string& id) -> std::optional<v1::Case> {
    for (const auto& c : CasesOf(id))
      if (c.kind() == v1::CASE_KIND_RED_LINE) return c;
    return std::nullopt;
  };
  EXPECT_FALSE(red_line_case("fb-order").has_value());
  EXPECT_FALSE(red_line_case("fb-room").has_value());
  for (const auto& [id, words] : std::vector<std::pair<std::string, std::string>>{{"fb-12315", "12315"},
                                                                                 {"fb-brakes", "brakes failed"}}) {
    const auto c = red_line_case(id);
    ASSERT_TRUE(c.has_value()) << id;
    EXPECT_EQ(c->priority(), v1::PRIORITY_P1);
    EXPECT_NE(c->summary().find("Why: "), std::string::npos) << c->summary();
    EXPECT_NE(c->summary().find("\"" + words + "\" at ["), std::string::npos) << c->summary();
    EXPECT_NE(c->summary().find("config/redlines.yaml:"), std::string::npos) << c->summary();
  }
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& n : sent) {
    ASSERT_TRUE(n.params.count("red_line_reason")) << n.body;
    const std::string& reason = n.params.at("red_line_reason");
    EXPECT_NE(reason.find("config/redlines.yaml:"), std::string::npos) << reason;
    EXPECT_TRUE(reason.find("regulatory \"12315\"") != std::string::npos ||
                reason.find("safety \"brakes failed\"") != std::string::npos)
        << reason;
  }
}

}  // namespace
}  // namespace voc::assignment
