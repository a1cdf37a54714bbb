// Assignment's throughput on a backlog: 20,000 triaged detractor messages
// waiting in voc:triaged, drained by one assignment consumer that opens each
// case in a real tracking service over gRPC (in this process, on a free
// port), both on SQLite files in a temp folder, a real redis-server started
// here. Reports messages/s from the first poll to the last message acked.
//
//   BM_BacklogOneMessageAtATime  the consumer hands the handler one message
//                                at a time (the shape before issue 8: one
//                                tracking round trip and one commit of each
//                                side per message)
//   BM_BacklogInBatches          the batch handler: one CreateCases call and
//                                one assignment transaction per read of 64
//
// Run from the source root (config/ holds the directory and routing rules):
//
//   ./build/tests/benchmarks/assignment_backlog_benchmark
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/assignment_consumer.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/grpc_clients.h"
#include "services/assignment/store/assignment_store.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/tracking_grpc.h"
#include "services/tracking/tracking_service.h"
#include "tests/unit/tracking/in_process_auth.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"

namespace {

using namespace voc;

constexpr int kBacklog = 20000;
constexpr std::int64_t kReceivedMs = 1772409600000LL;  // 2026-03-02T00:00Z

v1::TriagedFeedback Detractor(int i) {
  const std::string id = "fb-bench-" + std::to_string(i);
  v1::TriagedFeedback t;
  t.mutable_feedback()->set_id(id);
  t.mutable_feedback()->set_text("送货太慢了，很失望");
  t.mutable_feedback()->set_nps(2);
  t.mutable_feedback()->mutable_customer()->set_id("c-10001");  // has an account manager
  *t.mutable_feedback()->mutable_received_time() = MillisToProto(kReceivedMs);
  t.mutable_result()->set_feedback_id(id);
  t.mutable_result()->set_nps_category(v1::NPS_CATEGORY_DETRACTOR);
  t.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
  return t;
}

// Tracking and assignment wired as their main()s wire them, plus the backlog.
struct Stack {
  testing::RedisServer redis;
  testing::TempDir dir;
  FakeClock clock{FromMillis(kReceivedMs + 60000)};
  testing::RecordingNotifier notifier;
  std::unique_ptr<storage::Database> tracking_db, assignment_db;
  std::unique_ptr<tracking::TrackingStore> tracking_store;
  std::unique_ptr<tracking::TrackingService> tracking;
  std::unique_ptr<tracking::SlaStore> sla_store;
  std::unique_ptr<tracking::SlaSweeper> sweeper;
  // Issue 9 (tracking helper): tracking authenticates; assignment calls as itself.
  voc::testing::TestCredentials creds;
  std::unique_ptr<auth::CallerAuthenticator> authenticator = tracking::InProcessAuthenticator(creds);
  std::unique_ptr<tracking::TrackingGrpc> tracking_grpc;
  std::unique_ptr<rpc::ServiceServer> server;
  std::unique_ptr<assignment::GrpcCaseCreator> cases;
  std::unique_ptr<assignment::AssignmentStore> assignment_store;
  std::unique_ptr<assignment::AssignmentService> service;
  std::unique_ptr<assignment::AssignmentConsumer> consumer;
  queue::RedisOptions redis_options;

  Stack() {
    tracking_db = storage::Database::Open("sqlite3://" + dir.path() + "/tracking.db").value();
    tracking_db->Migrate("tracking", tracking::TrackingMigrations()).value();
    tracking_store = std::make_unique<tracking::TrackingStore>(*tracking_db);
    tracking = std::make_unique<tracking::TrackingService>(*tracking_store, clock);
    auto directory = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    sla_store = std::make_unique<tracking::SlaStore>(*tracking_db);
    sweeper = std::make_unique<tracking::SlaSweeper>(*sla_store, *tracking_store, clock, notifier, directory,
                                                     [] { return std::shared_ptr<const sla::SlaPolicies>(); });  // no sweeps here
    tracking_grpc = std::make_unique<tracking::TrackingGrpc>(*authenticator, *tracking, *sweeper);
    server = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"tracking", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{tracking_grpc.get()});
    const int port = server->Start().value();
    cases = std::make_unique<assignment::GrpcCaseCreator>(
        creds.Channel("127.0.0.1:" + std::to_string(port), "assignment"));

    assignment_db = storage::Database::Open("sqlite3://" + dir.path() + "/assignment.db").value();
    assignment_db->Migrate("assignment", assignment::AssignmentMigrations()).value();
    assignment_store = std::make_unique<assignment::AssignmentStore>(*assignment_db);
    const assignment::RuleFiles files{"config/directory.yaml", "config/routing.yaml"};
    service = std::make_unique<assignment::AssignmentService>(
        *assignment_store, clock, *cases, notifier, assignment::LoadRouter(files).value(), files);
    consumer = std::make_unique<assignment::AssignmentConsumer>(*service);

    redis_options.port = redis.port();
    queue::StreamProducer producer(redis_options, queue::kTriagedStream);
    std::vector<std::map<std::string, std::string>> batch;
    for (int i = 0; i < kBacklog; ++i) {
      const auto t = Detractor(i);
      batch.push_back({{"feedback_id", t.feedback().id()}, {"payload", t.SerializeAsString()}});
      if (batch.size() == 500 || i + 1 == kBacklog) {
        if (producer.PublishBatch(batch) != batch.size()) throw std::runtime_error("publish failed");
        batch.clear();
      }
    }
  }
  ~Stack() { server->Shutdown(); }

  queue::ConsumerOptions Options() const {
    queue::ConsumerOptions options;
    options.stream = queue::kTriagedStream;
    options.group = "assignment";
    options.consumer = "assignment-bench";
    options.block = std::chrono::milliseconds(10);
    return options;
  }
};

// Drains the backlog with `consumer`; reports messages/s.
void Drain(benchmark::State& state, Stack& stack, queue::StreamConsumer& consumer) {
  int handled = 0;
  for (auto _ : state) {
    while (handled < kBacklog) {
      const int n = consumer.PollOnce();
      if (n == 0) {
        state.SkipWithError("a poll handled nothing before the backlog was drained");
        return;
      }
      handled += n;
    }
  }
  state.counters["messages"] = handled;
  state.counters["messages_per_s"] = benchmark::Counter(handled, benchmark::Counter::kIsRate);
}

void BM_BacklogOneMessageAtATime(benchmark::State& state) {
  Stack stack;
  queue::StreamConsumer consumer(stack.redis_options, stack.Options(),
                                 [&](const queue::StreamMessage& m) {
                                   return stack.consumer->Handle(m);
                                 });
  Drain(state, stack, consumer);
}
BENCHMARK(BM_BacklogOneMessageAtATime)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void BM_BacklogInBatches(benchmark::State& state) {
  Stack stack;
  queue::StreamConsumer consumer(
      stack.redis_options, stack.Options(),
      queue::StreamBatchHandler([&](const std::vector<queue::StreamMessage>& batch) {
        return stack.consumer->HandleBatch(batch);
      }));
  Drain(state, stack, consumer);
}
BENCHMARK(BM_BacklogInBatches)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
