// Verification's batch handlers and the store's one-transaction batches, on a
// real SQLite file: a batch is stored whole or not at all, a bad message is
// isolated without losing the good ones, an outage keeps the whole batch for
// the retry, a redelivered batch changes nothing, and a callback and its
// original stored by two concurrent batches still meet.
#include <gtest/gtest.h>

#include <memory>

#include "common/queue/disposition.h"
#include "common/util/time.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"
#include "tests/support/sqlite_write_lock.h"

namespace voc::verification {
namespace {

constexpr auto kDay = std::chrono::hours(24);

class NoCounts final : public ComplaintCounter {
 public:
  absl::StatusOr<Counts> Count(TimePoint, TimePoint, const std::string&) override {
    return absl::UnavailableError("not needed here");
  }
};

class NoReopens final : public ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override { return absl::OkStatus(); }
};

class VerificationBatchTest : public ::testing::Test {
 protected:
  VerificationBatchTest() : db_(storage::Database::Open(Url(), 1).value()), store_(*db_) {
    db_->Migrate("verification", Migrations()).value();
    testing::ShortenBusyTimeout(*db_, std::chrono::milliseconds(50));
    TimePoint start;
    ParseRfc3339("2026-03-01T00:00:00Z", &start);
    clock_ = std::make_unique<FakeClock>(start);
    service_ = std::make_unique<VerificationService>(*clock_, store_, counts_, reopens_, VerificationSettings{});
    consumer_ = std::make_unique<VerificationConsumer>(*service_);
  }

  std::string Url() const { return "sqlite3://" + dir_.path() + "/verification.db"; }

  queue::StreamMessage Closed(const std::string& id, const std::string& project_id) {
    v1::Project p;
    p.set_id(project_id);
    p.set_topic("logistics");
    *p.mutable_create_time() = ToProto(clock_->Now() - 10 * kDay);
    *p.mutable_close_time() = ToProto(clock_->Now());
    return {id, {{"event", "project_closed"}, {"payload", p.SerializeAsString()}}};
  }
  queue::StreamMessage Triaged(const std::string& id, const std::string& feedback_id, int nps) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(feedback_id);
    t.mutable_feedback()->set_nps(nps);
    t.mutable_feedback()->mutable_customer()->set_id("c-" + feedback_id);
    return {id, {{"feedback_id", feedback_id}, {"payload", t.SerializeAsString()}}};
  }
  std::size_t Checks() { return store_.ListChecks("", 0, 1000).value().size(); }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  VerificationStore store_;
  std::unique_ptr<FakeClock> clock_;
  NoCounts counts_;
  NoReopens reopens_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationConsumer> consumer_;
};

TEST_F(VerificationBatchTest, OneTransactionIsStoredWholeOrNotAtAll) {
  CheckRecord check;
  check.verification.set_id("v1");
  check.verification.set_project("projects/p1");
  // Inside the batch its own writes are read back; rolled back, nothing stays.
  const absl::Status failed = store_.InOneTransaction([&]() -> absl::Status {
    EXPECT_TRUE(store_.InsertScheduledCheck(check, 0).value());
    EXPECT_TRUE(store_.GetCheck("v1").ok());
    return absl::InvalidArgumentError("a later message is bad");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.GetCheck("v1").status().code(), absl::StatusCode::kNotFound);

  EXPECT_TRUE(store_.InOneTransaction([&] { return store_.InsertScheduledCheck(check, 0).status(); }).ok());
  EXPECT_TRUE(store_.GetCheck("v1").ok());
}

TEST_F(VerificationBatchTest, ABatchIsStoredAndEveryMessageAcked) {
  const auto statuses = consumer_->HandleTrackingBatch(
      {Closed("1-0", "p1"), Closed("2-0", "p2"), {"3-0", {{"event", "case_created"}, {"payload", ""}}}});
  EXPECT_EQ(statuses, std::vector<absl::Status>(3, absl::OkStatus()));
  EXPECT_EQ(Checks(), 2u);
}

TEST_F(VerificationBatchTest, ABadMessageFailsAloneAndTheOthersAreStored) {
  const auto statuses = consumer_->HandleTrackingBatch(
      {Closed("1-0", "p1"), {"2-0", {{"event", "project_closed"}, {"payload", "\xff\xff"}}}, Closed("3-0", "p3")});
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(queue::DispositionOf(statuses[1]), queue::Disposition::kFail) << statuses[1];
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_EQ(Checks(), 2u);  // once each, though p1 was tried twice
}

TEST_F(VerificationBatchTest, AnOutageKeepsTheWholeBatchForTheRetry) {
  const std::vector<queue::StreamMessage> batch{Triaged("1-0", "f1", 2), Triaged("2-0", "f2", 3)};
  {
    testing::SqliteWriteLock outage(Url());
    for (const auto& status : consumer_->HandleTriagedBatch(batch)) {
      EXPECT_EQ(queue::DispositionOf(status), queue::Disposition::kRetry) << status;
    }
  }
  EXPECT_FALSE(store_.FindDetractorOriginal("f1").value().has_value());
  EXPECT_EQ(consumer_->HandleTriagedBatch(batch), std::vector<absl::Status>(2, absl::OkStatus()));
  EXPECT_TRUE(store_.FindDetractorOriginal("f2").value().has_value());
}

TEST_F(VerificationBatchTest, ARedeliveredBatchChangesNothing) {
  const std::vector<queue::StreamMessage> batch{Closed("1-0", "p1"), Closed("2-0", "p2"), Closed("3-0", "p1")};
  // Committed, then the process died before its ack: the same batch again.
  EXPECT_EQ(consumer_->HandleTrackingBatch(batch), std::vector<absl::Status>(3, absl::OkStatus()));
  EXPECT_EQ(consumer_->HandleTrackingBatch(batch), std::vector<absl::Status>(3, absl::OkStatus()));
  EXPECT_EQ(Checks(), 2u);
}

TEST_F(VerificationBatchTest, ACallbackAndItsOriginalStoredSideBySideStillMeet) {
  // What two batches committing at once can leave (PostgreSQL): the callback
  // parked, its original stored, neither having seen the other.
  ASSERT_TRUE(store_.AwaitOriginal({"k1", "f1", "c-1", ToMillis(clock_->Now())}, 0).ok());
  ASSERT_TRUE(store_.RecordDetractorOriginal({"f1", "c-1", 2}, 0).ok());
  auto run = service_->RunDueChecks();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->parked_scheduled, 1);
  auto resurvey = store_.GetResurvey(VerificationService::ResurveyId("k1"));
  ASSERT_TRUE(resurvey.ok()) << resurvey.status();
  EXPECT_EQ(resurvey->original_nps(), 2);
  EXPECT_EQ(service_->RunDueChecks()->parked_scheduled, 0);  // no longer parked
}

}  // namespace
}  // namespace voc::verification
