// Triage's restart on SQLite and PostgreSQL (issue 8, bounded growth): the
// similar-complaint index is restored from cluster_members reading only what
// its caps keep (TriageStore::LoadClusterSnapshot), yet shows the clusters a
// replay of every stored member through the same caps would.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/triage/analysis/clusters/similar_complaints.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/analysis/clusters/same_clusters.h"

namespace voc::triage {
namespace {

enum class Backend { kSqlite, kPostgres };

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z
// Members are stored over ten days; the window is the last seven.
constexpr int kMembers = 12'000;  // more than a PostgreSQL fetch (5,000 rows), so the cursor turns
constexpr std::int64_t kSpanMs = 10 * kDayMs;

struct Row {
  std::string id;
  std::uint64_t cluster_id = 0;
  MinHashSignature signature{};
  std::int64_t seen_ms = 0;
  std::vector<std::string> topics;
  std::string text, best_match;
  long long seq = 0;
};

// A skewed stream: one hot cluster (every 4th member), 30 warm ones (every
// 4th + 1), the rest mostly singletons; each member's best match is the
// previous member of its cluster.
std::vector<Row> Stream() {
  std::vector<Row> rows;
  std::map<std::uint64_t, std::string> last_of;
  std::uint64_t next_single = 1000;
  for (int i = 0; i < kMembers; ++i) {
    Row r;
    r.id = "m" + std::to_string(i);
    r.cluster_id = i % 4 == 0 ? 1 : i % 4 == 1 ? 2 + static_cast<std::uint64_t>(i / 4) % 30 : next_single++;
    r.seen_ms = kDay0 + kSpanMs * i / kMembers;
    r.topics = {i % 3 == 0 ? "logistics.delivery_delay" : "product.quality", "t" + std::to_string(i % 5)};
    r.text = "text " + std::to_string(i) + (i % 7 == 0 ? " 快递太慢" : " 质量很差");
    r.signature = ComputeSignature(r.text);
    if (auto it = last_of.find(r.cluster_id); it != last_of.end()) r.best_match = it->second;
    last_of[r.cluster_id] = r.id;
    r.seq = i + 1;
    rows.push_back(std::move(r));
  }
  return rows;
}

ProcessorOptions Options() {
  ProcessorOptions options;
  options.cluster_window = std::chrono::hours(24 * 7);
  options.clusters.max_members_per_cluster = 50;
  options.clusters.max_members = 2'000;
  return options;
}

class TriageRestoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url = "sqlite3://" + dir_.path() + "/triage.db";
    if (GetParam() == Backend::kPostgres) {
      if (!voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<voc::testing::PostgresServer>();
      const std::string name = "triage_restore_" + std::to_string(++counter_);
      postgres_->CreateDatabase(name);
      url = postgres_->Url(name);
    }
    auto db = storage::Database::Open(url, 2);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("triage", TriageMigrations()).ok());
    store_ = std::make_unique<TriageStore>(*db_);
    rows_ = Stream();
    Insert(rows_);
  }

  void Insert(const std::vector<Row>& rows) {
    db_->InTransaction([&](soci::session& s) {
      for (const Row& r : rows) {
        const std::string signature = EncodeSignature(r.signature);
        const std::string topics = "[\"" + r.topics[0] + "\",\"" + r.topics[1] + "\"]";
        const long long seen = r.seen_ms, cluster = static_cast<long long>(r.cluster_id), seq = r.seq;
        s << "INSERT INTO cluster_members (feedback_id, cluster_id, signature, seen_ms, topics_json, text, seq,"
             " best_match) VALUES (:f, :c, :s, :t, :j, :x, :q, :b)",
            soci::use(r.id), soci::use(cluster), soci::use(signature), soci::use(seen), soci::use(topics),
            soci::use(r.text), soci::use(seq), soci::use(r.best_match);
      }
      const long long last = static_cast<long long>(rows.size());
      s << "UPDATE triage_counters SET value = :v WHERE name = 'member_seq'", soci::use(last);
    });
  }

  // What the index holds after a replay of every stored member inside the
  // window, in order, through the same caps (the restore before issue 8's
  // bounded read), then the window's prune.
  std::unique_ptr<ClusterIndex> Replayed(std::int64_t window_start) const {
    auto index = std::make_unique<ClusterIndex>(Options().clusters);
    for (const Row& r : rows_) {
      if (r.seen_ms < window_start) continue;
      index->Restore(r.id, r.signature, r.cluster_id, r.seen_ms, r.topics, r.text, r.best_match);
    }
    index->PruneBefore(window_start);
    return index;
  }

  static inline std::unique_ptr<voc::testing::PostgresServer> postgres_;
  static inline int counter_ = 0;
  voc::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TriageStore> store_;
  std::vector<Row> rows_;
};

TEST_P(TriageRestoreTest, ARestartReadsOnlyWhatTheCapsKeepAndShowsTheClustersOfAFullReplay) {
  FakeClock clock(FromMillis(kDay0 + kSpanMs));
  const std::int64_t window_start = kDay0 + 3 * kDayMs;
  const auto replayed_index = Replayed(window_start);
  const ClusterIndex& replayed = *replayed_index;
  ASSERT_EQ(replayed.member_count(), 2'000u) << "the overall cap is reached";
  ASSERT_GT(replayed.evicted_count(), 0u);

  // The store hands over just the kept members with their signatures, in
  // their order, and the evicted members of kept clusters without them.
  std::set<std::string> replay_kept;
  for (const auto& c : replayed.List(1)) replay_kept.insert(c.member_ids.begin(), c.member_ids.end());
  ASSERT_EQ(replay_kept.size(), 2'000u);
  std::vector<std::string> kept;
  std::uint64_t last_seq = 0;
  bool in_order = true, evicted_bare = true;
  std::set<std::uint64_t> kept_clusters, evicted_clusters;
  ClusterSnapshotQuery query;
  query.since_ms = window_start;
  query.max_members = Options().clusters.max_members;
  query.max_members_per_cluster = Options().clusters.max_members_per_cluster;
  query.on_kept = [&](StoredClusterMember&& m) {
    in_order = in_order && m.seq > last_seq && !m.signature_hex.empty();
    last_seq = m.seq;
    kept_clusters.insert(m.cluster_id);
    kept.push_back(m.feedback_id);
  };
  query.on_evicted = [&](StoredClusterMember&& m) {
    evicted_bare = evicted_bare && m.signature_hex.empty() && m.text.empty() && m.seen_ms >= window_start;
    evicted_clusters.insert(m.cluster_id);
  };
  const auto snapshot = store_->LoadClusterSnapshot(query);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->kept, 2'000u) << "no more than the overall cap is read";
  EXPECT_EQ(std::set<std::string>(kept.begin(), kept.end()), replay_kept);
  EXPECT_TRUE(in_order) << "oldest first, with their signatures";
  EXPECT_TRUE(evicted_bare);
  EXPECT_TRUE(std::includes(kept_clusters.begin(), kept_clusters.end(), evicted_clusters.begin(),
                            evicted_clusters.end()))
      << "only clusters that keep a member get counts";
  EXPECT_LT(snapshot->kept + snapshot->evicted, 8'400u) << "singletons the cap evicted are not handed over";
  EXPECT_EQ(snapshot->last_seq, static_cast<std::uint64_t>(kMembers));

  // The processor's restart through that read: the same clusters, sizes,
  // first/last seen, kept members and topic counts as the full replay.
  auto analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  TriageProcessor restarted(*analyzer, *store_, clock, Options());
  ASSERT_TRUE(restarted.RestoreClusters().ok());
  const auto hot = restarted.clusters().Get(1);
  ASSERT_TRUE(hot.has_value());
  EXPECT_EQ(hot->member_ids.size(), 50u) << "the per-cluster cap";
  EXPECT_GT(hot->size, 50u) << "evicted members still count";
  ExpectSameClusters(restarted.clusters(), replayed);
}

TEST_P(TriageRestoreTest, WithoutCapsEveryMemberInsideTheWindowIsRestored) {
  const std::int64_t window_start = kDay0 + 3 * kDayMs;
  std::size_t inside = 0;
  for (const Row& r : rows_) inside += r.seen_ms >= window_start;
  std::size_t kept = 0, evicted = 0;
  std::uint64_t last_seq = 0;
  bool in_order = true;
  ClusterSnapshotQuery query;
  query.since_ms = window_start;
  query.on_kept = [&](StoredClusterMember&& m) {
    in_order = in_order && m.seq > last_seq;
    last_seq = m.seq;
    ++kept;
  };
  query.on_evicted = [&](StoredClusterMember&&) { ++evicted; };
  const auto snapshot = store_->LoadClusterSnapshot(query);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(kept, inside);
  EXPECT_EQ(snapshot->kept, inside);
  EXPECT_EQ(evicted, 0u);
  EXPECT_TRUE(in_order);
}

TEST_P(TriageRestoreTest, AReloadingReplicaCountsTheMembersStoredAfterItsCursorAndTheHistory) {
  const std::int64_t window_start = kDay0 + 3 * kDayMs;
  std::vector<std::uint64_t> after;
  ClusterSnapshotQuery query;
  query.since_ms = window_start;
  query.max_members = 10;
  query.on_kept = [](StoredClusterMember&&) {};
  query.on_evicted = [](StoredClusterMember&&) {};
  query.stored_after_seq = kMembers - 25;
  query.on_stored_after = [&](StoredClusterMember&& m) {
    EXPECT_FALSE(m.text.empty());
    after.push_back(m.seq);
  };
  query.with_signals = true;  // no results are stored here: an empty history
  query.signal_start_ms = kDay0;
  query.signal_end_ms = kDay0 + kSpanMs;
  query.max_signal_documents = 100;
  const auto snapshot = store_->LoadClusterSnapshot(query);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->kept, 10u);
  ASSERT_EQ(after.size(), 25u);
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i], kMembers - 24 + i);
  EXPECT_TRUE(snapshot->signal_documents.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, TriageRestoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::triage
