// common/storage on both backends: SQLite (embedded default) and a real
// PostgreSQL started by the test.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "common/storage/backend.h"
#include "common/storage/bound_select.h"
#include "common/storage/database.h"
#include "common/storage/plan.h"
#include "tests/support/servers.h"

namespace voc::storage {
namespace {

std::vector<Migration> TestMigrations() {
  return {
      {1, "create items", {"CREATE TABLE items (id TEXT PRIMARY KEY, body TEXT NOT NULL, created_ms BIGINT NOT NULL)"}},
      {2, "add state", {"ALTER TABLE items ADD COLUMN state TEXT NOT NULL DEFAULT 'open'"}},
  };
}

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite3://" + dir_.path() + "/test.db";
    } else {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("voc_test");
      url_ = postgres_->Url("voc_test");
    }
  }
  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  std::string url_;
};

TEST_P(StorageTest, MigrationsApplyOnceAndInOrder) {
  auto opened = Database::Open(url_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto db = *std::move(opened);
  EXPECT_EQ(db->Migrate("test", TestMigrations()).value_or(-1), 2);
  // A second start finds nothing to do.
  EXPECT_EQ(db->Migrate("test", TestMigrations()).value_or(-1), 2);
  db->InTransaction([](soci::session& s) {
    s << "INSERT INTO items (id, body, created_ms) VALUES ('a', '快递三天没到', 1)";
  });
  std::string state, body;
  db->WithSession([&](soci::session& s) { s << "SELECT state, body FROM items WHERE id = 'a'", soci::into(state), soci::into(body); });
  EXPECT_EQ(state, "open");
  EXPECT_EQ(body, "快递三天没到");
}

TEST_P(StorageTest, InsertOnConflictDoNothingIsIdempotent) {
  auto opened = Database::Open(url_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto db = *std::move(opened);
  ASSERT_EQ(db->Migrate("test", TestMigrations()).status(), absl::OkStatus());
  for (int i = 0; i < 2; ++i) {
    db->InTransaction([](soci::session& s) {
      s << "INSERT INTO items (id, body, created_ms) VALUES ('k', 'x', 1) ON CONFLICT DO NOTHING";
    });
  }
  int count = 0;
  db->WithSession([&](soci::session& s) { s << "SELECT COUNT(*) FROM items", soci::into(count); });
  EXPECT_EQ(count, 1);
}

TEST_P(StorageTest, AFailedTransactionLeavesNoTrace) {
  auto opened = Database::Open(url_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto db = *std::move(opened);
  ASSERT_EQ(db->Migrate("test", TestMigrations()).status(), absl::OkStatus());
  EXPECT_THROW(db->InTransaction([](soci::session& s) {
    s << "INSERT INTO items (id, body, created_ms) VALUES ('z', 'x', 1)";
    throw std::runtime_error("handler failed half way");
  }), std::runtime_error);
  int count = -1;
  db->WithSession([&](soci::session& s) { s << "SELECT COUNT(*) FROM items", soci::into(count); });
  EXPECT_EQ(count, 0);
}

TEST_P(StorageTest, BrokenMigrationIsReportedAndNotRecorded) {
  auto opened = Database::Open(url_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto db = *std::move(opened);
  std::vector<Migration> broken = {{1, "bad sql", {"CREATE TABLE ("}}};
  const absl::StatusOr<int> migrated = db->Migrate("broken", broken);
  // A syntax error is a bug, not an outage: INTERNAL, naming the schema.
  EXPECT_EQ(migrated.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(migrated.status().message().find("migrating schema broken"), absl::string_view::npos)
      << migrated.status();
  int count = -1;
  db->WithSession([&](soci::session& s) { s << "SELECT COUNT(*) FROM broken_migrations", soci::into(count); });
  EXPECT_EQ(count, 0);
}

// IsSqlite / IsPostgres name the session's backend, and ExplainPlan reads its
// plan of a statement (built at run time, or with values bound by the
// caller) as one line a step, through the index the statement was written for.
TEST_P(StorageTest, ThePlanOfAStatementIsReadTheSameWayOnBothBackends) {
  auto db = Database::Open(url_).value();
  ASSERT_EQ(db->Migrate("test", TestMigrations()).status(), absl::OkStatus());
  const bool sqlite = GetParam() == "sqlite";
  db->InTransaction([&](soci::session& s) {
    EXPECT_EQ(IsSqlite(s), sqlite);
    EXPECT_EQ(IsPostgres(s), !sqlite);
    s << "CREATE INDEX items_created ON items (created_ms)";
    for (int i = 0; i < 50; ++i) {
      s << "INSERT INTO items (id, body, created_ms) VALUES ('i" + std::to_string(i) + "', 'x', " +
               std::to_string(i) + ")";
    }
    // Fifty rows are cheaper to scan: PostgreSQL is told scans are dear.
    if (!sqlite) {
      s << "SET LOCAL enable_seqscan = off";
      s << "SET LOCAL enable_bitmapscan = off";
    }
    BoundSelect built;
    built.Append("SELECT id FROM items WHERE created_ms >= " + built.Param(10LL) + " ORDER BY created_ms");
    long long from = 10;
    const std::vector<std::vector<std::string>> plans = {
        ExplainPlan(s, built),
        ExplainPlan(s, "SELECT id FROM items WHERE created_ms >= :from ORDER BY created_ms",
                    [&](auto& query) { query, soci::use(from); })};
    for (const std::vector<std::string>& plan : plans) {
      const std::string text = PlanText(plan);
      ASSERT_FALSE(plan.empty());
      for (const std::string& line : plan) EXPECT_FALSE(line.empty()) << text;
      if (sqlite) {
        EXPECT_NE(text.find("SEARCH items USING INDEX items_created"), std::string::npos) << text;
        EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << text;
      } else {
        EXPECT_NE(text.find("Index Scan using items_created on items"), std::string::npos) << text;
        EXPECT_EQ(text.find("Sort"), std::string::npos) << text;
      }
    }
  });
  EXPECT_EQ(PlanText({"a", "b"}), "a\nb\n");
  EXPECT_EQ(PlanText({}), "");
}

// A Kubernetes rollout starts several replicas at once on one PostgreSQL.
// Replica A is held inside migration 1 (its INSERT waits for a table lock the
// test holds) while replica B starts: B must wait for A and then find nothing
// to do, instead of applying migration 1 a second time and failing.
TEST_P(StorageTest, ReplicasStartingTogetherMigrateOnce) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "one process per SQLite file";
  auto open = [&](int pool_size) {
    auto db = Database::Open(url_, pool_size);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  };
  auto gatekeeper = open(4);
  ASSERT_NE(gatekeeper, nullptr);
  gatekeeper->InTransaction([](soci::session& s) { s << "CREATE TABLE gate (n INTEGER)"; });
  std::vector<Migration> migrations = TestMigrations();
  migrations[0].statements.push_back("INSERT INTO gate (n) VALUES (1)");

  auto gate_keeper_session = open(1);
  auto replica_a = open(4), replica_b = open(4);
  ASSERT_TRUE(gate_keeper_session && replica_a && replica_b);
  auto waiting_sessions = [&] {
    long long waiting = 0;
    gatekeeper->WithSession([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          soci::into(waiting);
    });
    return waiting;
  };
  auto wait_for = [&](long long sessions) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (waiting_sessions() < sessions && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return waiting_sessions() >= sessions;
  };
  std::future<absl::StatusOr<int>> a, b;
  gate_keeper_session->WithSession([&](soci::session& gate) {
    soci::transaction held(gate);
    gate << "LOCK TABLE gate IN ACCESS EXCLUSIVE MODE";
    a = std::async(std::launch::async, [&] { return replica_a->Migrate("test", migrations); });
    ASSERT_TRUE(wait_for(1)) << "replica A never reached the gate";
    b = std::async(std::launch::async, [&] { return replica_b->Migrate("test", migrations); });
    ASSERT_TRUE(wait_for(2)) << "replica B neither waited nor failed";
    held.commit();
  });
  ASSERT_TRUE(a.valid() && b.valid());
  const absl::StatusOr<int> version_a = a.get(), version_b = b.get();
  EXPECT_EQ(version_a.value_or(-1), 2) << version_a.status();
  EXPECT_EQ(version_b.value_or(-1), 2) << version_b.status();  // fails (duplicate table) without the lock
  int applied = 0, gate_rows = 0;
  gatekeeper->WithSession([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM test_migrations", soci::into(applied);
    s << "SELECT COUNT(*) FROM gate", soci::into(gate_rows);
  });
  EXPECT_EQ(applied, 2);
  EXPECT_EQ(gate_rows, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::Values("sqlite", "postgresql"));

TEST(DatabaseUrlTest, RejectsUnknownSchemesWithoutLeakingPasswords) {
  const absl::StatusOr<ParsedUrl> parsed = ParseDatabaseUrl("mysql://user password=secret");
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message().find("secret"), absl::string_view::npos);
  EXPECT_NE(parsed.status().message().find("mysql://user password=***"), absl::string_view::npos);
}

TEST(DatabaseUrlTest, OpenRefusesAMalformedUrlNamingItWithoutThePassword) {
  const auto db = Database::Open("mysql://user password=secret");
  ASSERT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db.status().message().find("secret"), absl::string_view::npos);
  EXPECT_NE(db.status().message().find("mysql://user"), absl::string_view::npos);
}

TEST(DatabaseOpenTest, AnUnopenableSqliteFileIsUnavailable) {
  testing::TempDir dir;
  // A folder where the file should be: SQLite cannot open it.
  const auto db = Database::Open("sqlite3://" + dir.path(), 1);
  ASSERT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_NE(db.status().message().find("cannot open database sqlite3://" + dir.path()), absl::string_view::npos)
      << db.status();
}

}  // namespace
}  // namespace voc::storage
