// The weekly digest's store on SQLite and PostgreSQL: a digest round-trips
// with its sends counted, recomposing replaces it, lists page by keyset
// newest week first within the caller's scopes, sends are recorded once,
// and the week-done memory; verification's queries the digest reads.
#include <gtest/gtest.h>

#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/verification/digest/digest_store.h"
#include "services/verification/store/migrations.h"
#include "services/verification/store/verification_store.h"
#include "tests/support/servers.h"

namespace voc::verification {
namespace {

class DigestStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      pg_ = std::make_unique<testing::PostgresServer>();
      pg_->CreateDatabase("verification");
      db_ = storage::Database::Open(pg_->Url("verification")).value();
    } else {
      db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db").value();
    }
    ASSERT_TRUE(db_->Migrate("verification", Migrations()).ok());
    store_ = std::make_unique<DigestStore>(*db_);
  }

  static v1::Digest Digest(const std::string& week, const std::string& department, const std::string& subject) {
    v1::Digest d;
    d.set_name("digests/" + week + "/" + (department.empty() ? "company" : department));
    d.set_week_start(week);
    d.set_department(department);
    d.set_subject_zh(subject);
    d.set_subject_en(subject);
    d.set_body_zh("正文");
    d.add_rising_topics()->set_topic("logistics.delay");
    *d.mutable_compose_time() = MillisToProto(1'800'000'000'000);
    return d;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> pg_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<DigestStore> store_;
};

TEST_P(DigestStoreTest, RoundTripsReplacesAndCountsSendsOnce) {
  ASSERT_TRUE(store_->Save(Digest("2026-11-23", "logistics", "old")).ok());
  ASSERT_TRUE(store_->Save(Digest("2026-11-23", "logistics", "新的")).ok());
  EXPECT_TRUE(store_->RecordSend("2026-11-23", "logistics", "p-wang", 1).value());
  EXPECT_FALSE(store_->RecordSend("2026-11-23", "logistics", "p-wang", 2).value());
  EXPECT_TRUE(store_->RecordSend("2026-11-23", "logistics", "p-li", 3).value());
  auto got = store_->Get("2026-11-23", "logistics");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->subject_zh(), "新的");
  EXPECT_EQ(got->body_zh(), "正文");
  EXPECT_EQ(got->rising_topics(0).topic(), "logistics.delay");
  EXPECT_EQ(got->recipients(), 2);
  EXPECT_EQ(store_->SentTo("2026-11-23", "logistics").value(), (std::set<std::string>{"p-li", "p-wang"}));
  auto missing = store_->Get("2026-11-23", "pr");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "digests/2026-11-23/pr not found");
  EXPECT_FALSE(store_->IsWeekDone("2026-11-23").value());
  ASSERT_TRUE(store_->MarkWeekDone("2026-11-23", 5).ok());
  ASSERT_TRUE(store_->MarkWeekDone("2026-11-23", 6).ok());
  EXPECT_TRUE(store_->IsWeekDone("2026-11-23").value());
}

TEST_P(DigestStoreTest, ListsNewestWeekFirstByKeysetWithinScopes) {
  for (const std::string week : {"2026-11-16", "2026-11-23"}) {
    for (const std::string department : {"", "logistics", "pr"}) {
      ASSERT_TRUE(store_->Save(Digest(week, department, week)).ok());
    }
  }
  DigestScopes all{.all = true};
  std::vector<std::string> names;
  std::optional<DigestAfter> after;
  for (int page = 0; page < 4; ++page) {
    auto digests = store_->List(all, 2, after).value();
    for (const auto& d : digests) names.push_back(d.name());
    if (digests.size() < 2) break;
    after = DigestAfter{digests.back().week_start(), digests.back().department()};
  }
  EXPECT_EQ(names, (std::vector<std::string>{"digests/2026-11-23/company", "digests/2026-11-23/logistics",
                                             "digests/2026-11-23/pr", "digests/2026-11-16/company",
                                             "digests/2026-11-16/logistics", "digests/2026-11-16/pr"}));
  auto mine = store_->List(DigestScopes{.departments = {"pr"}}, 10).value();
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].name(), "digests/2026-11-23/pr");
  EXPECT_TRUE(store_->List(DigestScopes{}, 10).value().empty());
}

TEST_P(DigestStoreTest, VerificationQueriesTheDigestReads) {
  VerificationStore verification(*db_);
  KnowledgeRecord older, newer, project;
  older.entry.set_source("cases/c-1");
  *older.entry.mutable_verify_time() = MillisToProto(1000);
  newer.entry.set_source("cases/c-2");
  newer.entry.set_title("newest");
  *newer.entry.mutable_verify_time() = MillisToProto(2000);
  project.entry.set_source("projects/p-1");
  *project.entry.mutable_verify_time() = MillisToProto(2500);
  for (const auto& k : {older, newer, project}) ASSERT_TRUE(verification.UpsertKnowledge(k).ok());
  auto lesson = verification.NewestKnowledgeBetween("cases/", 0, 3000);
  ASSERT_TRUE(lesson.ok()) << lesson.status();
  ASSERT_TRUE(lesson->has_value());
  EXPECT_EQ((*lesson)->source(), "cases/c-2");
  EXPECT_FALSE(verification.NewestKnowledgeBetween("cases/", 2001, 3000).value().has_value());
  EXPECT_TRUE(verification.ListVerdicts(0, 3000, 10, {}, v1::VERIFICATION_STATE_VERIFIED).value().empty());

  // A check verified at 2000 ms is a win of [0, 3000), not of [2001, 3000).
  CheckRecord check;
  check.verification.set_id("v-1");
  check.verification.set_project("projects/p-1");
  check.verification.set_topic("logistics.delay");
  *check.verification.mutable_due_time() = MillisToProto(1500);
  check.project_title = "Faster handover";
  ASSERT_TRUE(verification.InsertScheduledCheck(check, 1000).value());
  check.verification.set_state(v1::VERIFICATION_STATE_VERIFIED);
  *check.verification.mutable_check_time() = MillisToProto(2000);
  check.verification.set_before_share(0.2);
  check.verification.set_after_share(0.05);
  ASSERT_TRUE(verification.RecordVerdict(check, std::nullopt).value());
  auto wins = verification.ListVerdicts(0, 3000, 10, {}, v1::VERIFICATION_STATE_VERIFIED);
  ASSERT_TRUE(wins.ok()) << wins.status();
  ASSERT_EQ(wins->size(), 1u);
  EXPECT_EQ((*wins)[0].project_title, "Faster handover");
  EXPECT_DOUBLE_EQ((*wins)[0].verification.after_share(), 0.05);
  EXPECT_TRUE(verification.ListVerdicts(2001, 3000, 10, {}, v1::VERIFICATION_STATE_VERIFIED).value().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DigestStoreTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace voc::verification
