// The daily overdue digest (issue 11) on a real database, SQLite and
// PostgreSQL (started by the test): what a department has overdue, and the
// claim rows of tracking migration 9 that make each department's digest of
// a local day go out once: two digesters with their own connection pools
// (as two tracking replicas) running at the same moment send one digest per
// department; a restarted process sends nothing again; one that died after
// claiming is covered once after the lease; a failed send is retried; the
// next local day has its own digest. Time is a FakeClock.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include <atomic>
#include <map>
#include <thread>

#include "common/clock/clock.h"
#include "common/util/time.h"
#include "services/tracking/overdue_digest.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/overdue_digest_store.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/tracking/test_callers.h"

namespace voc::tracking {
namespace {

enum class Backend { kSqlite, kPostgres };

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
// 2026-12-04 00:00 in Asia/Shanghai (UTC+8, no daylight saving).
constexpr std::int64_t kDec4LocalMidnight = 1'796'342'400'000 - 8 * kHourMs;

// A process dying inside Notifier::Send: not an exception the digester
// handles, so it leaves RunOnce with the digest claimed and not recorded.
struct ProcessKilled {};
class CrashingNotifier final : public Notifier {
 public:
  bool Send(const Notification&) override { throw ProcessKilled{}; }
};

OverdueDigestSettings Settings(int max_cases = 10) {
  return OverdueDigestSettings{8 * 60 + 30, sla::LocalZone::Make("Asia/Shanghai").value(), max_cases};
}

const std::vector<std::string> kDepartments = {"logistics", "product_quality", "store_operations"};

// One "replica": its own pool of connections, store and digester.
struct Replica {
  Replica(const std::string& url, const Clock& clock, Notifier& notifier, int max_cases = 10)
      : db(storage::Database::Open(url, 4).value()),
        store(*db),
        digester(store, clock, notifier, kDepartments, Settings(max_cases)) {}
  std::unique_ptr<storage::Database> db;
  OverdueDigestStore store;
  OverdueDigester digester;
};

class OverdueDigestTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (!::voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<::voc::testing::PostgresServer>();
      const std::string dbname = "digest_" + std::to_string(++database_counter_);
      postgres_->CreateDatabase(dbname);
      url_ = postgres_->Url(dbname);
    } else {
      url_ = "sqlite3://" + dir_.path() + "/tracking.db";
    }
    db_ = storage::Database::Open(url_, 4).value();
    ASSERT_TRUE(db_->Migrate("tracking", TrackingMigrations()).ok());
    store_ = std::make_unique<TrackingStore>(*db_);
    service_ = std::make_unique<TrackingService>(*store_, clock_);
  }

  // A P2 complaint owned by `owners` ((department, person), primary first),
  // its resolution due at `due_ms`.
  std::string OpenCase(const std::string& title, std::vector<std::pair<std::string, std::string>> owners,
                       std::int64_t due_ms) {
    v1::CreateCaseRequest req;
    req.set_request_id("digest-test:" + std::to_string(++case_counter_));
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_COMPLAINT);
    c->set_priority(v1::PRIORITY_P2);
    c->set_feedback_id("fb-" + std::to_string(case_counter_));
    c->set_customer_id("c-1");
    c->set_title(title);
    for (const auto& [department, person] : owners) {
      v1::Owner* o = c->add_owners();
      o->set_department(department);
      o->set_person(person);
    }
    *c->mutable_due_time() = MillisToProto(due_ms);
    auto created = service_->CreateCase(TestSystem(), req);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : "";
  }

  // A resolved case keeps its due moment but is not overdue.
  void MarkResolved(const std::string& id) {
    db_->WithSession([&](soci::session& s) {
      s << "UPDATE cases SET state = 5 WHERE id = :id", soci::use(id);
      s << "UPDATE case_owners SET state = 5 WHERE case_id = :id", soci::use(id);
    });
  }

  long long CountRows(const std::string& sql) {
    long long n = 0;
    db_->WithSession([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }

  void At(std::int64_t local_day_start, int hour, int minute) {
    clock_.Set(FromMillis(local_day_start + hour * kHourMs + minute * kMinuteMs));
  }

  // Logistics: three overdue (one of them co-owned by two of its people, one
  // owned first by product quality), one due later today, one resolved.
  // Product quality: its own overdue case and the shared one. Store
  // operations: nothing overdue.
  void SeedCases() {
    const std::int64_t dec3 = kDec4LocalMidnight - 24 * kHourMs;
    late_parcel_ = OpenCase("Parcel three days late", {{"logistics", "p-xu-gang"}}, dec3 + 10 * kHourMs);
    damaged_box_ = OpenCase("Box arrived crushed", {{"logistics", "p-xu-gang"}, {"logistics", "p-lin-feng"}},
                            dec3 + 12 * kHourMs);
    shared_ = OpenCase("Wrong size and late", {{"product_quality", "p-zheng-qiang"}, {"logistics", "p-lin-feng"}},
                       dec3 + 15 * kHourMs);
    OpenCase("Courier was rude", {{"logistics", "p-lin-feng"}}, kDec4LocalMidnight + 17 * kHourMs);
    MarkResolved(OpenCase("Lost parcel found", {{"logistics", "p-xu-gang"}}, dec3 + 9 * kHourMs));
    faded_ = OpenCase("Colour faded after one wash", {{"product_quality", "p-zheng-qiang"}}, dec3 + 11 * kHourMs);
    OpenCase("Store queue", {{"store_operations", "p-gao-yan"}}, kDec4LocalMidnight + 20 * kHourMs);
  }

  static std::unique_ptr<::voc::testing::PostgresServer> postgres_;
  static int database_counter_;
  int case_counter_ = 0;
  ::voc::testing::TempDir dir_;
  std::string url_;
  FakeClock clock_{FromMillis(kDec4LocalMidnight - 48 * kHourMs)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TrackingStore> store_;
  std::unique_ptr<TrackingService> service_;
  std::string late_parcel_, damaged_box_, shared_, faded_;
};

std::unique_ptr<::voc::testing::PostgresServer> OverdueDigestTest::postgres_;
int OverdueDigestTest::database_counter_ = 0;

TEST_P(OverdueDigestTest, ADepartmentsOverdueCasesAreCountedOnceAndListedOldestFirst) {
  SeedCases();
  OverdueDigestStore store(*db_);
  const std::int64_t now = kDec4LocalMidnight + 8 * kHourMs + 30 * kMinuteMs;
  const DepartmentOverdue logistics = store.OverdueOf("logistics", now, 2).value();
  EXPECT_EQ(logistics.count, 3) << "the co-owned case counts once; resolved and not-yet-due ones not at all";
  ASSERT_EQ(logistics.oldest.size(), 2u);
  EXPECT_EQ(logistics.oldest[0].id, late_parcel_);
  EXPECT_EQ(logistics.oldest[0].title, "Parcel three days late");
  EXPECT_EQ(logistics.oldest[0].kind, v1::CASE_KIND_COMPLAINT);
  EXPECT_EQ(logistics.oldest[0].priority, v1::PRIORITY_P2);
  EXPECT_EQ(logistics.oldest[0].due_ms, kDec4LocalMidnight - 14 * kHourMs);
  EXPECT_EQ(logistics.oldest[0].owner_person, "p-xu-gang");
  EXPECT_EQ(logistics.oldest[1].id, damaged_box_);

  const DepartmentOverdue quality = store.OverdueOf("product_quality", now, 10).value();
  ASSERT_EQ(quality.count, 2);
  EXPECT_EQ(quality.oldest[0].id, faded_);
  EXPECT_EQ(quality.oldest[1].id, shared_);
  EXPECT_EQ(quality.oldest[1].owner_department, "product_quality");
  EXPECT_EQ(quality.oldest[1].owner_person, "p-zheng-qiang");
  EXPECT_EQ(store.OverdueOf("store_operations", now, 10).value().count, 0);
}

TEST_P(OverdueDigestTest, TwoReplicasAtTheSameMomentSendOneDigestPerDepartmentAndLocalDay) {
  SeedCases();
  ::voc::testing::RecordingNotifier notifier;
  Replica a(url_, clock_, notifier);
  Replica b(url_, clock_, notifier);

  At(kDec4LocalMidnight, 8, 29);
  const DigestRunReport early = a.digester.RunOnce().value();
  EXPECT_FALSE(early.due);
  EXPECT_EQ(early.day, "2026-12-04");
  EXPECT_TRUE(notifier.sent().empty()) << "not before 08:30 local time";
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM overdue_digest_claims"), 0);

  At(kDec4LocalMidnight, 8, 30);
  std::atomic<int> failures{0};
  auto run = [&](Replica& r) {
    for (int round = 0; round < 3; ++round) {
      if (!r.digester.RunOnce().ok()) ++failures;
    }
  };
  std::thread ta(run, std::ref(a));
  std::thread tb(run, std::ref(b));
  ta.join();
  tb.join();
  // A run may lose a race on SQLite's write lock; it never double-sends,
  // and one more run finishes what it left.
  if (failures > 0) ASSERT_TRUE(a.digester.RunOnce().ok());

  std::map<std::string, Notification> by_id;
  for (const Notification& n : notifier.sent()) by_id.emplace(n.id, n);
  EXPECT_EQ(notifier.sent().size(), 2u);
  ASSERT_EQ(by_id.size(), 2u);
  ASSERT_TRUE(by_id.count("overdue_digest:2026-12-04:logistics"));
  ASSERT_TRUE(by_id.count("overdue_digest:2026-12-04:product_quality"));
  const Notification& logistics = by_id["overdue_digest:2026-12-04:logistics"];
  EXPECT_EQ(logistics.kind, "overdue_digest");
  EXPECT_EQ(logistics.department, "logistics");
  EXPECT_TRUE(logistics.case_id.empty());
  EXPECT_TRUE(logistics.recipients.empty()) << "the subscriptions name the recipients";
  EXPECT_EQ(logistics.params.at("overdue_count"), "3");
  EXPECT_EQ(logistics.params.at("listed_count"), "3");
  EXPECT_EQ(logistics.params.at("case_1_id"), late_parcel_);
  EXPECT_EQ(logistics.params.at("case_1_kind"), "complaint");
  EXPECT_EQ(logistics.params.at("case_1_priority"), "p2");
  EXPECT_EQ(logistics.params.at("case_1_due_time"), "2026-12-03T10:00:00+08:00");
  EXPECT_EQ(logistics.params.at("case_1_owner_person"), "p-xu-gang");
  EXPECT_EQ(logistics.params.at("case_3_id"), shared_);
  EXPECT_EQ(logistics.params.at("case_3_owner_department"), "product_quality");
  EXPECT_EQ(logistics.params.count("case_4_id"), 0u);
  // Every department has its claim, settled; the empty one says 0.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM overdue_digest_claims WHERE day = '2026-12-04' AND state = 1"), 3);
  EXPECT_EQ(CountRows("SELECT overdue_count FROM overdue_digest_claims WHERE department = 'store_operations'"), 0);
  EXPECT_EQ(CountRows("SELECT overdue_count FROM overdue_digest_claims WHERE department = 'logistics'"), 3);

  // Later the same day, and after a restart: nothing again.
  At(kDec4LocalMidnight, 17, 0);
  ::voc::testing::RecordingNotifier after_restart;
  Replica restarted(url_, clock_, after_restart);
  EXPECT_EQ(restarted.digester.RunOnce().value().sent, 0);
  EXPECT_EQ(a.digester.RunOnce().value().sent, 0);
  EXPECT_TRUE(after_restart.sent().empty());
  EXPECT_EQ(notifier.sent().size(), 2u);

  // The next local day has its own digest; the courier and store-queue
  // cases fell due yesterday evening, so store operations has one too.
  At(kDec4LocalMidnight + 24 * kHourMs, 8, 30);
  EXPECT_EQ(b.digester.RunOnce().value().sent, 3);
  EXPECT_EQ(a.digester.RunOnce().value().sent, 0);
  ASSERT_EQ(notifier.sent().size(), 5u);
  EXPECT_EQ(notifier.sent()[2].id.rfind("overdue_digest:2026-12-05:", 0), 0u);
  EXPECT_EQ(CountRows("SELECT overdue_count FROM overdue_digest_claims WHERE day = '2026-12-05'"
                      " AND department = 'logistics'"),
            4);
}

TEST_P(OverdueDigestTest, AProcessKilledAfterClaimingIsCoveredOnceAfterTheLease) {
  SeedCases();
  At(kDec4LocalMidnight, 8, 30);
  {
    CrashingNotifier dying;
    Replica doomed(url_, clock_, dying);
    EXPECT_THROW(doomed.digester.RunOnce().IgnoreError(), ProcessKilled);
  }  // the process is gone, its first claim (logistics) left at "sending"
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM overdue_digest_claims WHERE state = 0"), 1);

  ::voc::testing::RecordingNotifier notifier;
  Replica restarted(url_, clock_, notifier);
  At(kDec4LocalMidnight, 8, 31);
  ASSERT_TRUE(restarted.digester.RunOnce().ok());
  // Inside the lease the dead claim stands; the other departments go out.
  ASSERT_EQ(notifier.sent().size(), 1u);
  EXPECT_EQ(notifier.sent()[0].id, "overdue_digest:2026-12-04:product_quality");
  At(kDec4LocalMidnight, 8, 41);
  EXPECT_EQ(restarted.digester.RunOnce().value().sent, 1);
  ASSERT_EQ(notifier.sent().size(), 2u);
  EXPECT_EQ(notifier.sent()[1].id, "overdue_digest:2026-12-04:logistics");
  At(kDec4LocalMidnight, 9, 30);
  EXPECT_EQ(restarted.digester.RunOnce().value().sent, 0);
  EXPECT_EQ(notifier.sent().size(), 2u);
}

TEST_P(OverdueDigestTest, AFailedSendIsRetriedByTheNextRunAndListsAtMostTheConfiguredCases) {
  SeedCases();
  At(kDec4LocalMidnight, 9, 0);
  ::voc::testing::RecordingNotifier notifier;
  notifier.set_failing(true);
  Replica r(url_, clock_, notifier, /*max_cases=*/2);
  const DigestRunReport failed = r.digester.RunOnce().value();
  EXPECT_EQ(failed.failed, 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM overdue_digest_claims WHERE state = 2"), 2);
  notifier.set_failing(false);
  At(kDec4LocalMidnight, 9, 1);
  EXPECT_EQ(r.digester.RunOnce().value().sent, 2);
  EXPECT_EQ(r.digester.RunOnce().value().sent, 0);
  ASSERT_EQ(notifier.sent().size(), 2u);
  for (const Notification& n : notifier.sent()) {
    if (n.department != "logistics") continue;
    EXPECT_EQ(n.params.at("overdue_count"), "3");
    EXPECT_EQ(n.params.at("listed_count"), "2");
    EXPECT_EQ(n.params.count("case_3_id"), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OverdueDigestTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::tracking
