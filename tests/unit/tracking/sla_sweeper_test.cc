#include "services/tracking/sla_sweeper.h"

#include <gtest/gtest.h>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <thread>

#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;
using testing::RecordingNotifier;
using testing::StartTime;
using testing::TrackingFixture;

class SlaSweeperTest : public TrackingFixture {
 protected:
  int CountHistory(const std::string& name, const std::string& action) {
    auto c = service_->GetCase(name);
    EXPECT_TRUE(c.ok());
    int n = 0;
    for (const auto& h : c.value().history()) n += h.action() == action;
    return n;
  }
  RecordingNotifier notifier_;
};

TEST_F(SlaSweeperTest, NothingHappensBeforeTheDueTime) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
  clock_.Advance(hours(23));
  const SweepReport report = sweeper.SweepOnce().value();
  EXPECT_TRUE(report.escalated_cases.empty());
  EXPECT_EQ(report.overdue_count, 0);
  EXPECT_TRUE(notifier_.sent().empty());
}

TEST_F(SlaSweeperTest, TwentyFiveHoursLaterOverdueAndEscalatedOnceToTheManager) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  clock_.Advance(hours(25));
  {
    SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
    const SweepReport first = sweeper.SweepOnce().value();
    ASSERT_EQ(first.escalated_cases.size(), 1u);
    EXPECT_EQ(first.escalated_cases[0], c.name());
    EXPECT_EQ(first.overdue_count, 1);
    EXPECT_EQ(first.newly_overdue, 1);
    const SweepReport second = sweeper.SweepOnce().value();
    EXPECT_TRUE(second.escalated_cases.empty());
    EXPECT_EQ(second.overdue_count, 1);
  }
  // A "restart": a new sweeper (and store) on the same database file.
  clock_.Advance(hours(1));
  TrackingStore reopened_store(*db_);
  SlaSweeper after_restart(reopened_store, clock_, notifier_, directory_);
  EXPECT_TRUE(after_restart.SweepOnce().value().escalated_cases.empty());

  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "escalation");
  EXPECT_EQ(sent[0].recipients, std::vector<std::string>{"p-head-cs"}) << "p-am's manager";
  EXPECT_EQ(sent[0].case_id, c.id());

  auto got = service_->GetCase(c.name());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got.value().overdue());
  EXPECT_EQ(FromProto(got.value().escalate_time()), StartTime() + hours(25));
  EXPECT_EQ(CountHistory(c.name(), "overdue"), 1);
  EXPECT_EQ(CountHistory(c.name(), "escalated"), 1);
  const auto& history = got.value().history();
  const auto escalated = std::find_if(history.begin(), history.end(),
                                      [](const auto& h) { return h.action() == "escalated"; });
  EXPECT_NE(escalated->detail().find("p-head-cs"), std::string::npos);
  EXPECT_EQ(escalated->actor(), "system:sla-sweeper");
}

TEST_F(SlaSweeperTest, ConcurrentSweepsEscalateEachBreachOnce) {
  for (int i = 0; i < 10; ++i) MustCreate(CallbackRequest("fb-" + std::to_string(i), StartTime()));
  clock_.Advance(hours(25));
  // Two sweepers sharing nothing but the database, as two replicas would.
  TrackingStore other_store(*db_);
  SlaSweeper a(*store_, clock_, notifier_, directory_);
  SlaSweeper b(other_store, clock_, notifier_, directory_);
  std::vector<std::string> escalated_a, escalated_b;
  std::thread ta([&] { escalated_a = a.SweepOnce().value().escalated_cases; });
  std::thread tb([&] { escalated_b = b.SweepOnce().value().escalated_cases; });
  ta.join();
  tb.join();
  EXPECT_EQ(escalated_a.size() + escalated_b.size(), 10u);
  std::set<std::string> ids;
  for (const auto& n : notifier_.sent()) ids.insert(n.case_id);
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(notifier_.sent().size(), 10u);
}

TEST_F(SlaSweeperTest, FailedNotificationIsRetriedNextSweepWithoutReEscalating) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  clock_.Advance(hours(25));
  SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
  notifier_.set_failing(true);
  SweepReport report = sweeper.SweepOnce().value();
  EXPECT_EQ(report.escalated_cases.size(), 1u);
  EXPECT_EQ(report.notifications_failed, 1);
  EXPECT_TRUE(notifier_.sent().empty());

  notifier_.set_failing(false);
  report = sweeper.SweepOnce().value();
  EXPECT_TRUE(report.escalated_cases.empty()) << "the breach was already claimed";
  EXPECT_EQ(report.notifications_sent, 1);
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].case_id, c.id());

  ASSERT_TRUE(sweeper.SweepOnce().ok());
  EXPECT_EQ(notifier_.sent().size(), 1u) << "delivered notifications are not repeated";
  EXPECT_EQ(CountHistory(c.name(), "escalated"), 1);
}

TEST_F(SlaSweeperTest, ResolvedCasesAreNeitherOverdueNorEscalated) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("called back in time");
  ASSERT_TRUE(service_->ResolveCase(resolve).ok());
  clock_.Advance(hours(25));
  SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
  const SweepReport report = sweeper.SweepOnce().value();
  EXPECT_TRUE(report.escalated_cases.empty());
  EXPECT_EQ(report.overdue_count, 0);
  EXPECT_FALSE(service_->GetCase(c.name()).value().overdue());
}

TEST_F(SlaSweeperTest, DepartmentOwnedCaseEscalatesToTheHead) {
  v1::CreateCaseRequest req = CallbackRequest("fb-1", StartTime());
  req.mutable_case_()->mutable_owners(0)->clear_person();
  MustCreate(req);
  clock_.Advance(hours(25));
  SlaSweeper sweeper(*store_, clock_, notifier_, directory_);
  ASSERT_TRUE(sweeper.SweepOnce().ok());
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipients, std::vector<std::string>{"p-head-cs"});
}

}  // namespace
}  // namespace voc::tracking

namespace voc::tracking {
namespace {

TEST_F(SlaSweeperTest, ASweepDuringADatabaseOutageFailsUnavailableAndTheNextOneEscalatesOnce) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  clock_.Advance(hours(25));
  // The sweeper's own connection gives up on a lock after 50 ms.
  auto opened_db = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db", 1);
  ASSERT_TRUE(opened_db.ok()) << opened_db.status();
  auto db = *std::move(opened_db);
  db->WithSession([](soci::session& s) { s << "PRAGMA busy_timeout=50"; });
  TrackingStore store(*db);
  SlaSweeper sweeper(store, clock_, notifier_, directory_);
  {
    // Another connection holds the write lock.
    soci::session blocker(soci::sqlite3, "db=" + dir_.path() + "/tracking.db");
    blocker << "BEGIN EXCLUSIVE";
    const auto failed = sweeper.SweepOnce();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
    blocker << "ROLLBACK";
  }
  EXPECT_TRUE(notifier_.sent().empty());
  const SweepReport report = sweeper.SweepOnce().value();
  ASSERT_EQ(report.escalated_cases.size(), 1u);
  EXPECT_EQ(report.escalated_cases[0], c.name());
  EXPECT_TRUE(sweeper.SweepOnce().value().escalated_cases.empty());
  EXPECT_EQ(notifier_.sent().size(), 1u);
}

}  // namespace
}  // namespace voc::tracking
