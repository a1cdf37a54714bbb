#include "services/assignment/assignment_service.h"

#include <gtest/gtest.h>

#include <mutex>

#include "services/assignment/store/assignment_store.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using testing::MakeRouter;
using testing::Triaged;

// Hands out "cases/<request_id>" and remembers every request.
class FakeCaseCreator final : public CaseCreator {
 public:
  CreateCaseOutcome CreateCase(const v1::CreateCaseRequest& request) override {
    std::lock_guard lock(mu);
    requests.push_back(request);
    if (failing) return {false, "", "tracking unavailable"};
    return {true, "cases/" + request.request_id(), ""};
  }
  std::mutex mu;
  bool failing = false;
  std::vector<v1::CreateCaseRequest> requests;
};

using voc::testing::RecordingNotifier;

class AssignmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/assignment.db");
    db_->Migrate("assignment", AssignmentMigrations());
    store_ = std::make_unique<AssignmentStore>(*db_);
    service_ = std::make_unique<AssignmentService>(*store_, clock_, cases_, notifier_, MakeRouter());
  }
  queue::StreamMessage Message(const v1::TriagedFeedback& t) {
    return {"1-0", {{"feedback_id", t.feedback().id()}, {"payload", t.SerializeAsString()}}};
  }

  ::voc::testing::TempDir dir_;
  FakeClock clock_{testing::Received()};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<AssignmentStore> store_;
  FakeCaseCreator cases_;
  RecordingNotifier notifier_;
  std::unique_ptr<AssignmentService> service_;
};

TEST_F(AssignmentServiceTest, RedeliveredMessageCreatesNoSecondCase) {
  const auto msg = Message(Triaged("fb-1").Detractor().t);
  EXPECT_TRUE(service_->HandleMessage(msg).ok());
  EXPECT_TRUE(service_->HandleMessage(msg).ok());
  ASSERT_EQ(cases_.requests.size(), 1u) << "the second delivery reuses the stored decision";
  auto assignment = service_->GetAssignment("fb-1");
  ASSERT_TRUE(assignment);
  ASSERT_EQ(assignment->decisions_size(), 1);
  EXPECT_EQ(assignment->decisions(0).kind(), "detractor_callback");
  EXPECT_EQ(assignment->decisions(0).case_name(), "cases/callback:fb-1");
  EXPECT_EQ(assignment->decisions(0).person(), "p-am");
}

TEST_F(AssignmentServiceTest, TrackingOutageFailsTheMessageAndStoresNothing) {
  cases_.failing = true;
  const auto msg = Message(Triaged("fb-1").Detractor().t);
  const auto result = service_->HandleMessage(msg);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(std::string(result.message()).find("tracking unavailable"), std::string::npos);
  EXPECT_FALSE(service_->GetAssignment("fb-1"));
  cases_.failing = false;
  EXPECT_TRUE(service_->HandleMessage(msg).ok());
  EXPECT_TRUE(service_->GetAssignment("fb-1"));
}

TEST_F(AssignmentServiceTest, RedLineOwnersAreNotifiedOnceEvenWhenTheFirstTryFails) {
  const auto msg = Message(Triaged("fb-9").RedLine("explosion").t);
  notifier_.set_failing(true);
  EXPECT_FALSE(service_->HandleMessage(msg).ok()) << "redelivery must retry the alert";
  notifier_.set_failing(false);
  EXPECT_TRUE(service_->HandleMessage(msg).ok());
  EXPECT_TRUE(service_->HandleMessage(msg).ok());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "red_line");
  EXPECT_EQ(sent[0].recipients, (std::vector<std::string>{"p-counsel", "p-pr", "p-ceo"}));
  EXPECT_EQ(sent[0].case_id, "cases/redline:fb-9");
}

TEST_F(AssignmentServiceTest, PositiveFeedbackIsRecordedWithNoDecisions) {
  EXPECT_TRUE(service_->HandleMessage(Message(Triaged("fb-2").t)).ok());
  auto assignment = service_->GetAssignment("fb-2");
  ASSERT_TRUE(assignment);
  EXPECT_EQ(assignment->decisions_size(), 0);
  EXPECT_TRUE(cases_.requests.empty());
}

TEST_F(AssignmentServiceTest, GarbagePayloadFails) {
  queue::StreamMessage bad{"1-0", {{"payload", "\xff\xff not a proto"}}};
  EXPECT_FALSE(service_->HandleMessage(bad).ok());
  EXPECT_FALSE(service_->HandleMessage({"1-1", {}}).ok());
}

}  // namespace
}  // namespace voc::assignment
