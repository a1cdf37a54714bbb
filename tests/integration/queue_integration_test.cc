// The Redis Streams queue against a real redis-server: delivery, ack after
// the handler's work, redelivery after a crash, reclaim from a dead consumer,
// dead-lettering after repeated failures, riding out an outage, batch
// handlers (one status per message, acked after the handler returned), and
// the stream trimmer (never an entry some group has not processed).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/queue/stream_trimmer.h"
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
  long long Pending(const std::string& group = "workers") {
    RedisClient client(Options());
    Reply r = client.Command({"XPENDING", "test:stream", group});
    return (r && r->type == REDIS_REPLY_ARRAY) ? r->element[0]->integer : -1;
  }
  // The ids pending for `group`, oldest first.
  std::vector<std::string> PendingIds(const std::string& group = "workers") {
    RedisClient client(Options());
    Reply r = client.Command({"XPENDING", "test:stream", group, "-", "+", "1000"});
    std::vector<std::string> ids;
    for (std::size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
      ids.emplace_back(r->element[i]->element[0]->str, r->element[i]->element[0]->len);
    }
    return ids;
  }
  long long FailureCounts(const std::string& group = "workers") {
    RedisClient client(Options());
    Reply r = client.Command({"HLEN", FailureKey("test:stream", group)});
    return r ? r->integer : -1;
  }
  // Publishes n messages {"n": "0"}, ... and returns their ids.
  std::vector<std::string> PublishNumbered(int n, int from = 0) {
    RedisClient client(Options());
    std::vector<std::string> ids;
    for (int i = from; i < from + n; ++i) {
      Reply r = client.Command({"XADD", "test:stream", "*", "n", std::to_string(i)});
      ids.emplace_back(r->str, r->len);
    }
    return ids;
  }
  static std::vector<std::string> IdsOf(const std::vector<StreamMessage>& batch) {
    std::vector<std::string> ids;
    for (const auto& m : batch) ids.push_back(m.id);
    return ids;
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


// --- batch handlers ---

TEST_F(QueueTest, ABatchReadsCountMessagesAtOnceAndIsAckedOnlyAfterTheHandlerReturns) {
  PublishNumbered(250);
  auto options = Consumer("a");
  options.batch_size = 100;
  std::vector<std::size_t> sizes;
  std::vector<long long> pending_inside;
  StreamConsumer consumer(Options(), options, [&](const std::vector<StreamMessage>& batch) {
    sizes.push_back(batch.size());
    // While the handler runs (its transaction not committed), nothing is acked.
    pending_inside.push_back(Pending());
    return std::vector<absl::Status>(batch.size(), absl::OkStatus());
  });
  while (consumer.PollOnce() > 0) {
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
  EXPECT_EQ(pending_inside, (std::vector<long long>{100, 100, 50}));
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, ARetryInABatchLeavesItAndLaterMessagesPendingAndAcksTheEarlierOnes) {
  const auto ids = PublishNumbered(5);
  std::vector<std::vector<std::string>> batches;
  bool outage = true;
  StreamConsumer consumer(Options(), Consumer("a"), [&](const std::vector<StreamMessage>& batch) {
    batches.push_back(IdsOf(batch));
    std::vector<absl::Status> statuses(batch.size(), absl::OkStatus());
    // The third message meets an outage; the handler stored the others.
    if (outage) statuses[2] = absl::UnavailableError("database down");
    return statuses;
  });
  EXPECT_EQ(consumer.PollOnce(), 2);
  EXPECT_EQ(PendingIds(), (std::vector<std::string>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(FailureCounts(), 0);  // a retry is never counted
  outage = false;
  EXPECT_EQ(consumer.PollOnce(), 3);
  ASSERT_EQ(batches.size(), 2u);
  // The pending rest comes back first, as one batch, in order.
  EXPECT_EQ(batches[1], (std::vector<std::string>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, AHandlerReturningTheWrongNumberOfStatusesHasTheWholeBatchRetried) {
  const auto ids = PublishNumbered(4);
  bool buggy = true;
  int calls = 0;
  StreamConsumer consumer(Options(), Consumer("a"), [&](const std::vector<StreamMessage>& batch) {
    ++calls;
    if (buggy) return std::vector<absl::Status>(batch.size() - 1, absl::OkStatus());
    return std::vector<absl::Status>(batch.size(), absl::OkStatus());
  });
  // Far more attempts than max_deliveries: a mismatch is retried, never dead-lettered.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(consumer.PollOnce(), 0);
  EXPECT_EQ(PendingIds(), ids);
  EXPECT_EQ(FailureCounts(), 0);
  EXPECT_EQ(Length("test:stream:dead"), 0);
  buggy = false;
  EXPECT_EQ(consumer.PollOnce(), 4);
  EXPECT_EQ(Pending(), 0);
  EXPECT_EQ(calls, 6);
}

TEST_F(QueueTest, FailuresInABatchCountTowardsDeadLettersWhileTheOthersAreAcked) {
  const auto ids = PublishNumbered(3);
  StreamConsumer consumer(Options(), Consumer("a"), [&](const std::vector<StreamMessage>& batch) {
    std::vector<absl::Status> statuses;
    for (const auto& m : batch) {
      statuses.push_back(m.fields.at("n") == "1" ? absl::InvalidArgumentError("cannot parse") : absl::OkStatus());
    }
    return statuses;
  });
  EXPECT_EQ(consumer.PollOnce(), 2);  // the failure does not stop the batch
  EXPECT_EQ(PendingIds(), (std::vector<std::string>{ids[1]}));
  EXPECT_EQ(FailureCounts(), 1);
  EXPECT_EQ(Length("test:stream:dead"), 0);
  for (int i = 0; i < 5; ++i) consumer.PollOnce();  // max_deliveries is 3
  EXPECT_EQ(Pending(), 0);
  EXPECT_EQ(FailureCounts(), 0);  // deleted with the dead-lettering
  RedisClient client(Options());
  auto dead = ParseEntries(client.Command({"XRANGE", "test:stream:dead", "-", "+"}).get());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].fields.at("original_id"), ids[1]);
  EXPECT_EQ(dead[0].fields.at("code"), "INVALID_ARGUMENT");
}

TEST_F(QueueTest, ABatchNotAckedReachesTheHandlerAgainAfterARestartAndFromAnotherConsumer) {
  const auto ids = PublishNumbered(3);
  {
    // Crashes before its commit: nothing is acked.
    StreamConsumer crashed(Options(), Consumer("a"), [](const std::vector<StreamMessage>& batch) {
      return std::vector<absl::Status>(batch.size(), absl::UnavailableError("killed before the commit"));
    });
    crashed.PollOnce();
  }
  std::vector<std::vector<std::string>> seen;
  auto recording = [&](const std::vector<StreamMessage>& batch) {
    seen.push_back(IdsOf(batch));
    return std::vector<absl::Status>(batch.size(), absl::UnavailableError("killed again"));
  };
  {
    StreamConsumer restarted(Options(), Consumer("a"), recording);
    restarted.PollOnce();
  }
  // Real time, not an SLA: Redis measures idleness on its own clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  StreamConsumer survivor(Options(), Consumer("b"), [&](const std::vector<StreamMessage>& batch) {
    seen.push_back(IdsOf(batch));
    return std::vector<absl::Status>(batch.size(), absl::OkStatus());
  });
  EXPECT_EQ(survivor.PollOnce(), 3);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], ids);  // the same consumer re-read its batch
  EXPECT_EQ(seen[1], ids);  // another consumer claimed it, as one batch
  EXPECT_EQ(Pending(), 0);
}

TEST_F(QueueTest, ABacklogIsDrainedInBatchesOwnPendingFirstThenReclaimedThenNew) {
  auto options = Consumer("me");
  options.batch_size = 10;
  auto dead_options = Consumer("dead");
  dead_options.batch_size = 25;
  const auto dead_ids = PublishNumbered(25);
  const auto own_ids = PublishNumbered(10, 25);
  auto never = [](const std::vector<StreamMessage>& batch) {
    return std::vector<absl::Status>(batch.size(), absl::UnavailableError("never finishes"));
  };
  StreamConsumer dead(Options(), dead_options, never);
  dead.PollOnce();  // 25 pending on "dead"
  {
    StreamConsumer earlier(Options(), options, never);
    earlier.PollOnce();  // 10 pending on "me", from before a restart
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // idle past reclaim_idle (Redis's clock)
  const auto new_ids = PublishNumbered(5, 35);

  std::vector<std::vector<std::string>> batches;
  StreamConsumer me(Options(), options, [&](const std::vector<StreamMessage>& batch) {
    batches.push_back(IdsOf(batch));
    return std::vector<absl::Status>(batch.size(), absl::OkStatus());
  });
  while (me.PollOnce() > 0) {
  }
  const auto slice = [](const std::vector<std::string>& ids, std::size_t from, std::size_t to) {
    return std::vector<std::string>(ids.begin() + from, ids.begin() + to);
  };
  ASSERT_EQ(batches.size(), 5u);
  EXPECT_EQ(batches[0], own_ids);
  EXPECT_EQ(batches[1], slice(dead_ids, 0, 10));
  EXPECT_EQ(batches[2], slice(dead_ids, 10, 20));
  EXPECT_EQ(batches[3], slice(dead_ids, 20, 25));
  EXPECT_EQ(batches[4], new_ids);
  EXPECT_EQ(Pending(), 0);
}

// --- the stream trimmer ---

class TrimTest : public QueueTest {
 protected:
  // A consumer of `group` that acks what `ack` says (by message number).
  StreamConsumer ConsumerOf(const std::string& group, std::function<bool(int)> ack, int batch_size = 64) {
    auto options = Consumer(group + "-1");
    options.group = group;
    options.batch_size = batch_size;
    return StreamConsumer(Options(), options, [ack](const std::vector<StreamMessage>& batch) {
      std::vector<absl::Status> statuses;
      for (const auto& m : batch) {
        statuses.push_back(ack(std::stoi(m.fields.at("n"))) ? absl::OkStatus()
                                                            : absl::UnavailableError("not yet"));
      }
      return statuses;
    });
  }
  TrimResult Trim(std::vector<std::string> groups, long long dead_cap = kDefaultDeadLetterMaxLen) {
    StreamTrimmer trimmer(Options(), {"test:stream", std::move(groups), dead_cap});
    auto result = trimmer.TrimOnce();
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : TrimResult{};
  }
  std::string FirstId() {
    RedisClient client(Options());
    auto first = ParseEntries(client.Command({"XRANGE", "test:stream", "-", "+", "COUNT", "1"}).get());
    return first.empty() ? "" : first[0].id;
  }
};

TEST_F(TrimTest, RemovesWhatEveryGroupProcessed) {
  PublishNumbered(10);
  auto a = ConsumerOf("a", [](int) { return true; });
  auto b = ConsumerOf("b", [](int) { return true; });
  a.PollOnce();
  b.PollOnce();
  const TrimResult result = Trim({"a", "b"});
  EXPECT_EQ(result.trimmed, 10);
  EXPECT_EQ(Length("test:stream"), 0);
  // New entries after the trim are delivered as usual.
  PublishNumbered(2, 10);
  EXPECT_EQ(a.PollOnce(), 2);
}

TEST_F(TrimTest, ASlowConsumerHoldsTheTrimBackAtItsOldestUnackedEntry) {
  const auto ids = PublishNumbered(10);
  auto fast = ConsumerOf("fast", [](int) { return true; });
  fast.PollOnce();
  // "slow" has acked 0-3 and holds 4-6 pending (delivered, not processed);
  // 7-9 were never delivered to it.
  int limit = 4;
  auto slow = ConsumerOf("slow", [&](int n) { return n < limit; }, 7);
  slow.PollOnce();
  ASSERT_EQ(PendingIds("slow"), (std::vector<std::string>{ids[4], ids[5], ids[6]}));

  TrimResult result = Trim({"fast", "slow"});
  EXPECT_EQ(result.trimmed, 4);
  EXPECT_EQ(result.held_back_by, "slow");
  EXPECT_EQ(FirstId(), ids[4]);
  EXPECT_EQ(Trim({"fast", "slow"}).trimmed, 0);  // nothing more until it moves

  limit = 6;  // processes 4 and 5; 6 stays pending
  slow.PollOnce();
  EXPECT_EQ(Trim({"fast", "slow"}).trimmed, 2);
  EXPECT_EQ(FirstId(), ids[6]);
  limit = 100;
  while (slow.PollOnce() > 0) {
  }
  EXPECT_EQ(Trim({"fast", "slow"}).trimmed, 4);
  EXPECT_EQ(Length("test:stream"), 0);
}

TEST_F(TrimTest, AGroupThatDoesNotExistYetHoldsTheWholeStream) {
  PublishNumbered(5);
  auto a = ConsumerOf("a", [](int) { return true; });
  a.PollOnce();
  TrimResult result = Trim({"a", "late"});
  EXPECT_EQ(result.trimmed, 0);
  EXPECT_FALSE(result.min_id.has_value());
  EXPECT_EQ(result.held_back_by, "late");
  EXPECT_EQ(Length("test:stream"), 5);
  // Its consumer starts, creates the group at the stream's start and reads everything.
  int read = 0;
  auto late = ConsumerOf("late", [&](int) { ++read; return true; });
  late.PollOnce();
  EXPECT_EQ(read, 5);
  EXPECT_EQ(Trim({"a", "late"}).trimmed, 5);
}

TEST_F(TrimTest, AnExistingGroupNotInTheListHoldsTheTrimBackToo) {
  PublishNumbered(5);
  auto a = ConsumerOf("a", [](int) { return true; });
  a.PollOnce();
  auto other = ConsumerOf("other", [](int n) { return n < 2; });
  other.PollOnce();
  TrimResult result = Trim({"a"});
  EXPECT_EQ(result.trimmed, 2);
  EXPECT_EQ(result.held_back_by, "other");
}

TEST_F(TrimTest, AStreamOrGroupsThatDoNotExistAreNoError) {
  TrimResult result = Trim({"a"});
  EXPECT_EQ(result.trimmed, 0);
  // A stream nobody has declared a group for is never trimmed.
  PublishNumbered(3);
  EXPECT_EQ(Trim({}).trimmed, 0);
  EXPECT_EQ(Length("test:stream"), 3);
}

TEST_F(TrimTest, ConsumersInterleavedWithTheTrimmerNeverLoseAnEntry) {
  constexpr int kMessages = 2000;
  // Two groups at different speeds (batches of 7 and 64; "b" polls every
  // other round and leaves every 13th message pending once, as after an
  // outage), the trimmer after every poll.
  std::set<int> seen_a, seen_b, retried_b;
  int deleted_seen = 0;
  auto record = [&](std::set<int>& seen, bool retry_some) {
    return [&, retry_some](const std::vector<StreamMessage>& batch) {
      std::vector<absl::Status> statuses;
      for (const auto& m : batch) {
        if (m.fields.empty()) {  // a pending entry was trimmed: the bug this test is about
          ++deleted_seen;
          statuses.push_back(absl::OkStatus());
          continue;
        }
        const int n = std::stoi(m.fields.at("n"));
        if (retry_some && n % 13 == 0 && retried_b.insert(n).second) {
          statuses.push_back(absl::UnavailableError("outage"));
        } else {
          seen.insert(n);
          statuses.push_back(absl::OkStatus());
        }
      }
      return statuses;
    };
  };
  auto options_a = Consumer("a-1");
  options_a.group = "a";
  options_a.batch_size = 7;
  auto options_b = Consumer("b-1");
  options_b.group = "b";
  StreamConsumer a(Options(), options_a, record(seen_a, false));
  StreamConsumer b(Options(), options_b, record(seen_b, true));
  StreamTrimmer trimmer(Options(), {"test:stream", {"a", "b"}});
  long long trimmed = 0;
  auto trim = [&] {
    auto result = trimmer.TrimOnce();
    ASSERT_TRUE(result.ok()) << result.status();
    trimmed += result->trimmed;
  };
  StreamProducer producer(Options(), "test:stream");
  int published = 0;
  for (int round = 0; seen_a.size() < kMessages || seen_b.size() < kMessages; ++round) {
    if (published < kMessages) {
      std::vector<std::map<std::string, std::string>> chunk;
      for (int j = 0; j < 50; ++j) chunk.push_back({{"n", std::to_string(published++)}});
      ASSERT_EQ(producer.PublishBatch(chunk), chunk.size());
    }
    // Poll only a group with something to read (an empty read blocks).
    if (seen_a.size() < static_cast<std::size_t>(published)) a.PollOnce();
    trim();
    if (round % 2 == 0 && seen_b.size() < static_cast<std::size_t>(published)) b.PollOnce();
    trim();
    ASSERT_LT(round, 10000);
  }
  EXPECT_EQ(deleted_seen, 0);
  EXPECT_EQ(seen_a.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(seen_b.size(), static_cast<std::size_t>(kMessages));
  EXPECT_GT(retried_b.size(), 100u);
  EXPECT_EQ(trimmed, kMessages);  // and in the end all of it went
  EXPECT_EQ(Length("test:stream"), 0);
}

TEST_F(TrimTest, StaleFailureCountsGoAndLiveOnesStay) {
  const auto ids = PublishNumbered(4);
  auto a = ConsumerOf("a", [](int n) { return n < 2; });
  a.PollOnce();  // 0, 1 acked; 2, 3 pending
  RedisClient client(Options());
  // A count left behind for an acked entry (a consumer that lost a race),
  // and the live count of a pending one.
  client.Command({"HSET", FailureKey("test:stream", "a"), ids[0], "2", ids[2], "1"});
  TrimResult result = Trim({"a"});
  EXPECT_EQ(result.failures_swept, 1);
  Reply left = client.Command({"HKEYS", FailureKey("test:stream", "a")});
  ASSERT_EQ(left->elements, 1u);
  EXPECT_EQ(std::string(left->element[0]->str), ids[2]);
}

TEST_F(TrimTest, TheDeadLetterStreamIsCapped) {
  RedisClient client(Options());
  for (int i = 0; i < 500; ++i) client.Command({"XADD", "test:stream:dead", "*", "n", std::to_string(i)});
  TrimResult result = Trim({"a"}, 50);
  EXPECT_GT(result.dead_trimmed, 0);
  // MAXLEN ~ drops whole radix-tree nodes (stream-node-max-entries, 100 by default).
  EXPECT_GE(Length("test:stream:dead"), 50);
  EXPECT_LE(Length("test:stream:dead"), 50 + 100);
  // The newest dead letters are the ones kept.
  auto last = ParseEntries(client.Command({"XREVRANGE", "test:stream:dead", "+", "-", "COUNT", "1"}).get());
  EXPECT_EQ(last.at(0).fields.at("n"), "499");
}

TEST_F(TrimTest, ReportsAnOutageAsUnavailable) {
  StreamTrimmer trimmer(Options(), {"test:stream", {"a"}});
  redis_.Stop();
  auto result = trimmer.TrimOnce();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  redis_.Start();
  EXPECT_TRUE(trimmer.TrimOnce().ok());
}

TEST_F(TrimTest, TheWorkerTrimsInTheBackground) {
  PublishNumbered(20);
  auto a = ConsumerOf("a", [](int) { return true; });
  a.PollOnce();
  TrimSettings settings;
  settings.interval = std::chrono::milliseconds(10);
  StreamTrimWorker worker(Options(), TrimOptions{"test:stream", {"a"}}, settings);
  worker.Start();
  // Waits for the worker's pass (real time, bounded), not for any SLA.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Length("test:stream") > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  EXPECT_EQ(Length("test:stream"), 0);
}

}  // namespace
}  // namespace voc::queue
