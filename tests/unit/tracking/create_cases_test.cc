// TrackingService::CreateCases: a batch of case creations in one transaction,
// each item idempotent on its request id and failing on its own; and the case
// load (one query for a case and all its parts) giving the same case back.
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <google/protobuf/util/message_differencer.h>

#include "proto/api/limits.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using google::protobuf::util::MessageDifferencer;
using std::chrono::hours;
using testing::StartTime;
using testing::TrackingFixture;

class CreateCasesTest : public TrackingFixture {
 protected:
  std::vector<TrackingService::CaseOutcome> MustCreateAll(
      const std::vector<v1::CreateCaseRequest>& requests) {
    v1::CreateCasesRequest batch;
    for (const auto& r : requests) *batch.add_requests() = r;
    auto outcomes = service_->CreateCases(TestSystem(), batch);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *std::move(outcomes) : std::vector<TrackingService::CaseOutcome>{};
  }

  int CountCases() {
    v1::ListCasesRequest list;
    list.set_page_size(1000);
    return service_->ListCases(TestSystem(), list).value().cases_size();
  }

  // GetCase without its history: what CreateCase(s) answers for the case.
  v1::Case Stored(const std::string& name) {
    v1::Case c = service_->GetCase(TestSystem(), name).value();
    c.clear_history();
    return c;
  }
};

TEST_F(CreateCasesTest, MixedBatchCreatesTheNewReturnsTheServedAndRefusesTheInvalidAlone) {
  const v1::Case served_before = MustCreate(CallbackRequest("fb-old", StartTime()));
  ASSERT_EQ(CountCases(), 1);

  v1::CreateCaseRequest retry_of_old = CallbackRequest("fb-old", StartTime());
  retry_of_old.mutable_case_()->set_title("a different title");
  v1::CreateCaseRequest no_owners = CallbackRequest("fb-bad", StartTime());
  no_owners.mutable_case_()->clear_owners();
  v1::CreateCaseRequest no_request_id = CallbackRequest("fb-anon", StartTime());
  no_request_id.clear_request_id();

  const auto outcomes = MustCreateAll({CallbackRequest("fb-1", StartTime()), retry_of_old,
                                       no_owners, CallbackRequest("fb-2", StartTime()),
                                       CallbackRequest("fb-1", StartTime()), no_request_id});
  ASSERT_EQ(outcomes.size(), 6u);

  ASSERT_TRUE(outcomes[0].c.ok()) << outcomes[0].c.status();
  EXPECT_FALSE(outcomes[0].duplicate);
  EXPECT_EQ(outcomes[0].c->feedback_id(), "fb-1");
  EXPECT_EQ(outcomes[0].c->state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(FromProto(outcomes[0].c->due_time()), StartTime() + hours(24));

  ASSERT_TRUE(outcomes[1].c.ok()) << outcomes[1].c.status();
  EXPECT_TRUE(outcomes[1].duplicate);
  EXPECT_TRUE(MessageDifferencer::Equals(*outcomes[1].c, served_before))
      << "a retry returns the first case unchanged, even if this copy differs";

  EXPECT_EQ(outcomes[2].c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(outcomes[2].c.status().message()).rfind("case.owners", 0), 0u)
      << outcomes[2].c.status();

  ASSERT_TRUE(outcomes[3].c.ok()) << outcomes[3].c.status();
  EXPECT_FALSE(outcomes[3].duplicate);
  EXPECT_EQ(outcomes[3].c->feedback_id(), "fb-2");

  ASSERT_TRUE(outcomes[4].c.ok()) << outcomes[4].c.status();
  EXPECT_TRUE(outcomes[4].duplicate) << "the same request twice in one batch opens one case";
  EXPECT_EQ(outcomes[4].c->id(), outcomes[0].c->id());

  EXPECT_EQ(outcomes[5].c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(outcomes[5].c.status().message()).rfind("request_id", 0), 0u);

  EXPECT_EQ(CountCases(), 3) << "fb-old, fb-1 and fb-2";
  for (int i : {0, 3}) {
    EXPECT_TRUE(MessageDifferencer::Equals(*outcomes[i].c, Stored(outcomes[i].c->name())))
        << "answers the case as stored: " << outcomes[i].c->name();
  }
}

// A case without what its clocks show as of the read (used, remaining,
// overdue), which moves with time.
v1::Case WithoutClockReadings(v1::Case c) {
  for (v1::SlaClock* k : {c.mutable_first_response(), c.mutable_resolution()}) {
    k->clear_used();
    k->clear_remaining();
    k->clear_overdue();
  }
  return c;
}

TEST_F(CreateCasesTest, ARedeliveredBatchCreatesNothingNew) {
  const std::vector<v1::CreateCaseRequest> batch = {CallbackRequest("fb-1", StartTime()),
                                                    CallbackRequest("fb-2", StartTime()),
                                                    CallbackRequest("fb-3", StartTime())};
  const auto first = MustCreateAll(batch);
  clock_.Advance(hours(1));
  const auto again = MustCreateAll(batch);
  ASSERT_EQ(again.size(), first.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(first[i].c.ok() && again[i].c.ok());
    EXPECT_FALSE(first[i].duplicate);
    EXPECT_TRUE(again[i].duplicate);
    // The same case; only what its clocks show moved on with the hour.
    EXPECT_TRUE(MessageDifferencer::Equals(WithoutClockReadings(*again[i].c),
                                           WithoutClockReadings(*first[i].c)))
        << i;
    EXPECT_EQ(FromProto(again[i].c->resolution().used()) - FromProto(first[i].c->resolution().used()),
              hours(1));
    const v1::Case stored = service_->GetCase(TestSystem(), first[i].c->name()).value();
    ASSERT_EQ(stored.history_size(), 1) << "one \"created\" entry, written once";
    EXPECT_EQ(stored.history(0).action(), "created");
  }
  EXPECT_EQ(CountCases(), 3);
}

TEST_F(CreateCasesTest, CreatingCasesPublishesNoEventLikeCreateCase) {
  // voc:tracking carries case_resolved and the project events only; nothing
  // subscribes to case creation, so neither CreateCase nor CreateCases puts
  // an event in the outbox.
  MustCreate(CallbackRequest("fb-0", StartTime()));
  MustCreateAll({CallbackRequest("fb-1", StartTime()), CallbackRequest("fb-2", StartTime())});
  EXPECT_TRUE(store_->PendingEvents(100).value().empty());
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(CreateCasesTest, ABatchOverTheLimitIsRefusedWhole) {
  v1::CreateCasesRequest batch;
  for (std::size_t i = 0; i <= api::kMaxCreateCasesBatchSize; ++i) {
    *batch.add_requests() = CallbackRequest("fb-" + std::to_string(i), StartTime());
  }
  const auto refused = service_->CreateCases(TestSystem(), batch);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.status().message()).rfind("requests", 0), 0u) << refused.status();
  EXPECT_EQ(CountCases(), 0);
  EXPECT_TRUE(MustCreateAll({}).empty()) << "an empty batch is fine";
}

TEST_F(CreateCasesTest, TheLoadReturnsEveryPartOfManyCasesInOrder) {
  // A red-line case with three owners and two tasks, next to a plain one.
  v1::CreateCaseRequest red;
  red.set_request_id("redline:fb-9");
  v1::Case* c = red.mutable_case_();
  c->set_kind(v1::CASE_KIND_RED_LINE);
  c->set_feedback_id("fb-9");
  c->add_topics("safety.injury");
  c->add_topics("product.quality");
  for (const char* person : {"p-head-cs", "p-ceo", "p-am"}) {
    auto* o = c->add_owners();
    o->set_department(person == std::string("p-ceo") ? "executive" : "customer_success");
    o->set_person(person);
  }
  c->add_tasks()->set_title("call the customer");
  auto* task = c->add_tasks();
  task->set_title("report to legal");
  task->mutable_owner()->set_department("executive");
  *task->mutable_due_time() = ToProto(StartTime() + hours(2));
  *red.mutable_sla() = ToProto(hours(4));

  const auto outcomes = MustCreateAll({red, CallbackRequest("fb-1", StartTime())});
  ASSERT_TRUE(outcomes[0].c.ok()) << outcomes[0].c.status();
  const v1::Case& got = *outcomes[0].c;
  ASSERT_EQ(got.owners_size(), 3);
  EXPECT_EQ(got.owners(0).person(), "p-head-cs");
  EXPECT_EQ(got.owners(1).person(), "p-ceo");
  EXPECT_EQ(got.owners(1).department(), "executive");
  EXPECT_EQ(got.owners(2).person(), "p-am");
  ASSERT_EQ(got.topics_size(), 2);
  EXPECT_EQ(got.topics(1), "product.quality");
  ASSERT_EQ(got.tasks_size(), 2);
  EXPECT_EQ(got.tasks(0).id(), "task-1");
  EXPECT_FALSE(got.tasks(0).has_due_time());
  EXPECT_EQ(got.tasks(1).id(), "task-2");
  EXPECT_EQ(FromProto(got.tasks(1).due_time()), StartTime() + hours(2));
  EXPECT_EQ(got.priority(), v1::PRIORITY_P3);
  EXPECT_FALSE(got.has_escalate_time());
  ASSERT_TRUE(outcomes[1].c.ok());
  EXPECT_EQ(outcomes[1].c->owners_size(), 1) << "the other case's parts stay its own";
  EXPECT_EQ(outcomes[1].c->tasks_size(), 0);

  // Callbacks and history come back in order too, on GetCase.
  v1::LogCallbackRequest callback;
  callback.set_name(got.name());
  callback.set_actor("p-am");
  callback.set_note("no answer");
  ASSERT_TRUE(service_->LogCallback(TestSystem(), callback).ok());
  callback.set_reached(true);
  callback.set_note("apologised");
  ASSERT_TRUE(service_->LogCallback(TestSystem(), callback).ok());
  const v1::Case full = service_->GetCase(TestSystem(), got.name()).value();
  ASSERT_EQ(full.callbacks_size(), 2);
  EXPECT_FALSE(full.callbacks(0).reached());
  EXPECT_EQ(full.callbacks(1).note(), "apologised");
  // created, callback_logged, sla_paused (waiting on the customer),
  // callback_logged, sla_resumed.
  ASSERT_EQ(full.history_size(), 5);
  EXPECT_EQ(full.history(0).action(), "created");
  EXPECT_EQ(full.history(2).action(), "sla_paused");
  EXPECT_EQ(full.history(3).action(), "callback_logged");
  EXPECT_EQ(full.history(3).detail(), "customer reached: apologised");
  EXPECT_EQ(full.history(4).action(), "sla_resumed");
}

}  // namespace
}  // namespace voc::tracking
