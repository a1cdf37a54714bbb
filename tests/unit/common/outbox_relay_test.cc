// storage::OutboxRelay over a fake outbox (a list of pending rows behind a
// batch function) and a fake publisher: batches, failures, wake-ups, no
// overlapping passes, one log line per outage.
#include "common/storage/outbox_relay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/queue/publisher.h"

namespace voc::storage {
namespace {

using namespace std::chrono_literals;

// Records what it appends; `accept` says how many of a batch the queue takes.
class FakePublisher final : public queue::Publisher {
 public:
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    std::lock_guard lock(mu_);
    const std::size_t take = std::min(batch.size(), accept.load());
    for (std::size_t i = 0; i < take; ++i) published.push_back(batch[i].at("id"));
    return take;
  }
  std::vector<std::string> Published() {
    std::lock_guard lock(mu_);
    return published;
  }
  std::atomic<std::size_t> accept{SIZE_MAX};

 private:
  std::mutex mu_;
  std::vector<std::string> published;
};

// The outbox: rows claimed oldest first, the accepted prefix removed. Counts
// passes' batches, can fail like a database, can hold a batch until
// released, and notices two batches running at once.
class FakeOutbox {
 public:
  explicit FakeOutbox(FakePublisher& publisher) : publisher_(publisher) {}

  void Add(int rows) {
    std::lock_guard lock(mu_);
    for (int i = 0; i < rows; ++i) pending_.push_back("row-" + std::to_string(next_++));
  }

  absl::StatusOr<OutboxBatch> RelayBatch(int batch_size) {
    if (running_.fetch_add(1) > 0) overlapped = true;
    struct Done {
      FakeOutbox* outbox;
      ~Done() {
        outbox->running_.fetch_sub(1);
        std::lock_guard lock(outbox->mu_);
        ++outbox->batches_;
        outbox->cv_.notify_all();
      }
    } done{this};
    {
      std::unique_lock lock(mu_);
      batch_started_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
    }
    if (!database_error.ok()) return database_error;
    std::vector<queue::MessageFields> claimed;
    {
      std::lock_guard lock(mu_);
      const std::size_t take = std::min<std::size_t>(pending_.size(), static_cast<std::size_t>(batch_size));
      for (std::size_t i = 0; i < take; ++i) claimed.push_back({{"id", pending_[i]}});
    }
    OutboxBatch batch;
    batch.claimed = claimed.size();
    if (claimed.empty()) return batch;
    batch.published = publisher_.Publish(claimed);
    std::lock_guard lock(mu_);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(batch.published));
    return batch;
  }

  OutboxRelay::RelayBatch Function() {
    return [this](int batch_size) { return RelayBatch(batch_size); };
  }

  // Waits (bounded) until `n` batches have finished.
  bool WaitForBatches(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return batches_ >= n; });
  }
  int batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }
  std::size_t pending() {
    std::lock_guard lock(mu_);
    return pending_.size();
  }
  // Makes the next batches wait in RelayBatch until Release().
  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
    batch_started_ = false;
  }
  bool WaitUntilABatchIsHeld() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return batch_started_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }

  absl::Status database_error;  // set before passes run
  std::atomic<bool> overlapped{false};

 private:
  FakePublisher& publisher_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;
  int next_ = 0;
  int batches_ = 0;
  bool hold_ = false;
  bool batch_started_ = false;
  std::atomic<int> running_{0};
};

OutboxRelayOptions Options(std::chrono::milliseconds interval, int batch_size) {
  OutboxRelayOptions options;
  options.name = "test";
  options.interval = interval;
  options.batch_size = batch_size;
  return options;
}

class OutboxRelayTest : public ::testing::Test {
 protected:
  FakePublisher publisher_;
  FakeOutbox outbox_{publisher_};
};

TEST_F(OutboxRelayTest, RelaysEveryPendingRowBatchByBatchInOrder) {
  outbox_.Add(5);
  OutboxRelay relay(Options(0ms, 2), outbox_.Function());
  EXPECT_EQ(relay.RelayPending(), 5u);
  EXPECT_EQ(publisher_.Published(),
            (std::vector<std::string>{"row-0", "row-1", "row-2", "row-3", "row-4"}));
  EXPECT_EQ(outbox_.batches(), 3);  // 2 + 2 + a short 1 ends the pass
  EXPECT_FALSE(relay.last_pass_failed());
}

TEST_F(OutboxRelayTest, AShortBatchEndsThePass) {
  // Another replica holds the rest: this relay's claim comes back short.
  outbox_.Add(3);
  OutboxRelay relay(Options(0ms, 5), outbox_.Function());
  EXPECT_EQ(relay.RelayPending(), 3u);
  EXPECT_EQ(outbox_.batches(), 1) << "a batch shorter than batch_size means nothing more is free";
}

TEST_F(OutboxRelayTest, AFullBatchIsFollowedByAnotherUntilNothingIsClaimed) {
  outbox_.Add(4);
  OutboxRelay relay(Options(0ms, 2), outbox_.Function());
  EXPECT_EQ(relay.RelayPending(), 4u);
  EXPECT_EQ(outbox_.batches(), 3);  // 2, 2, then an empty claim
}

TEST_F(OutboxRelayTest, RowsTheQueueRefusedStayPendingAndThePassFails) {
  outbox_.Add(5);
  publisher_.accept = 1;
  OutboxRelay relay(Options(0ms, 5), outbox_.Function());
  EXPECT_EQ(relay.RelayPending(), 1u);
  EXPECT_TRUE(relay.last_pass_failed());
  EXPECT_EQ(outbox_.pending(), 4u);
  EXPECT_EQ(outbox_.batches(), 1);

  publisher_.accept = SIZE_MAX;  // the queue is back
  EXPECT_EQ(relay.RelayPending(), 4u);
  EXPECT_FALSE(relay.last_pass_failed());
  EXPECT_EQ(publisher_.Published().size(), 5u);
}

TEST_F(OutboxRelayTest, ADatabaseErrorEndsThePassAsFailed) {
  outbox_.Add(2);
  outbox_.database_error = absl::UnavailableError("relaying feedback: database is locked");
  OutboxRelay relay(Options(0ms, 5), outbox_.Function());
  EXPECT_EQ(relay.RelayPending(), 0u);
  EXPECT_TRUE(relay.last_pass_failed());
  EXPECT_EQ(outbox_.batches(), 1);
}

TEST_F(OutboxRelayTest, NotifyWakesTheLoopBeforeTheInterval) {
  OutboxRelay relay(Options(1h, 10), outbox_.Function());
  relay.Start();  // first pass at once
  ASSERT_TRUE(outbox_.WaitForBatches(1));
  outbox_.Add(3);
  relay.Notify();
  ASSERT_TRUE(outbox_.WaitForBatches(2)) << "an hour-long interval: only Notify() can have run this pass";
  relay.Stop();
  EXPECT_EQ(publisher_.Published().size(), 3u);
}

TEST_F(OutboxRelayTest, AfterAFailedPassNotifyWaitsForTheInterval) {
  publisher_.accept = 0;  // the queue is down
  outbox_.Add(1);
  outbox_.Hold();
  OutboxRelay relay(Options(1h, 10), outbox_.Function());
  relay.Start();
  ASSERT_TRUE(outbox_.WaitUntilABatchIsHeld());
  // A submission during the failing pass, and one after it.
  relay.Notify();
  outbox_.Release();
  ASSERT_TRUE(outbox_.WaitForBatches(1));
  relay.Notify();
  // Give a wrongly woken loop ample time to run a second pass (the interval
  // is an hour, so none is due).
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(outbox_.batches(), 1) << "a Notify() turned the outage into a retry";
  EXPECT_TRUE(relay.last_pass_failed());
  relay.Stop();
}

TEST_F(OutboxRelayTest, PassesNeverOverlap) {
  outbox_.Add(2000);
  OutboxRelay relay(Options(1ms, 7), outbox_.Function());
  relay.Start();
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        outbox_.Add(5);
        relay.Notify();
        relay.RelayPending();
      }
    });
  }
  for (auto& caller : callers) caller.join();
  relay.Stop();
  relay.RelayPending();
  EXPECT_FALSE(outbox_.overlapped) << "two passes ran batches at the same time";
  EXPECT_EQ(outbox_.pending(), 0u);
  const auto published = publisher_.Published();
  EXPECT_EQ(published.size(), 2000u + 4 * 20 * 5);
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end(), [](const std::string& a, const std::string& b) {
    return std::stoi(a.substr(4)) < std::stoi(b.substr(4));
  })) << "rows left the outbox out of their order";
}

TEST_F(OutboxRelayTest, LogsAnOutageOnceAndItsEnd) {
  outbox_.Add(1);
  publisher_.accept = 0;
  OutboxRelay relay(Options(0ms, 5), outbox_.Function());
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 4; ++i) relay.RelayPending();
  publisher_.accept = SIZE_MAX;
  relay.RelayPending();
  relay.RelayPending();
  const std::string logs = ::testing::internal::GetCapturedStderr();
  auto count = [&](const std::string& event) {
    std::size_t n = 0;
    for (auto at = logs.find(event); at != std::string::npos; at = logs.find(event, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"outbox_relay_failed\""), 1u) << logs;
  EXPECT_EQ(count("\"outbox_relay_resumed\""), 1u) << logs;
  EXPECT_NE(logs.find("\"outbox\":\"test\""), std::string::npos) << logs;
}

}  // namespace
}  // namespace voc::storage
