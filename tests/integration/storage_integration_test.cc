// common/storage on both backends: SQLite (embedded default) and a real
// PostgreSQL started by the test.
#include <gtest/gtest.h>

#include <memory>

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
