// Issue 11: triage's alert outbox (migration 7) on SQLite and PostgreSQL:
// an alert id is stored once, sent once by two replicas sharing the
// database, and an unsent one keeps its parameters for the retry.
#include <gtest/gtest.h>

#include "common/clock/clock.h"
#include "common/util/time.h"
#include "services/triage/store/alert_outbox.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_alerts.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/backend_database.h"
#include "tests/support/servers.h"

namespace voc::triage {
namespace {

using voc::testing::Backend;

class TriageAlertsStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (voc::testing::BackendMissing(GetParam())) GTEST_SKIP() << "PostgreSQL server binaries not installed";
    auto db = storage::Database::Open(voc::testing::FreshDatabaseUrl(GetParam(), dir_.path(), "triage"), 2);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("triage", TriageMigrations()).ok());
    outbox_ = std::make_unique<AlertOutbox>(*db_);
  }

  static Notification Alert(const std::string& id) {
    Notification n;
    n.id = id;
    n.kind = "cluster_threshold";
    n.subject = "Similar complaints: cluster 7 reached 20";
    n.params = {{"cluster", "7"}, {"cluster_size", "20"}, {"cluster_title", "物流.延误"}};
    return n;
  }

  voc::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<AlertOutbox> outbox_;
  FakeClock clock_{FromMillis(1772438400000LL)};
};

TEST_P(TriageAlertsStorageTest, AnAlertIsToSendUntilMarkedSentAndThenNeverAgain) {
  EXPECT_TRUE(outbox_->Claim(Alert("a1"), 1).value());
  EXPECT_TRUE(outbox_->Claim(Alert("a1"), 2).value()) << "stored, not sent yet";
  EXPECT_TRUE(outbox_->Claim(Alert("a2"), 3).value());
  const auto unsent = outbox_->Unsent(10).value();
  ASSERT_EQ(unsent.size(), 2u);
  EXPECT_EQ(unsent[0].id, "a1");
  EXPECT_EQ(unsent[0].kind, "cluster_threshold");
  EXPECT_EQ(unsent[0].params, Alert("a1").params);
  ASSERT_TRUE(outbox_->MarkSent("a1", 4).ok());
  EXPECT_FALSE(outbox_->Claim(Alert("a1"), 5).value());
  ASSERT_EQ(outbox_->Unsent(10).value().size(), 1u);
  EXPECT_EQ(outbox_->Unsent(10).value()[0].id, "a2");
}

TEST_P(TriageAlertsStorageTest, TwoReplicasAnnouncingTheSameClusterStepSendItOnce) {
  voc::testing::RecordingNotifier notifier;
  TriageAlerts first(*outbox_, notifier, clock_);
  TriageAlerts second(*outbox_, notifier, clock_);
  first.ClusterReached(7, 20, "logistics.delivery_delay");
  second.ClusterReached(7, 20, "logistics.delivery_delay");
  second.ClusterReached(7, 50, "logistics.delivery_delay");
  const auto sent = notifier.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].id, "triage:cluster_threshold:7:20");
  EXPECT_EQ(sent[1].id, "triage:cluster_threshold:7:50");
  ASSERT_TRUE(first.RetryUnsent().ok());
  EXPECT_EQ(notifier.sent().size(), 2u) << "nothing left to retry";
}

INSTANTIATE_TEST_SUITE_P(Backends, TriageAlertsStorageTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return voc::testing::BackendName(info.param); });

}  // namespace
}  // namespace voc::triage
