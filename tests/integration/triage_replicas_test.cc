// Triage on many replicas (docs/architecture.md, "Triage on many replicas"):
// two TriageService + TriageConsumer instances, each with its own
// connection pool, analyser, cluster index and weak-signal detector, share
// one PostgreSQL database and one consumer group on one stream of
// near-duplicate complaints (well-separated groups of paraphrases, zh and
// en). They must give the same clusters (members, sizes, one id each) and
// the same emerging signals as a single replica given the same stream, and
// either replica must answer the lists with both replicas' feedback.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/triage_consumer.h"
#include "services/triage/triage_service.h"
#include "tests/support/servers.h"

namespace voc::triage {
namespace {

// Groups of paraphrases: every text of a group is a near-duplicate of the
// others, and no two groups share much.
const std::vector<std::vector<std::string>>& ParaphraseGroups() {
  static const std::vector<std::vector<std::string>> groups = {
      {"快递三天了还没到，物流信息一直不更新，太慢了", "快递三天还没到，物流信息也一直不更新，太慢了吧",
       "快递三天还没到，物流信息一直都不更新，太慢了", "快递都三天了还没到，物流信息一直不更新，太慢了",
       "快递三天还没到啊，物流信息一直不更新，真的太慢了"},
      {"app更新以后一登录就闪退，根本用不了", "app更新以后一登录就闪退，完全用不了",
       "app更新之后一登录就闪退，根本用不了", "app更新以后一登录就闪退，根本没法用了",
       "新版app更新以后一登录就闪退，根本用不了"},
      {"the battery drains completely overnight even when the phone is switched off",
       "battery drains completely overnight even when the phone is switched off, terrible",
       "my battery drains completely overnight even when the phone is switched off",
       "the battery drains completely overnight even when my phone is switched off",
       "the battery still drains completely overnight even when the phone is switched off"},
      {"customer service hung up on me twice and never called back about my refund",
       "customer service hung up on me twice and never called back about the refund",
       "customer service hung up on me twice and they never called back about my refund",
       "the customer service hung up on me twice and never called back about my refund",
       "customer service hung up on me twice and never ever called back about my refund"},
  };
  return groups;
}

constexpr std::int64_t kNowMs = 1764028800000;  // 2025-11-25T00:00Z, the start of "today"

struct Message {
  std::string id, text;
  std::int64_t occurred_ms;
};

// The stream: a month of one steady complaint (the signals' history), then
// the paraphrase groups interleaved, today.
std::vector<Message> Stream() {
  std::vector<Message> out;
  for (int day = 20; day >= 1; --day)
    out.push_back({"history-" + std::to_string(day), "客服态度很差，问题一直没解决", kNowMs - day * 86400000LL});
  const auto& groups = ParaphraseGroups();
  for (std::size_t k = 0; k < groups[0].size(); ++k)
    for (std::size_t g = 0; g < groups.size(); ++g)
      out.push_back({"g" + std::to_string(g) + "-" + std::to_string(k), groups[g][k],
                     kNowMs + 3600000LL + static_cast<std::int64_t>(k * 60000)});
  return out;
}

// One replica: its own pool, analyser, index, detector, service and consumer.
struct Replica {
  Replica(const std::string& url, const Clock& clock, queue::RedisOptions redis, const std::string& stream,
          const std::string& name) {
    db = storage::Database::Open(url).value();
    db->Migrate("triage", TriageMigrations()).value();
    store = std::make_unique<TriageStore>(*db);
    analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
    WeakSignalOptions signal_options;
    signal_options.groups = DefaultSignalGroups(*analyzer->taxonomy().Current());
    signals = std::make_unique<WeakSignalDetector>(signal_options);
    processor = std::make_unique<TriageProcessor>(*analyzer, *store, clock);
    service = std::make_unique<TriageService>(*processor, *store, signals.get(), clock);
    EXPECT_TRUE(processor->RestoreClusters().ok());
    publisher = std::make_unique<queue::StreamPublisher>(redis, stream + ":triaged");
    queue::ConsumerOptions options;
    options.stream = stream;
    options.group = "triage";
    options.consumer = name;
    options.batch_size = 3;  // small reads, so the replicas interleave
    options.block = std::chrono::milliseconds(20);
    consumer = std::make_unique<TriageConsumer>(*service, *publisher, redis, options);
  }

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<TriageStore> store;
  std::unique_ptr<TriageAnalyzer> analyzer;
  std::unique_ptr<WeakSignalDetector> signals;
  std::unique_ptr<TriageProcessor> processor;
  std::unique_ptr<TriageService> service;
  std::unique_ptr<queue::StreamPublisher> publisher;
  std::unique_ptr<TriageConsumer> consumer;
  int handled = 0;
};

// A cluster as the API tells it: its members (sorted) and its size.
using Partition = std::set<std::pair<std::set<std::string>, std::int64_t>>;

Partition ClustersOf(TriageService& service) {
  Partition out;
  voc::v1::ListClustersRequest request;
  request.set_min_size(1);
  request.set_page_size(100);
  const auto listed = service.ListClusters(request);
  EXPECT_TRUE(listed.ok()) << listed.status();
  if (!listed.ok()) return out;
  EXPECT_TRUE(listed->next_page_token().empty() || listed->clusters_size() < 100);
  for (const auto& c : listed->clusters()) {
    voc::v1::GetClusterRequest get;
    get.set_name(c.name());
    const auto cluster = service.GetCluster(get);
    EXPECT_TRUE(cluster.ok()) << cluster.status();
    if (!cluster.ok()) continue;
    out.insert({{cluster->member_feedback_ids().begin(), cluster->member_feedback_ids().end()}, cluster->size()});
  }
  return out;
}

// Emerging signals as the API tells them (terms, count, expected, p-value).
std::vector<std::string> SignalsOf(TriageService& service) {
  voc::v1::ListEmergingSignalsRequest request;
  request.set_page_size(100);
  const auto listed = service.ListEmergingSignals(request);
  EXPECT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> out;
  if (!listed.ok()) return out;
  for (const auto& s : listed->signals()) {
    std::string line;
    for (const auto& t : s.terms()) line += t + "+";
    line += " count " + std::to_string(s.count()) + " expected " + std::to_string(s.expected()) + " p " +
            std::to_string(s.p_value()) + " since " + std::to_string(ProtoToMillis(s.first_seen_time()));
    out.push_back(line);
  }
  return out;
}

class TriageReplicaClusteringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
    postgres_ = std::make_unique<testing::PostgresServer>();
    redis_.port = redis_server_.port();
  }

  // Puts the stream on Redis as ingest would.
  void Publish(const std::string& stream) {
    queue::StreamProducer producer(redis_, stream);
    for (const Message& m : Stream()) {
      voc::v1::Feedback f;
      f.set_id(m.id);
      f.set_channel(voc::v1::CHANNEL_REVIEW);
      f.set_text(m.text);
      *f.mutable_occurred_time() = MillisToProto(m.occurred_ms);
      std::string bytes;
      f.SerializeToString(&bytes);
      ASSERT_TRUE(producer.Publish({{"feedback_id", m.id}, {"payload", bytes}}));
    }
  }

  std::unique_ptr<Replica> MakeReplica(const std::string& dbname, const std::string& stream, const std::string& name) {
    return std::make_unique<Replica>(postgres_->Url(dbname), clock_, redis_, stream, name);
  }

  long Triaged(const std::string& stream) {
    queue::RedisClient client(redis_);
    auto reply = client.Command({"XLEN", stream + ":triaged"});
    return reply ? static_cast<long>(reply->integer) : -1;
  }

  testing::RedisServer redis_server_;
  queue::RedisOptions redis_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  FakeClock clock_{FromMillis(kNowMs + 6 * 3600000LL)};  // today, after the complaints
};

// The expected clusters: one per paraphrase group, one of the history.
Partition ExpectedClusters() {
  Partition out;
  const auto& groups = ParaphraseGroups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::set<std::string> members;
    for (std::size_t k = 0; k < groups[g].size(); ++k) members.insert("g" + std::to_string(g) + "-" + std::to_string(k));
    out.insert({members, static_cast<std::int64_t>(members.size())});
  }
  std::set<std::string> history;
  for (int day = 20; day >= 1; --day) history.insert("history-" + std::to_string(day));
  out.insert({history, static_cast<std::int64_t>(history.size())});
  return out;
}

TEST_F(TriageReplicaClusteringTest, TwoReplicasTakingTurnsGiveTheClustersAndSignalsOfOne) {
  postgres_->CreateDatabase("single");
  postgres_->CreateDatabase("shared");
  Publish("single:feedback");
  Publish("shared:feedback");
  const long total = static_cast<long>(Stream().size());

  auto single = MakeReplica("single", "single:feedback", "only");
  while (single->consumer->PollOnce() > 0) {
  }
  ASSERT_EQ(Triaged("single:feedback"), total);

  auto a = MakeReplica("shared", "shared:feedback", "a");
  auto b = MakeReplica("shared", "shared:feedback", "b");
  // Turn by turn, a few messages each: every group is split between them.
  for (int turn = 0; turn < 1000 && Triaged("shared:feedback") < total; ++turn) {
    a->handled += a->consumer->PollOnce();
    b->handled += b->consumer->PollOnce();
  }
  ASSERT_EQ(Triaged("shared:feedback"), total);
  EXPECT_GT(a->handled, total / 3);
  EXPECT_GT(b->handled, total / 3);

  const Partition expected = ExpectedClusters();
  EXPECT_EQ(ClustersOf(*single->service), expected);
  // Either replica answers with both replicas' members.
  EXPECT_EQ(ClustersOf(*a->service), expected);
  EXPECT_EQ(ClustersOf(*b->service), expected);

  // Exactly one id per cluster, and no id shared by two clusters.
  std::map<std::string, std::set<std::string>> ids_of_group;
  std::set<std::string> all_ids;
  for (const Message& m : Stream()) {
    const auto stored = a->store->GetResult(m.id).value();
    ASSERT_TRUE(stored.has_value()) << m.id;
    const std::string cluster = stored->triaged.result().cluster_id();
    ids_of_group[m.id.substr(0, m.id.find('-'))].insert(cluster);
    all_ids.insert(cluster);
  }
  for (const auto& [group, ids] : ids_of_group) EXPECT_EQ(ids.size(), 1u) << group;
  EXPECT_EQ(all_ids.size(), ids_of_group.size());

  const auto signals = SignalsOf(*single->service);
  ASSERT_FALSE(signals.empty()) << "the stream should make today's complaints emerge";
  EXPECT_EQ(SignalsOf(*a->service), signals);
  EXPECT_EQ(SignalsOf(*b->service), signals);

  // A replica started now restores the same clusters from the database.
  auto c = MakeReplica("shared", "shared:feedback", "c");
  EXPECT_EQ(ClustersOf(*c->service), expected);
  EXPECT_EQ(SignalsOf(*c->service), signals);
}

TEST_F(TriageReplicaClusteringTest, TwoReplicasRunningAtOnceGiveTheClustersOfOne) {
  postgres_->CreateDatabase("shared");
  Publish("shared:feedback");
  const long total = static_cast<long>(Stream().size());
  auto a = MakeReplica("shared", "shared:feedback", "a");
  auto b = MakeReplica("shared", "shared:feedback", "b");
  std::atomic<bool> done{false};
  auto run = [&](Replica& r) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done && std::chrono::steady_clock::now() < deadline) r.handled += r.consumer->PollOnce();
  };
  std::thread ta([&] { run(*a); });
  std::thread tb([&] { run(*b); });
  for (int i = 0; i < 6000 && Triaged("shared:feedback") < total; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // waits for the work, not for a deadline
  done = true;
  ta.join();
  tb.join();
  ASSERT_EQ(Triaged("shared:feedback"), total);
  EXPECT_EQ(ClustersOf(*a->service), ExpectedClusters());
  EXPECT_EQ(ClustersOf(*b->service), ExpectedClusters());
  EXPECT_EQ(SignalsOf(*a->service), SignalsOf(*b->service));
}

}  // namespace
}  // namespace voc::triage
