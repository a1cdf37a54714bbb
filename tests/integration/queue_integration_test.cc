// The Redis Streams queue against a real redis-server: delivery, ack after
// the handler's work, redelivery after a crash, reclaim from a dead consumer,
// dead-lettering after repeated failures, and riding out an outage.
#include <gtest/gtest.h>

#include <set>

#include "common/queue/stream.h"
#include "tests/support/servers.h"

namespace voc::queue {
namespace {

class QueueTest : public ::testing::Test {
 protected:
  RedisOptions Options() const {
    RedisOptions o;
    o.port = redis_.port();
    return o;
  }
  ConsumerOptions Consumer(const std::string& name) const {
    ConsumerOptions o;
    o.stream = "test:stream";
    o.group = "workers";
    o.consumer = name;
    o.block = std::chrono::milliseconds(50);
    o.reclaim_idle = std::chrono::milliseconds(200);
    o.max_deliveries = 3;
    return o;
  }
  long long Length(const std::string& stream) {
    RedisClient client(Options());
    Reply r = client.Command({"XLEN", stream});
    return r ? r->integer : -1;
  }
  long long Pending() {
    RedisClient client(Options());
    Reply r = client.Command({"XPENDING", "test:stream", "workers"});
    return (r && r->type == REDIS_REPLY_ARRAY) ? r->element[0]->integer : -1;
  }

  testing::RedisServer redis_;
};

TEST_F(QueueTest, DeliversEveryMessageOnceAndAcksIt) {
  StreamProducer producer(Options(), "test:stream");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(producer.Publish({{"n", std::to_string(i)}}));
  std::set<std::string> seen;
  StreamConsumer consumer(Options(), Consumer("a"), [&](const StreamMessage& m) {
    seen.insert(m.fields.at("n"));
    return absl::OkStatus();
  });
  while (consumer.PollOnce() > 0) {
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, BatchPublishIsBinarySafe) {
  StreamProducer producer(Options(), "test:stream");
  std::string binary("a\0b\xff", 4);
  EXPECT_EQ(producer.PublishBatch({{{"payload", binary}}, {{"payload", "x"}}}), 2u);
  std::vector<std::string> payloads;
  StreamConsumer consumer(Options(), Consumer("a"), [&](const StreamMessage& m) {
    payloads.push_back(m.fields.at("payload"));
    return absl::OkStatus();
  });
  consumer.PollOnce();
  ASSERT_EQ(payloads.size(), 2u);
  EXPECT_EQ(payloads[0], binary);
}

TEST_F(QueueTest, BatchPublishCountsOnlyWhatRedisAccepted) {
  // A key of another type makes every XADD to it fail with WRONGTYPE.
  RedisClient client(Options());
  client.Command({"SET", "not-a-stream", "x"});
  StreamProducer good(Options(), "test:stream");
  EXPECT_EQ(good.PublishBatch({{{"n", "1"}}, {{"n", "2"}}}), 2u);
  StreamProducer bad(Options(), "not-a-stream");
  EXPECT_EQ(bad.PublishBatch({{{"n", "1"}}}), 0u);
}

TEST_F(QueueTest, UnackedMessagesComeBackToTheSameConsumerAfterARestart) {
  StreamProducer producer(Options(), "test:stream");
  producer.Publish({{"n", "1"}});
  {
    // The first incarnation fails (as if it died before storing its work).
    StreamConsumer crashed(Options(), Consumer("a"), [](const StreamMessage&) {
      return absl::InvalidArgumentError("simulated crash");
    });
    crashed.PollOnce();
  }
  EXPECT_EQ(Pending(), 1);
  int handled = 0;
  StreamConsumer restarted(Options(), Consumer("a"), [&](const StreamMessage&) {
    ++handled;
    return absl::OkStatus();
  });
  restarted.PollOnce();
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, StaleMessagesOfADeadConsumerAreReclaimed) {
  StreamProducer producer(Options(), "test:stream");
  producer.Publish({{"n", "1"}});
  StreamConsumer dead(Options(), Consumer("dead"), [](const StreamMessage&) {
    return absl::InvalidArgumentError("never finishes");
  });
  dead.PollOnce();
  // Real time, not an SLA: Redis measures idleness on its own clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int handled = 0;
  StreamConsumer survivor(Options(), Consumer("survivor"), [&](const StreamMessage&) {
    ++handled;
    return absl::OkStatus();
  });
  survivor.PollOnce();
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, RepeatedFailuresMoveTheMessageToTheDeadLetterStream) {
  StreamProducer producer(Options(), "test:stream");
  producer.Publish({{"n", "poison"}});
  StreamConsumer consumer(Options(), Consumer("a"), [](const StreamMessage&) {
    return absl::InvalidArgumentError("cannot parse payload");
  });
  for (int i = 0; i < 5; ++i) consumer.PollOnce();
  EXPECT_EQ(Pending(), 0);
  ASSERT_EQ(Length("test:stream:dead"), 1);
  RedisClient client(Options());
  Reply r = client.Command({"XRANGE", "test:stream:dead", "-", "+"});
  auto dead = ParseEntries(r.get());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields.at("error"), "cannot parse payload");
  EXPECT_EQ(dead[0].fields.at("n"), "poison");
}

TEST_F(QueueTest, TransientFailuresAreRetriedButNeverDeadLettered) {
  StreamProducer producer(Options(), "test:stream");
  producer.Publish({{"n", "1"}});
  bool downstream_up = false;
  int attempts = 0;
  StreamConsumer consumer(Options(), Consumer("a"), [&](const StreamMessage&) {
    ++attempts;
    return downstream_up ? absl::OkStatus() : absl::UnavailableError("tracking unavailable");
  });
  // Far more attempts than max_deliveries (3) during the outage.
  for (int i = 0; i < 10; ++i) consumer.PollOnce();
  EXPECT_EQ(Length("test:stream:dead"), 0);
  EXPECT_EQ(Pending(), 1);
  downstream_up = true;
  consumer.PollOnce();
  EXPECT_EQ(Pending(), 0);
  EXPECT_GE(attempts, 11);
}

TEST_F(QueueTest, ProducerReportsAnOutageAndRecoversAfterIt) {
  StreamProducer producer(Options(), "test:stream");
  ASSERT_TRUE(producer.Publish({{"n", "before"}}));
  redis_.Stop();
  EXPECT_FALSE(producer.Publish({{"n", "during"}}));
  redis_.Start();
  EXPECT_TRUE(producer.Publish({{"n", "after"}}));
}

}  // namespace
}  // namespace voc::queue
