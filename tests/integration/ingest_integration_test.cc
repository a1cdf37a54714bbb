// The ingest service in-process on a free port, against a real redis-server
// and a real database (SQLite file, and PostgreSQL when installed): what a
// caller sees over gRPC and what lands on voc:feedback. Then two outbox
// relays (two replicas) on one PostgreSQL database.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/queue/publisher.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/storage/outbox_relay.h"
#include "common/util/time.h"
#include "services/ingest/ingest_grpc.h"
#include "services/ingest/ingest_service.h"
#include "common/erasure/privacy_service.h"
#include "services/ingest/store/erasure_store.h"
#include "services/ingest/store/ingest_store.h"
#include "services/ingest/store/migrations.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc::ingest {
namespace {

using namespace std::chrono_literals;

voc::v1::Feedback Make(const std::string& external_id, const std::string& text = "退款一直没到账") {
  voc::v1::Feedback f;
  f.set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f.set_external_id(external_id);
  f.set_text(text);
  f.set_nps(2);
  f.mutable_customer()->set_id("c-1");
  return f;
}

// Polls `done` until it holds or the deadline passes: only for delivery
// that is asynchronous by design (the outbox relay).
template <typename Predicate>
bool Eventually(Predicate done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// The relay as voc-ingest builds it (services/ingest/main.cc).
std::unique_ptr<voc::storage::OutboxRelay> MakeRelay(IngestStore& store, voc::queue::Publisher& publisher,
                                                     const Clock& clock, int batch_size) {
  voc::storage::OutboxRelayOptions options;
  options.name = "feedback";
  options.interval = 100ms;
  options.batch_size = batch_size;
  return std::make_unique<voc::storage::OutboxRelay>(options, [&store, &publisher, &clock](int n) {
    return store.RelayUnqueued(n, ToMillis(clock.Now()), publisher);
  });
}

std::int64_t Unqueued(IngestStore& store) { return store.CountUnqueued().value(); }

class IngestIntegrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgres") {
      if (!voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      postgres_ = std::make_unique<voc::testing::PostgresServer>();
      postgres_->CreateDatabase("ingest");
      url = postgres_->Url("ingest");
    } else {
      url = "sqlite3://" + dir_.path() + "/ingest.db";
    }
    auto opened_db = voc::storage::Database::Open(url);
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate(kIngestSchema, IngestMigrations()).status(), absl::OkStatus());
    store_ = std::make_unique<IngestStore>(*db_);
    voc::queue::RedisOptions redis;
    redis.port = redis_.port();
    redis.connect_timeout_ms = 500;
    publisher_ = std::make_unique<voc::queue::StreamPublisher>(redis, voc::queue::kFeedbackStream);
    relay_ = MakeRelay(*store_, *publisher_, clock_, 200);
    service_ = std::make_unique<IngestService>(*store_, clock_, FeedbackValidator(), relay_.get());
    creds_.Add("feedback-only", "feedback:write");
    authenticator_ = voc::testing::InProcessAuthenticator(creds_, clock_, "ingest");
    grpc_ = std::make_unique<IngestGrpc>(*service_, *authenticator_, 4);
    server_ = std::make_unique<voc::rpc::ServiceServer>(
        voc::rpc::ServerOptions{"ingest", "127.0.0.1:0", nullptr},
        std::vector<grpc::Service*>{grpc_.get()});
    port_ = server_->Start().value();
    relay_->Start();
    stub_ = StubFor("tester");
  }

  std::unique_ptr<voc::v1::IngestService::Stub> StubFor(const std::string& principal) const {
    return voc::v1::IngestService::NewStub(creds_.Channel("127.0.0.1:" + std::to_string(port_), principal));
  }

  void TearDown() override {
    server_.reset();
    if (relay_) relay_->Stop();
  }

  std::vector<voc::queue::StreamMessage> StreamEntries() {
    voc::queue::RedisOptions options;
    options.port = redis_.port();
    voc::queue::RedisClient client(options);
    auto reply = client.Command({"XRANGE", voc::queue::kFeedbackStream, "-", "+"});
    if (!reply || reply->type != REDIS_REPLY_ARRAY) return {};
    return voc::queue::ParseEntries(reply.get());
  }

  grpc::Status Submit(const voc::v1::Feedback& feedback, voc::v1::SubmitFeedbackResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    voc::v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = feedback;
    return stub_->SubmitFeedback(&context, request, response);
  }

  int ListedCount() {
    grpc::ClientContext context;
    voc::v1::ListFeedbackRequest request;
    request.set_page_size(1000);
    voc::v1::ListFeedbackResponse response;
    EXPECT_TRUE(stub_->ListFeedback(&context, request, &response).ok());
    return response.feedbacks_size();
  }

  voc::testing::TempDir dir_;
  voc::testing::RedisServer redis_;
  std::unique_ptr<voc::testing::PostgresServer> postgres_;
  FakeClock clock_{FromMillis(1'795'000'000'000)};
  std::unique_ptr<voc::storage::Database> db_;
  std::unique_ptr<IngestStore> store_;
  std::unique_ptr<voc::queue::StreamPublisher> publisher_;
  std::unique_ptr<voc::storage::OutboxRelay> relay_;
  std::unique_ptr<IngestService> service_;
  voc::testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  int port_ = 0;
  std::unique_ptr<IngestGrpc> grpc_;
  std::unique_ptr<voc::rpc::ServiceServer> server_;
  std::unique_ptr<voc::v1::IngestService::Stub> stub_;
};

TEST_P(IngestIntegrationTest, SubmitStoresAndQueuesForTriage) {
  voc::v1::SubmitFeedbackResponse response;
  ASSERT_TRUE(Submit(Make("nps-1"), &response).ok());
  EXPECT_FALSE(response.duplicate());
  const auto& stored = response.feedback();
  EXPECT_EQ(ProtoToMillis(stored.received_time()), 1'795'000'000'000);

  grpc::ClientContext context;
  voc::v1::GetFeedbackRequest get;
  get.set_name(stored.name());
  voc::v1::Feedback fetched;
  ASSERT_TRUE(stub_->GetFeedback(&context, get, &fetched).ok());
  EXPECT_EQ(fetched.text(), "退款一直没到账");

  ASSERT_TRUE(Eventually([&] { return StreamEntries().size() == 1; }));
  auto message = StreamEntries().front();
  EXPECT_EQ(message.fields.at("feedback_id"), stored.id());
  voc::v1::Feedback payload;
  ASSERT_TRUE(payload.ParseFromString(message.fields.at("payload")));
  EXPECT_EQ(payload.SerializeAsString(), stored.SerializeAsString());
  EXPECT_TRUE(Eventually([&] { return Unqueued(*store_) == 0; }));
}

TEST_P(IngestIntegrationTest, DuplicateQueuesNoSecondMessage) {
  voc::v1::SubmitFeedbackResponse first;
  ASSERT_TRUE(Submit(Make("nps-1"), &first).ok());
  ASSERT_TRUE(Eventually([&] { return Unqueued(*store_) == 0; }));
  ASSERT_EQ(StreamEntries().size(), 1u);

  voc::v1::SubmitFeedbackResponse second;
  ASSERT_TRUE(Submit(Make("nps-1", "changed"), &second).ok());
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.feedback().id(), first.feedback().id());
  EXPECT_EQ(second.feedback().text(), first.feedback().text());
  // Nothing unqueued was stored, so the relay has nothing to append.
  EXPECT_EQ(Unqueued(*store_), 0);
  EXPECT_EQ(StreamEntries().size(), 1u);
  EXPECT_EQ(ListedCount(), 1);
}

// After `voc customers erase`, a channel that resubmits the same source
// (a retry, a re-sync) meets the erased row: nothing of the customer comes back.
TEST_P(IngestIntegrationTest, AResubmissionOfAnErasedFeedbackIsItsDuplicateNotNewFeedback) {
  voc::v1::SubmitFeedbackResponse first;
  ASSERT_TRUE(Submit(Make("nps-1"), &first).ok());
  ASSERT_TRUE(Eventually([&] { return Unqueued(*store_) == 0; }));
  auto erased = ErasureStore(*db_).EraseCustomer("c-1", erasure::CustomerHash("c-1"), 1'795'000'000'000);
  ASSERT_TRUE(erased.ok()) << erased.status();
  ASSERT_EQ(erased->feedback_erased, 1);

  voc::v1::SubmitFeedbackResponse again;
  ASSERT_TRUE(Submit(Make("nps-1"), &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.feedback().id(), first.feedback().id());
  EXPECT_EQ(again.feedback().text(), "");
  EXPECT_EQ(again.feedback().customer().id(), "");
  EXPECT_EQ(ListedCount(), 1) << "no second row";
  EXPECT_EQ(Unqueued(*store_), 0);
  EXPECT_EQ(StreamEntries().size(), 1u) << "nothing queued for triage again";

  // Another source is still new feedback.
  voc::v1::SubmitFeedbackResponse other;
  ASSERT_TRUE(Submit(Make("nps-2"), &other).ok());
  EXPECT_FALSE(other.duplicate());
  EXPECT_EQ(other.feedback().text(), "退款一直没到账");
}

TEST_P(IngestIntegrationTest, InvalidInputNamesTheFieldAndStoresNothing) {
  voc::v1::SubmitFeedbackResponse response;
  auto out_of_range = Make("nps-1");
  out_of_range.set_nps(11);
  auto status = Submit(out_of_range, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "feedback.nps: 11 is outside 0..10");

  // Bad bytes over the real wire: the C++ client serialises them (with a
  // logged complaint); the server must answer INVALID_ARGUMENT, not INTERNAL.
  auto bad_bytes = Make("nps-2", "bad \xff\xfe");
  status = Submit(bad_bytes, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "feedback.text: not valid UTF-8");

  auto unknown_channel = Make("nps-3");
  unknown_channel.set_channel(voc::v1::CHANNEL_UNSPECIFIED);
  status = Submit(unknown_channel, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("feedback.channel:", 0), 0u);

  EXPECT_EQ(ListedCount(), 0);
  EXPECT_EQ(Unqueued(*store_), 0);
  EXPECT_TRUE(StreamEntries().empty());
}

TEST_P(IngestIntegrationTest, RedisDownAtSubmitIsQueuedAfterItReturns) {
  redis_.Stop();
  voc::v1::SubmitFeedbackResponse response;
  ASSERT_TRUE(Submit(Make("nps-1"), &response).ok());  // stored, not yet queued
  EXPECT_EQ(Unqueued(*store_), 1);

  redis_.Start();
  ASSERT_TRUE(Eventually([&] { return StreamEntries().size() == 1; }));
  EXPECT_EQ(StreamEntries().front().fields.at("feedback_id"), response.feedback().id());
  EXPECT_TRUE(Eventually([&] { return Unqueued(*store_) == 0; }));
}

TEST_P(IngestIntegrationTest, BatchAndPagedListing) {
  voc::v1::BatchSubmitFeedbackRequest batch;
  for (int i = 0; i < 25; ++i) *batch.add_feedbacks() = Make("b-" + std::to_string(i));
  batch.mutable_feedbacks(3)->set_rating(0);  // invalid
  *batch.add_feedbacks() = Make("b-0");       // duplicate of item 0
  voc::v1::BatchSubmitFeedbackResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->BatchSubmitFeedback(&context, batch, &response).ok());
  ASSERT_EQ(response.results_size(), 26);
  EXPECT_EQ(response.results(3).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(3).error(), "feedback.rating: 0 is outside 1..5");
  EXPECT_TRUE(response.results(25).duplicate());
  EXPECT_EQ(response.results(25).feedback().id(), response.results(0).feedback().id());

  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext list_context;
    voc::v1::ListFeedbackRequest list;
    list.set_page_size(10);
    list.set_page_token(token);
    list.set_customer_id("c-1");
    voc::v1::ListFeedbackResponse page;
    ASSERT_TRUE(stub_->ListFeedback(&list_context, list, &page).ok());
    for (const auto& f : page.feedbacks()) seen.push_back(f.id());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 24u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 24u);
  ASSERT_TRUE(Eventually([&] { return StreamEntries().size() == 24; }));
}

TEST_P(IngestIntegrationTest, GetUnknownIsNotFound) {
  grpc::ClientContext context;
  voc::v1::GetFeedbackRequest get;
  get.set_name("feedback/0000000000000000");
  voc::v1::Feedback fetched;
  auto status = stub_->GetFeedback(&context, get, &fetched);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "feedback/0000000000000000 not found");
}

// Issue 9: a key that only submits feedback cannot read it back; a caller
// without a credential is refused before anything is stored.
TEST_P(IngestIntegrationTest, AFeedbackOnlyPrincipalSubmitsButCannotRead) {
  auto feedback_only = StubFor("feedback-only");
  grpc::ClientContext context;
  voc::v1::SubmitFeedbackRequest request;
  *request.mutable_feedback() = Make("fo-1");
  voc::v1::SubmitFeedbackResponse submitted;
  ASSERT_TRUE(feedback_only->SubmitFeedback(&context, request, &submitted).ok());

  grpc::ClientContext batch_context;
  voc::v1::BatchSubmitFeedbackRequest batch;
  *batch.add_feedbacks() = Make("fo-2");
  voc::v1::BatchSubmitFeedbackResponse batched;
  ASSERT_TRUE(feedback_only->BatchSubmitFeedback(&batch_context, batch, &batched).ok());
  EXPECT_EQ(batched.results(0).code(), 0);

  grpc::ClientContext get_context;
  voc::v1::GetFeedbackRequest get;
  get.set_name(submitted.feedback().name());
  voc::v1::Feedback fetched;
  const grpc::Status get_status = feedback_only->GetFeedback(&get_context, get, &fetched);
  EXPECT_EQ(get_status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(get_status.error_message().find("feedback:read"), std::string::npos) << get_status.error_message();
  // The same answer for a feedback that does not exist (AIP-193).
  grpc::ClientContext missing_context;
  get.set_name("feedback/none");
  EXPECT_EQ(feedback_only->GetFeedback(&missing_context, get, &fetched).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext list_context;
  voc::v1::ListFeedbackResponse listed;
  EXPECT_EQ(feedback_only->ListFeedback(&list_context, {}, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // No credential, or a person through the gateway: nothing is stored.
  auto anonymous = voc::v1::IngestService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  grpc::ClientContext anonymous_context;
  *request.mutable_feedback() = Make("anon-1");
  EXPECT_EQ(anonymous->SubmitFeedback(&anonymous_context, request, &submitted).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext anonymous_batch;
  EXPECT_EQ(anonymous->BatchSubmitFeedback(&anonymous_batch, batch, &batched).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext person_context;
  voc::testing::ActFor(person_context, "p-emily-carter");
  *request.mutable_feedback() = Make("person-1");
  EXPECT_EQ(StubFor("gateway")->SubmitFeedback(&person_context, request, &submitted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListedCount(), 2);
}

TEST_P(IngestIntegrationTest, PageTokensAreOpaqueAndBoundToTheFilter) {
  for (int i = 0; i < 3; ++i) {
    voc::v1::SubmitFeedbackResponse response;
    ASSERT_TRUE(Submit(Make("p-" + std::to_string(i)), &response).ok());
  }
  voc::v1::ListFeedbackRequest list;
  list.set_page_size(2);
  list.set_customer_id("c-1");
  voc::v1::ListFeedbackResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListFeedback(&context, list, &page).ok());
  }
  ASSERT_FALSE(page.next_page_token().empty());

  list.set_customer_id("c-2");  // another filter, same token
  list.set_page_token(page.next_page_token());
  grpc::ClientContext context;
  voc::v1::ListFeedbackResponse refused;
  const auto status = stub_->ListFeedback(&context, list, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("page_token:", 0), 0u) << status.error_message();
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestIntegrationTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// ---- two replicas' relays on one PostgreSQL database ----

// Something one thread waits for and another announces; the wait gives up
// after a generous limit so a broken claim fails the test instead of
// hanging it.
class Signal {
 public:
  void Raise() {
    {
      std::lock_guard lock(mu_);
      raised_ = true;
    }
    cv_.notify_all();
  }
  bool Wait(std::chrono::milliseconds limit = 30s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return raised_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool raised_ = false;
};

// One replica's publisher: real Redis, plus a hook that runs while the
// relay holds its first claimed batch, and optionally a first batch of which
// Redis takes only the first `first_batch_accepts` items (the rest is never
// sent, as when the connection drops mid-pipeline).
class ReplicaPublisher final : public voc::queue::Publisher {
 public:
  explicit ReplicaPublisher(voc::queue::RedisOptions redis)
      : redis_(std::move(redis), voc::queue::kFeedbackStream) {}
  std::size_t Publish(const std::vector<voc::queue::MessageFields>& batch) override {
    const bool first = calls_++ == 0;
    if (first && on_first_batch) on_first_batch();
    std::vector<voc::queue::MessageFields> sent = batch;
    if (first && first_batch_accepts && *first_batch_accepts < sent.size()) sent.resize(*first_batch_accepts);
    const std::size_t accepted = redis_.Publish(sent);
    published += accepted;
    if (accepted > 0 && after_publish) after_publish();
    return accepted;
  }
  std::function<void()> on_first_batch;
  std::function<void()> after_publish;
  std::optional<std::size_t> first_batch_accepts;
  std::atomic<std::size_t> published{0};

 private:
  int calls_ = 0;  // the relay runs one pass at a time
  voc::queue::StreamPublisher redis_;
};

class IngestRelayReplicasTest : public ::testing::Test {
 protected:
  static constexpr int kRows = 2000;
  static constexpr int kBatch = 50;

  struct Replica {
    std::unique_ptr<voc::storage::Database> db;
    std::unique_ptr<IngestStore> store;
    std::unique_ptr<ReplicaPublisher> publisher;
    std::unique_ptr<voc::storage::OutboxRelay> relay;
  };

  void SetUp() override {
    if (!voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
    postgres_ = std::make_unique<voc::testing::PostgresServer>();
    postgres_->CreateDatabase("ingest");
    auto opened_db = voc::storage::Database::Open(postgres_->Url("ingest"));
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate(kIngestSchema, IngestMigrations()).status(), absl::OkStatus());
    store_ = std::make_unique<IngestStore>(*db_);
    std::vector<voc::v1::Feedback> rows;
    for (int i = 0; i < kRows; ++i) {
      auto f = Make("replica-" + std::to_string(i));
      f.set_id("fb-" + std::to_string(10000 + i));
      f.set_name("feedback/" + f.id());
      *f.mutable_received_time() = MillisToProto(1'795'000'000'000 + i);
      *f.mutable_occurred_time() = f.received_time();
      rows.push_back(std::move(f));
      if (rows.size() == 500) {
        ASSERT_TRUE(store_->InsertOrGet(rows).ok());
        rows.clear();
      }
    }
    ASSERT_EQ(Unqueued(*store_), kRows);
    for (Replica* r : {&a_, &b_}) {
      auto opened_r_db = voc::storage::Database::Open(postgres_->Url("ingest"), 2);
      ASSERT_TRUE(opened_r_db.ok()) << opened_r_db.status();
      r->db = *std::move(opened_r_db);
      r->store = std::make_unique<IngestStore>(*r->db);
      voc::queue::RedisOptions redis;
      redis.port = redis_.port();
      r->publisher = std::make_unique<ReplicaPublisher>(redis);
      r->relay = MakeRelay(*r->store, *r->publisher, clock_, kBatch);
    }
  }

  // Relays until nothing is unqueued (the other replica may still hold the
  // last rows for a moment). Returns the rows this relay marked.
  static std::size_t RelayUntilDone(Replica& r) {
    std::size_t relayed = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (Unqueued(*r.store) > 0 && std::chrono::steady_clock::now() < deadline) {
      relayed += r.relay->RelayPending();
    }
    return relayed;
  }

  // feedback_id -> how many times it is on voc:feedback.
  std::map<std::string, int> StreamCounts() {
    voc::queue::RedisOptions options;
    options.port = redis_.port();
    voc::queue::RedisClient client(options);
    auto reply = client.Command({"XRANGE", voc::queue::kFeedbackStream, "-", "+"});
    std::map<std::string, int> counts;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) return counts;
    for (const auto& m : voc::queue::ParseEntries(reply.get())) ++counts[m.fields.at("feedback_id")];
    return counts;
  }

  void ExpectEveryRowOnTheStreamOnce() {
    const auto counts = StreamCounts();
    EXPECT_EQ(counts.size(), static_cast<std::size_t>(kRows));
    int repeated = 0;
    for (const auto& [id, n] : counts) repeated += n != 1;
    EXPECT_EQ(repeated, 0) << "rows appended more than once";
    EXPECT_EQ(Unqueued(*store_), 0);
  }

  voc::testing::RedisServer redis_;
  std::unique_ptr<voc::testing::PostgresServer> postgres_;
  FakeClock clock_{FromMillis(1'795'000'000'000)};
  std::unique_ptr<voc::storage::Database> db_;
  std::unique_ptr<IngestStore> store_;
  Replica a_, b_;
};

TEST_F(IngestRelayReplicasTest, TwoRelaysTakeDisjointBatchesAndAppendEachRowOnce) {
  // Relay A claims a batch and holds it (its rows locked) until relay B has
  // appended a batch of its own: B must skip A's rows, not wait for them and
  // not take them too. After that both run freely over the rest.
  Signal a_holds_batch, b_appended;
  bool b_went_past_a = false;
  a_.publisher->on_first_batch = [&] {
    a_holds_batch.Raise();
    b_went_past_a = b_appended.Wait();
  };
  b_.publisher->after_publish = [&] { b_appended.Raise(); };

  std::size_t relayed_a = 0, relayed_b = 0;
  std::thread ta([&] { relayed_a = RelayUntilDone(a_); });
  std::thread tb([&] {
    a_holds_batch.Wait();
    relayed_b = RelayUntilDone(b_);
  });
  ta.join();
  tb.join();

  EXPECT_TRUE(b_went_past_a) << "relay B did not get past the rows relay A held";
  EXPECT_GT(relayed_a, 0u);
  EXPECT_GT(relayed_b, 0u);
  EXPECT_EQ(relayed_a + relayed_b, static_cast<std::size_t>(kRows));
  EXPECT_EQ(a_.publisher->published + b_.publisher->published, static_cast<std::size_t>(kRows));
  ExpectEveryRowOnTheStreamOnce();
}

TEST_F(IngestRelayReplicasTest, RowsRedisDidNotTakeStayUnqueuedAndGoOutOnce) {
  // A's first batch: Redis takes 20 of 50. Those 20 are queued, the other
  // 30 are released unqueued, and the next passes (of either relay) append
  // them, once.
  a_.publisher->first_batch_accepts = 20;
  EXPECT_EQ(a_.relay->RelayPending(), 20u);
  EXPECT_TRUE(a_.relay->last_pass_failed());
  EXPECT_EQ(Unqueued(*store_), kRows - 20);
  EXPECT_EQ(StreamCounts().size(), 20u);

  std::size_t relayed_a = 0, relayed_b = 0;
  std::thread ta([&] { relayed_a = RelayUntilDone(a_); });
  std::thread tb([&] { relayed_b = RelayUntilDone(b_); });
  ta.join();
  tb.join();
  EXPECT_EQ(relayed_a + relayed_b, static_cast<std::size_t>(kRows - 20));
  ExpectEveryRowOnTheStreamOnce();
}

}  // namespace
}  // namespace voc::ingest
