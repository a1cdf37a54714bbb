// voc-identity's store on SQLite and PostgreSQL (when installed): the same
// SQL on both for accounts (unique user names and persons), sessions ended
// with their account, API keys by hash and revocation, the failed-login
// window and lock, and the audit log (idempotent, newest first, paged).
#include <gtest/gtest.h>

#include "services/identity/store/identity_store.h"
#include "services/identity/store/migrations.h"
#include "tests/support/servers.h"

namespace voc::identity {
namespace {

enum class Backend { kSqlite, kPostgres };

v1::AuditEvent Event(const std::string& id, std::int64_t ms, const std::string& kind) {
  v1::AuditEvent e;
  e.set_id(id);
  e.mutable_time()->set_seconds(ms / 1000);
  e.mutable_time()->set_nanos(static_cast<int>(ms % 1000) * 1000000);
  e.set_kind(kind);
  e.set_principal("person:p-wang-lei");
  e.set_service("tracking");
  return e;
}

class IdentityStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<testing::PostgresServer>();
      const std::string dbname = "identity_" + std::to_string(++database_counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/identity.db";
    }
    auto opened = storage::Database::Open(url);
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = *std::move(opened);
    ASSERT_TRUE(db_->Migrate("identity", Migrations()).ok());
    store_ = std::make_unique<IdentityStore>(*db_);
  }

  static AccountRecord Account(const std::string& username, const std::string& person) {
    AccountRecord a;
    a.username = username;
    a.person_id = person;
    a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";
    a.created_ms = a.password_changed_ms = 1000;
    a.created_by = "key:admin";
    return a;
  }

  static inline std::unique_ptr<testing::PostgresServer> postgres_;
  static inline int database_counter_ = 0;
  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<IdentityStore> store_;
};

TEST_P(IdentityStoreTest, AccountsAreUniqueByNameAndByPersonAndDisablingEndsSessions) {
  ASSERT_TRUE(store_->CreateAccount(Account("wang.lei", "p-wang-lei")).ok());
  EXPECT_EQ(store_->CreateAccount(Account("wang.lei", "p-xu-gang")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateAccount(Account("other", "p-wang-lei")).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->CreateAccount(Account("xu.gang", "p-xu-gang")).ok());

  for (const char* id : {"s1", "s2"}) {
    ASSERT_TRUE(store_->InsertSession({id, "wang.lei", "csrf", 1000, 1000, false}).ok());
  }
  ASSERT_TRUE(store_->InsertSession({"s3", "xu.gang", "csrf", 1000, 1000, false}).ok());
  ASSERT_TRUE(store_->TouchSession("s1", 5000).ok());
  EXPECT_EQ(store_->FindSession("s1").value()->last_seen_ms, 5000);
  ASSERT_TRUE(store_->TouchSession("s1", 4000).ok());  // never backwards
  EXPECT_EQ(store_->FindSession("s1").value()->last_seen_ms, 5000);

  EXPECT_TRUE(store_->SetDisabled("wang.lei", true).value());
  EXPECT_FALSE(store_->SetDisabled("nobody", true).value());
  EXPECT_TRUE(store_->FindAccount("wang.lei").value()->disabled);
  EXPECT_TRUE(store_->FindSession("s1").value()->ended);
  EXPECT_TRUE(store_->FindSession("s2").value()->ended);
  EXPECT_FALSE(store_->FindSession("s3").value()->ended);

  EXPECT_TRUE(store_->SetPassword("xu.gang", "new-hash", 9000).value());
  EXPECT_TRUE(store_->FindSession("s3").value()->ended);
  EXPECT_EQ(store_->FindAccount("xu.gang").value()->password_hash, "new-hash");
  EXPECT_FALSE(store_->EndSession("s3").value());  // already ended

  ASSERT_TRUE(store_->RecordLogin("xu.gang", 9500).ok());
  EXPECT_EQ(store_->FindAccount("xu.gang").value()->last_login_ms, 9500);
  auto first = store_->ListAccounts("", 1).value();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].username, "wang.lei");
  auto rest = store_->ListAccounts("wang.lei", 10).value();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].username, "xu.gang");
}

TEST_P(IdentityStoreTest, KeysAreFoundByHashAndRevokedOnce) {
  ApiKeyRecord key{"0123456789ab", "hash-1", "crm", {"cases:read", "feedback:write"}, 1000, 0, "key:admin", 0};
  ASSERT_TRUE(store_->InsertApiKey(key).ok());
  EXPECT_EQ(store_->InsertApiKey(key).code(), absl::StatusCode::kAlreadyExists);
  ApiKeyRecord second{"ba9876543210", "hash-2", "crm", {"admin"}, 2000, 0, "key:admin", 0};
  ASSERT_TRUE(store_->InsertApiKey(second).ok());
  auto found = store_->FindApiKeyByHash("hash-1").value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->key_id, "0123456789ab");
  EXPECT_EQ(found->scopes, (std::vector<std::string>{"cases:read", "feedback:write"}));
  EXPECT_EQ(store_->ActiveApiKeysNamed("crm").value().size(), 2u);
  EXPECT_TRUE(store_->RevokeApiKey("0123456789ab", 3000).value());
  EXPECT_FALSE(store_->RevokeApiKey("0123456789ab", 4000).value());
  EXPECT_EQ(store_->FindApiKey("0123456789ab").value()->revoked_ms, 3000);
  EXPECT_EQ(store_->ListApiKeys(false, -1, "", 10).value().size(), 1u);
  auto all = store_->ListApiKeys(true, -1, "", 1).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_id, "0123456789ab");
  auto next = store_->ListApiKeys(true, all[0].created_ms, all[0].key_id, 10).value();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].key_id, "ba9876543210");
  ASSERT_TRUE(store_->TouchApiKey("ba9876543210", 5000).ok());
  EXPECT_EQ(store_->FindApiKey("ba9876543210").value()->last_used_ms, 5000);
}

TEST_P(IdentityStoreTest, FailuresCountInAWindowAndLockAtTheLimit) {
  const std::int64_t window = 15 * 60 * 1000;
  std::int64_t t = 1000000;
  for (int i = 1; i <= 4; ++i) {
    auto state = store_->RecordFailure("account:x", t + i, window, 5).value();
    EXPECT_EQ(state.failures, i);
    EXPECT_EQ(state.window_start_ms, t + 1);
    EXPECT_EQ(state.locked_until_ms, 0);
  }
  auto locked = store_->RecordFailure("account:x", t + 5, window, 5).value();
  EXPECT_EQ(locked.failures, 5);
  EXPECT_EQ(locked.locked_until_ms, t + 5 + window);
  EXPECT_EQ(store_->ReadFailures("account:x").value().locked_until_ms, t + 5 + window);
  // A failure after the window starts a new one.
  auto fresh = store_->RecordFailure("account:x", t + 1 + window, window, 5).value();
  EXPECT_EQ(fresh.failures, 1);
  EXPECT_EQ(fresh.window_start_ms, t + 1 + window);
  ASSERT_TRUE(store_->ClearFailures("account:x").ok());
  EXPECT_EQ(store_->ReadFailures("account:x").value().failures, 0);
}

TEST_P(IdentityStoreTest, AuditEventsAreStoredOnceAndListedNewestFirst) {
  EXPECT_EQ(store_->InsertAuditEvents({Event("a", 1000, "login"), Event("b", 2000, "logout"),
                                       Event("c", 2000, "login"), Event("a", 1000, "login")})
                .value(),
            3);
  EXPECT_EQ(store_->InsertAuditEvents({Event("b", 2000, "logout")}).value(), 0);
  auto page = store_->ListAuditEvents("", "", false, 0, "", 2).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id(), "c");
  EXPECT_EQ(page[1].id(), "b");
  auto rest = store_->ListAuditEvents("", "", true, 2000, "b", 10).value();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id(), "a");
  EXPECT_EQ(rest[0].service(), "tracking");
  EXPECT_EQ(store_->ListAuditEvents("login", "", false, 0, "", 10).value().size(), 2u);
  EXPECT_EQ(store_->ListAuditEvents("login", "person:p-wang-lei", false, 0, "", 10).value().size(), 2u);
  EXPECT_EQ(store_->ListAuditEvents("", "person:p-xu-gang", false, 0, "", 10).value().size(), 0u);
}

TEST_P(IdentityStoreTest, PurgingDeletesOnlyWhatCanNeverBeUsedAgain) {
  ASSERT_TRUE(store_->CreateAccount(Account("wang.lei", "p-wang-lei")).ok());
  ASSERT_TRUE(store_->InsertSession({"live", "wang.lei", "c", 9000, 9500, false}).ok());
  ASSERT_TRUE(store_->InsertSession({"ended", "wang.lei", "c", 9000, 9500, false}).ok());
  ASSERT_TRUE(store_->EndSession("ended").value());
  ASSERT_TRUE(store_->InsertSession({"idle", "wang.lei", "c", 9000, 8000, false}).ok());
  ASSERT_TRUE(store_->InsertSession({"old", "wang.lei", "c", 1000, 9900, false}).ok());
  ASSERT_TRUE(store_->RecordFailure("account:stale", 1000, 500, 5).ok());
  ASSERT_TRUE(store_->RecordFailure("account:recent", 9800, 500, 5).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->RecordFailure("account:locked", 1000, 100000, 5).ok());
  // now 10000; idle since before 9000, created before 5000, windows begun before 9500.
  const auto purged = store_->PurgeExpired(10000, 9000, 5000, 9500).value();
  EXPECT_EQ(purged.rows, 4);
  // The two that timed out without being ended, oldest first; "ended" is not among them.
  ASSERT_EQ(purged.expired.size(), 2u);
  EXPECT_EQ(purged.expired[0].username, "wang.lei");
  EXPECT_EQ(purged.expired[0].person_id, "p-wang-lei");
  EXPECT_TRUE(purged.expired[0].absolute);   // "old": created at 1000
  EXPECT_FALSE(purged.expired[1].absolute);  // "idle": last seen at 8000
  EXPECT_TRUE(store_->FindSession("live").value().has_value());
  for (const char* gone : {"ended", "idle", "old"}) EXPECT_FALSE(store_->FindSession(gone).value().has_value()) << gone;
  EXPECT_EQ(store_->ReadFailures("account:stale").value().failures, 0);
  EXPECT_EQ(store_->ReadFailures("account:recent").value().failures, 1);
  EXPECT_EQ(store_->ReadFailures("account:locked").value().failures, 5);  // still locked until 101000
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityStoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::identity
