// common/storage on both backends: SQLite (embedded default) and a real
// PostgreSQL started by the test.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "common/storage/database.h"
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
  auto db = Database::Open(url_);
  EXPECT_EQ(db->Migrate("test", TestMigrations()), 2);
  // A second start finds nothing to do.
  EXPECT_EQ(db->Migrate("test", TestMigrations()), 2);
  db->InTransaction([](soci::session& s) {
    s << "INSERT INTO items (id, body, created_ms) VALUES ('a', '快递三天没到', 1)";
  });
  std::string state, body;
  db->WithSession([&](soci::session& s) { s << "SELECT state, body FROM items WHERE id = 'a'", soci::into(state), soci::into(body); });
  EXPECT_EQ(state, "open");
  EXPECT_EQ(body, "快递三天没到");
}

TEST_P(StorageTest, InsertOnConflictDoNothingIsIdempotent) {
  auto db = Database::Open(url_);
  db->Migrate("test", TestMigrations());
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
  auto db = Database::Open(url_);
  db->Migrate("test", TestMigrations());
  EXPECT_THROW(db->InTransaction([](soci::session& s) {
    s << "INSERT INTO items (id, body, created_ms) VALUES ('z', 'x', 1)";
    throw std::runtime_error("handler failed half way");
  }), std::runtime_error);
  int count = -1;
  db->WithSession([&](soci::session& s) { s << "SELECT COUNT(*) FROM items", soci::into(count); });
  EXPECT_EQ(count, 0);
}

TEST_P(StorageTest, BrokenMigrationIsReportedAndNotRecorded) {
  auto db = Database::Open(url_);
  std::vector<Migration> broken = {{1, "bad sql", {"CREATE TABLE ("}}};
  EXPECT_THROW(db->Migrate("broken", broken), StorageError);
  int count = -1;
  db->WithSession([&](soci::session& s) { s << "SELECT COUNT(*) FROM broken_migrations", soci::into(count); });
  EXPECT_EQ(count, 0);
}

// A Kubernetes rollout starts several replicas at once on one PostgreSQL.
// Replica A is held inside migration 1 (its INSERT waits for a table lock the
// test holds) while replica B starts: B must wait for A and then find nothing
// to do, instead of applying migration 1 a second time and failing.
TEST_P(StorageTest, ReplicasStartingTogetherMigrateOnce) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "one process per SQLite file";
  auto gatekeeper = Database::Open(url_);
  gatekeeper->InTransaction([](soci::session& s) { s << "CREATE TABLE gate (n INTEGER)"; });
  std::vector<Migration> migrations = TestMigrations();
  migrations[0].statements.push_back("INSERT INTO gate (n) VALUES (1)");

  auto gate_keeper_session = Database::Open(url_, 1);
  auto replica_a = Database::Open(url_), replica_b = Database::Open(url_);
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
  std::future<int> a, b;
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
  EXPECT_EQ(a.get(), 2);
  EXPECT_EQ(b.get(), 2);  // throws StorageError (duplicate table) without the lock
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
  try {
    ParseDatabaseUrl("mysql://user password=secret");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace voc::storage
