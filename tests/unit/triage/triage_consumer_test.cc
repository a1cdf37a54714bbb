// TriageConsumer's handler with a recording publisher (the port of ports.h)
// and the real service on SQLite: what each kind of message turns into.
#include "services/triage/triage_consumer.h"

#include <gtest/gtest.h>

#include "common/queue/disposition.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

// Records what it is given; `accept` false plays an unreachable queue.
class RecordingPublisher final : public TriagedPublisher {
 public:
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    ++calls;
    if (!accept) return std::min(batch.size(), accept_first);
    published.insert(published.end(), batch.begin(), batch.end());
    return batch.size();
  }
  bool accept = true;
  std::size_t accept_first = 0;  // when !accept: how many of a batch still get through
  int calls = 0;
  std::vector<queue::MessageFields> published;
};

class TriageConsumerTest : public TriageStoreTest {
 protected:
  TriageConsumerTest() : TriageStoreTest(FromMillis(1764028800000)) {}

  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = std::make_unique<TriageService>(*processor_, *store_, nullptr, clock_);
    queue::ConsumerOptions options;
    options.stream = queue::kFeedbackStream;
    options.group = "triage";
    options.consumer = "test";
    consumer_ = std::make_unique<TriageConsumer>(*service_, publisher_, queue::RedisOptions{}, options);
  }

  queue::StreamMessage Message(const std::string& id, const std::string& text) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now());
    queue::StreamMessage m;
    m.id = "1-0";
    f.SerializeToString(&m.fields["payload"]);
    m.fields["feedback_id"] = id;
    return m;
  }

  std::unique_ptr<TriageService> service_;
  RecordingPublisher publisher_;
  std::unique_ptr<TriageConsumer> consumer_;
};

TEST_F(TriageConsumerTest, AFeedbackIsTriagedStoredAndPublished) {
  ASSERT_TRUE(consumer_->Handle(Message("f1", "快递三天还没到，太慢了")).ok());
  ASSERT_EQ(publisher_.published.size(), 1u);
  EXPECT_EQ(publisher_.published[0].at("feedback_id"), "f1");
  voc::v1::TriagedFeedback triaged;
  ASSERT_TRUE(triaged.ParseFromString(publisher_.published[0].at("payload")));
  EXPECT_EQ(triaged.result().sentiment(), voc::v1::SENTIMENT_NEGATIVE);
  EXPECT_TRUE(store_->GetResult("f1").value().has_value());
}

TEST_F(TriageConsumerTest, AnUnreachableQueueIsRetriedAndTheRetryStoresNothingNew) {
  publisher_.accept = false;
  const absl::Status first = consumer_->Handle(Message("f1", "快递三天还没到，太慢了"));
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(queue::DispositionOf(first), queue::Disposition::kRetry);
  publisher_.accept = true;
  ASSERT_TRUE(consumer_->Handle(Message("f1", "快递三天还没到，太慢了")).ok());
  EXPECT_EQ(publisher_.published.size(), 1u);
  EXPECT_EQ(store_->Count(0, INT64_MAX, "").value().total, 1);
}

TEST_F(TriageConsumerTest, AMessageThatIsNotAFeedbackFails) {
  queue::StreamMessage no_payload;
  no_payload.fields["feedback_id"] = "x";
  EXPECT_EQ(queue::DispositionOf(consumer_->Handle(no_payload)), queue::Disposition::kFail);
  queue::StreamMessage garbage = no_payload;
  garbage.fields["payload"] = "not a feedback";
  const absl::Status status = consumer_->Handle(garbage);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(queue::DispositionOf(status), queue::Disposition::kFail);
  EXPECT_TRUE(publisher_.published.empty());
}

TEST_F(TriageConsumerTest, ABatchIsStoredOncePublishedInOneCallAndAMalformedMessageFailsAlone) {
  queue::StreamMessage garbage;
  garbage.fields["payload"] = "not a feedback";
  const std::vector<queue::StreamMessage> batch = {Message("b1", "快递三天还没到，太慢了"), garbage,
                                                   Message("b2", "app一登录就闪退，太差了"),
                                                   Message("b1", "快递三天还没到，太慢了")};  // redelivered in the same read
  const auto statuses = consumer_->HandleBatch(batch);
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(queue::DispositionOf(statuses[1]), queue::Disposition::kFail);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_TRUE(statuses[3].ok());
  EXPECT_EQ(publisher_.calls, 1) << "one pipelined publish per batch";
  ASSERT_EQ(publisher_.published.size(), 3u);
  EXPECT_EQ(publisher_.published[2].at("feedback_id"), "b1");
  EXPECT_EQ(store_->Count(0, INT64_MAX, "").value().total, 2);

  // Redelivered again: the stored results are published, nothing new stored.
  const auto again = consumer_->HandleBatch({batch[0], batch[2]});
  EXPECT_TRUE(again[0].ok() && again[1].ok());
  EXPECT_EQ(publisher_.published.size(), 5u);
  EXPECT_EQ(store_->Count(0, INT64_MAX, "").value().total, 2);
}

TEST_F(TriageConsumerTest, MessagesAShortPublishLeftOutAreRetried) {
  publisher_.accept = false;
  publisher_.accept_first = 1;
  const auto statuses = consumer_->HandleBatch({Message("p1", "快递三天还没到，太慢了"), Message("p2", "app一登录就闪退")});
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(queue::DispositionOf(statuses[1]), queue::Disposition::kRetry);
}

}  // namespace
}  // namespace voc::triage
