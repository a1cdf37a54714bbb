// FeedbackService, IngestStore and OutboxRelay together on a temp-file
// SQLite database, with a FakeClock and a fake queue.
#include "services/ingest/feedback_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "common/util/time.h"
#include "services/ingest/ingest_grpc.h"
#include "services/ingest/outbox_relay.h"
#include "services/ingest/store/migrations.h"
#include "tests/support/servers.h"

namespace voc::ingest {
namespace {

using namespace std::chrono_literals;

// Records what was published; can be told to fail (Redis down) or to take
// only part of a batch.
class FakePublisher : public FeedbackPublisher {
 public:
  std::size_t Publish(const std::vector<voc::v1::Feedback>& batch) override {
    std::lock_guard lock(mu);
    batch_sizes.push_back(batch.size());
    std::size_t take = std::min(batch.size(), accept_per_call);
    for (std::size_t i = 0; i < take; ++i) published.push_back(batch[i].id());
    return take;
  }
  std::mutex mu;
  std::size_t accept_per_call = SIZE_MAX;
  std::vector<std::string> published;
  std::vector<std::size_t> batch_sizes;
};

voc::v1::Feedback Make(const std::string& external_id, const std::string& text = "late delivery",
                       voc::v1::Channel channel = voc::v1::CHANNEL_NPS_SURVEY) {
  voc::v1::Feedback f;
  f.set_channel(channel);
  f.set_external_id(external_id);
  f.set_text(text);
  f.set_nps(4);
  return f;
}

class FeedbackServiceTest : public ::testing::Test {
 protected:
  FeedbackServiceTest()
      : db_(voc::storage::Database::Open("sqlite3://" + dir_.path() + "/ingest.db")),
        clock_(FromMillis(1'790'000'000'000)) {
    db_->Migrate(kIngestSchema, IngestMigrations());
    store_ = std::make_unique<IngestStore>(*db_);
    relay_ = std::make_unique<OutboxRelay>(*store_, publisher_, clock_, RelayOptions{1000ms, 200});
    service_ = std::make_unique<FeedbackService>(*store_, clock_, FeedbackValidator(), relay_.get());
  }

  voc::testing::TempDir dir_;
  std::unique_ptr<voc::storage::Database> db_;
  FakeClock clock_;
  FakePublisher publisher_;
  std::unique_ptr<IngestStore> store_;
  std::unique_ptr<OutboxRelay> relay_;  // thread not started: tests drive RelayPending()
  std::unique_ptr<FeedbackService> service_;
};

TEST_F(FeedbackServiceTest, StoresWithIdAndTimesFromTheClock) {
  auto input = Make("s-1");
  input.mutable_customer()->set_id("c-1");
  input.mutable_customer()->set_value_tier("vip");
  input.set_rating(2);
  (*input.mutable_attributes())["order"] = "o-7";
  auto outcome = service_->Submit(input);
  ASSERT_FALSE(outcome.error);
  EXPECT_FALSE(outcome.duplicate);
  const auto& f = outcome.feedback;
  EXPECT_EQ(f.id(), FeedbackIdFor(voc::v1::CHANNEL_NPS_SURVEY, "s-1"));
  EXPECT_EQ(f.name(), "feedback/" + f.id());
  EXPECT_EQ(ProtoToMillis(f.received_time()), 1'790'000'000'000);
  EXPECT_EQ(ProtoToMillis(f.occurred_time()), 1'790'000'000'000);  // defaults to received

  auto stored = service_->Get(f.id());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->SerializeAsString(), f.SerializeAsString());
  EXPECT_EQ(stored->customer().value_tier(), "vip");
  EXPECT_EQ(stored->rating(), 2);
  EXPECT_EQ(stored->attributes().at("order"), "o-7");
}

TEST_F(FeedbackServiceTest, AbsentScoresStayAbsent) {
  auto input = Make("s-1");
  input.clear_nps();
  auto stored = service_->Get(service_->Submit(input).feedback.id());
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_nps());
  EXPECT_FALSE(stored->has_rating());
}

TEST_F(FeedbackServiceTest, KeepsTheOccurredTimeGiven) {
  auto input = Make("s-1");
  *input.mutable_occurred_time() = MillisToProto(1'789'000'000'000);
  auto outcome = service_->Submit(input);
  EXPECT_EQ(ProtoToMillis(outcome.feedback.occurred_time()), 1'789'000'000'000);
}

TEST_F(FeedbackServiceTest, DuplicateReturnsTheStoredFeedbackAndQueuesNothingNew) {
  auto first = service_->Submit(Make("s-1", "first words"));
  ASSERT_FALSE(first.error);
  EXPECT_EQ(relay_->RelayPending(), 1u);

  clock_.Advance(1h);
  auto second = service_->Submit(Make("s-1", "edited words"));
  ASSERT_FALSE(second.error);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.feedback.SerializeAsString(), first.feedback.SerializeAsString());
  EXPECT_EQ(second.feedback.text(), "first words");
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_EQ(publisher_.published.size(), 1u);

  // Another channel with the same external id is another feedback.
  auto other = service_->Submit(Make("s-1", "x", voc::v1::CHANNEL_EMAIL));
  EXPECT_FALSE(other.duplicate);
  EXPECT_NE(other.feedback.id(), first.feedback.id());
}

TEST_F(FeedbackServiceTest, InvalidInputStoresNothing) {
  auto input = Make("s-1");
  input.set_nps(12);
  auto outcome = service_->Submit(input);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->field, "feedback.nps");
  EXPECT_TRUE(service_->List({}, 10, 0).empty());
  EXPECT_EQ(store_->CountUnqueued(), 0);
}

TEST_F(FeedbackServiceTest, ConcurrentIdenticalSubmissionsStoreOneRow) {
  constexpr int kThreads = 8;
  std::vector<SubmitOutcome> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { outcomes[i] = service_->Submit(Make("race-1")); });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (const auto& outcome : outcomes) {
    ASSERT_FALSE(outcome.error);
    EXPECT_EQ(outcome.feedback.id(), outcomes[0].feedback.id());
    fresh += outcome.duplicate ? 0 : 1;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(service_->List({}, 100, 0).size(), 1u);
  EXPECT_EQ(relay_->RelayPending(), 1u);
}

TEST_F(FeedbackServiceTest, BatchItemsSucceedOrFailAlone) {
  service_->Submit(Make("old"));
  auto bad = Make("b-2");
  bad.set_rating(9);
  std::vector<voc::v1::Feedback> batch = {Make("b-1"), bad, Make("old"), Make("b-1"), Make("b-3")};
  auto outcomes = service_->SubmitBatch(batch);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_FALSE(outcomes[0].error);
  EXPECT_FALSE(outcomes[0].duplicate);
  ASSERT_TRUE(outcomes[1].error);
  EXPECT_EQ(outcomes[1].error->field, "feedback.rating");
  EXPECT_TRUE(outcomes[2].duplicate);  // stored by an earlier call
  EXPECT_TRUE(outcomes[3].duplicate);  // earlier in the same batch
  EXPECT_EQ(outcomes[3].feedback.id(), outcomes[0].feedback.id());
  EXPECT_FALSE(outcomes[4].duplicate);
  EXPECT_EQ(service_->List({}, 100, 0).size(), 3u);
}

TEST_F(FeedbackServiceTest, RelayKeepsRowsWhileTheQueueIsDownAndQueuesThemOnce) {
  publisher_.accept_per_call = 0;  // Redis down
  service_->Submit(Make("s-1"));
  service_->Submit(Make("s-2"));
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_TRUE(relay_->last_pass_failed());
  EXPECT_EQ(store_->CountUnqueued(), 2);

  publisher_.accept_per_call = SIZE_MAX;  // back
  EXPECT_EQ(relay_->RelayPending(), 2u);
  EXPECT_FALSE(relay_->last_pass_failed());
  EXPECT_EQ(store_->CountUnqueued(), 0);
  EXPECT_EQ(relay_->RelayPending(), 0u);
  EXPECT_EQ(publisher_.published.size(), 2u);
}

TEST_F(FeedbackServiceTest, RelayPublishesInBatchesOldestFirst) {
  OutboxRelay small_batches(*store_, publisher_, clock_, RelayOptions{1000ms, 2});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(service_->Submit(Make("s-" + std::to_string(i))).feedback.id());
    clock_.Advance(1s);
  }
  EXPECT_EQ(small_batches.RelayPending(), 5u);
  EXPECT_EQ(publisher_.batch_sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(publisher_.published, ids);
}

TEST_F(FeedbackServiceTest, PartlyPublishedBatchMarksOnlyWhatWasAppended) {
  for (int i = 0; i < 3; ++i) service_->Submit(Make("s-" + std::to_string(i)));
  publisher_.accept_per_call = 1;
  EXPECT_EQ(relay_->RelayPending(), 1u);
  EXPECT_EQ(store_->CountUnqueued(), 2);
}

TEST_F(FeedbackServiceTest, RelayThreadDeliversAfterNotify) {
  relay_->Start();
  service_->Submit(Make("s-1"));  // notifies the relay
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (store_->CountUnqueued() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  relay_->Stop();
  EXPECT_EQ(store_->CountUnqueued(), 0);
  std::lock_guard lock(publisher_.mu);
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST_F(FeedbackServiceTest, ListsNewestFirstWithFiltersAndStablePages) {
  for (int i = 0; i < 5; ++i) {
    auto f = Make("s-" + std::to_string(i));
    f.mutable_customer()->set_id(i % 2 == 0 ? "c-even" : "c-odd");
    service_->Submit(f);
    if (i != 2) clock_.Advance(1min);  // s-2 and s-3 share a received time
  }
  service_->Submit(Make("e-1", "mail", voc::v1::CHANNEL_EMAIL));

  auto all = service_->List({}, 100, 0);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].external_id(), "e-1");
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(ProtoToMillis(all[i - 1].received_time()), ProtoToMillis(all[i].received_time()));
  }
  // Pages of 2 cover everything exactly once, in the same order.
  std::vector<std::string> paged;
  for (long offset = 0; offset < 6; offset += 2) {
    for (const auto& f : service_->List({}, 2, offset)) paged.push_back(f.id());
  }
  ASSERT_EQ(paged.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(paged[i], all[i].id());

  auto even = service_->List({"c-even", voc::v1::CHANNEL_UNSPECIFIED}, 100, 0);
  ASSERT_EQ(even.size(), 3u);
  EXPECT_EQ(even[0].external_id(), "s-4");
  auto email = service_->List({"", voc::v1::CHANNEL_EMAIL}, 100, 0);
  ASSERT_EQ(email.size(), 1u);
  EXPECT_EQ(email[0].external_id(), "e-1");
}

TEST_F(FeedbackServiceTest, GrpcLayerNamesBadUtf8FromTheWireAndStoresNothing) {
  IngestGrpc grpc_service(*service_, 1);
  voc::v1::SubmitFeedbackRequest request;
  *request.mutable_feedback() = Make("s-1", "broken \xe4\xb8");
  voc::v1::SubmitFeedbackResponse response;
  auto status = grpc_service.HandleSubmit(request.SerializeAsString(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "feedback.text: not valid UTF-8");
  EXPECT_TRUE(service_->List({}, 10, 0).empty());
}

TEST_F(FeedbackServiceTest, GrpcBatchRejectsOnlyTheBadItem) {
  IngestGrpc grpc_service(*service_, 1);
  voc::v1::BatchSubmitFeedbackRequest request;
  *request.add_feedbacks() = Make("b-0");
  *request.add_feedbacks() = Make("b-1", "bad \xff");
  *request.add_feedbacks() = Make("b-2");
  voc::v1::BatchSubmitFeedbackResponse response;
  ASSERT_TRUE(grpc_service.HandleBatchSubmit(request.SerializeAsString(), &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_EQ(response.results(1).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(1).error(), "feedback.text: not valid UTF-8");
  EXPECT_EQ(response.results(1).index(), 1);
  EXPECT_EQ(response.results(2).code(), 0);
  EXPECT_EQ(service_->List({}, 10, 0).size(), 2u);
}

TEST_F(FeedbackServiceTest, GrpcBatchOverTheLimitIsRejectedWhole) {
  IngestGrpc grpc_service(*service_, 1);
  voc::v1::BatchSubmitFeedbackRequest request;
  for (int i = 0; i <= FeedbackService::kMaxBatchSize; ++i) {
    *request.add_feedbacks() = Make("b-" + std::to_string(i));
  }
  voc::v1::BatchSubmitFeedbackResponse response;
  auto status = grpc_service.HandleBatchSubmit(request.SerializeAsString(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("feedbacks: 1001 items", 0), 0u);
  EXPECT_TRUE(service_->List({}, 10, 0).empty());
}

}  // namespace
}  // namespace voc::ingest
