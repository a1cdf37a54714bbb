// Assignment against a real redis-server and an in-process tracking gRPC
// server, with the shipped config/directory.yaml and config/routing.yaml:
// a triaged message delivered twice opens exactly one case, owned by the
// right person, even when assignment has lost its own decisions.
#include <gtest/gtest.h>

#include <mutex>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/case_creator.h"
#include "services/assignment/store/assignment_store.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/tracking_grpc.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::assignment {
namespace {

using std::chrono::hours;

using voc::testing::RecordingNotifier;

// The tracking service as its main() wires it, on a free port.
struct InProcessTracking {
  explicit InProcessTracking(const std::string& dir, const Clock& clock)
      : db(storage::Database::Open("sqlite3://" + dir + "/tracking.db")) {
    db->Migrate("tracking", tracking::TrackingMigrations());
    store = std::make_unique<tracking::TrackingStore>(*db);
    service = std::make_unique<tracking::TrackingService>(*store, clock);
    directory = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    sweeper = std::make_unique<tracking::SlaSweeper>(*store, clock, notifier, directory);
    grpc_service = std::make_unique<tracking::TrackingGrpc>(*service, *sweeper);
    server = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"tracking", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{grpc_service.get()});
    port = server->Start().value();
  }
  ~InProcessTracking() { server->Shutdown(); }

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<tracking::TrackingStore> store;
  std::unique_ptr<tracking::TrackingService> service;
  RecordingNotifier notifier;
  std::shared_ptr<const org::OrgDirectory> directory;
  std::unique_ptr<tracking::SlaSweeper> sweeper;
  std::unique_ptr<tracking::TrackingGrpc> grpc_service;
  std::unique_ptr<rpc::ServiceServer> server;
  int port = 0;
};

class AssignmentIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_options_.port = redis_.port();
    tracking_ = std::make_unique<InProcessTracking>(dir_.path(), clock_);
    channel_ = rpc::MakeChannel("127.0.0.1:" + std::to_string(tracking_->port));
    tracking_stub_ = v1::TrackingService::NewStub(channel_);
    cases_ = std::make_unique<GrpcCaseCreator>(channel_);
  }

  // An assignment service with its own database file.
  struct Assignment {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<AssignmentStore> store;
    std::unique_ptr<AssignmentService> service;
  };
  Assignment MakeAssignment(const std::string& db_name) {
    Assignment a;
    a.db = storage::Database::Open("sqlite3://" + dir_.path() + "/" + db_name);
    a.db->Migrate("assignment", AssignmentMigrations());
    a.store = std::make_unique<AssignmentStore>(*a.db);
    const RuleFiles files{"config/directory.yaml", "config/routing.yaml"};
    a.service = std::make_unique<AssignmentService>(*a.store, clock_, *cases_, notifier_,
                                                    LoadRouter(files), files);
    return a;
  }

  void Publish(const v1::TriagedFeedback& t) {
    queue::StreamProducer producer(redis_options_, queue::kTriagedStream);
    ASSERT_TRUE(producer.Publish({{"feedback_id", t.feedback().id()},
                                  {"payload", t.SerializeAsString()}}));
  }

  int ConsumeAll(AssignmentService& service, const std::string& consumer_name) {
    queue::ConsumerOptions options;
    options.stream = queue::kTriagedStream;
    options.group = "assignment";
    options.consumer = consumer_name;
    options.block = std::chrono::milliseconds(50);
    queue::StreamConsumer consumer(redis_options_, options, [&](const queue::StreamMessage& m) {
      return service.HandleMessage(m);
    });
    int handled = 0;
    for (int n; (n = consumer.PollOnce()) > 0;) handled += n;
    return handled;
  }

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
  EXPECT_EQ(ConsumeAll(*assignment.service, "assignment-1"), 2);

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
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->decisions_size(), 1);
  EXPECT_EQ(decided->decisions(0).case_name(), c.name());
}

TEST_F(AssignmentIntegrationTest, TrackingIdempotencyHoldsWhenAssignmentLostItsDecisions) {
  Assignment first = MakeAssignment("first.db");
  const v1::TriagedFeedback t = Detractor("fb-lost");
  Publish(t);
  EXPECT_EQ(ConsumeAll(*first.service, "assignment-1"), 1);
  // A replica with an empty database sees the message again.
  Assignment second = MakeAssignment("second.db");
  EXPECT_TRUE(second.service->Handle(t).ok);
  EXPECT_EQ(CasesOf("fb-lost").size(), 1u);
  EXPECT_EQ(second.service->GetAssignment("fb-lost")->decisions(0).case_name(),
            first.service->GetAssignment("fb-lost")->decisions(0).case_name());
}

TEST_F(AssignmentIntegrationTest, RedLineDetractorGetsOneP1CaseForLegalPrExecutiveAndOneCallback) {
  Assignment assignment = MakeAssignment("assignment.db");
  v1::TriagedFeedback t = Detractor("fb-red");
  auto* hit = t.mutable_result()->add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
  hit->set_term("刹车失灵");
  Publish(t);
  Publish(t);
  EXPECT_EQ(ConsumeAll(*assignment.service, "assignment-1"), 2);

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
  ConsumeAll(*assignment.service, "assignment-1");
  clock_.Advance(hours(25));
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    v1::SweepSlaResponse response;
    ASSERT_TRUE(tracking_stub_->SweepSla(&context, v1::SweepSlaRequest(), &response).ok());
    EXPECT_EQ(response.escalated_cases_size(), i == 0 ? 1 : 0);
    EXPECT_EQ(response.overdue_count(), 1);
  }
  ASSERT_EQ(tracking_->notifier.sent().size(), 1u);
  EXPECT_EQ(tracking_->notifier.sent()[0].recipients, std::vector<std::string>{"p-liu-yang"});
}

}  // namespace
}  // namespace voc::assignment
