// The housekeeping loop shared by the services. Intervals are either tiny
// (the loop must keep going) or an hour (Stop must not wait for it).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/service/periodic_worker.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

// Counts ticks and lets the test wait (bounded) for a number of them.
class TickCounter {
 public:
  void Tick() {
    std::lock_guard lock(mu_);
    ++ticks_;
    cv_.notify_all();
  }
  bool WaitFor(int ticks) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return ticks_ >= ticks; });
  }
  int ticks() {
    std::lock_guard lock(mu_);
    return ticks_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int ticks_ = 0;
};

TEST(PeriodicWorkerTest, FirstTickImmediatelyThenStopDoesNotWaitOutTheInterval) {
  TickCounter counter;
  PeriodicWorker worker("test", 1h, [&] { counter.Tick(); }, PeriodicWorker::FirstTick::kImmediately);
  worker.Start();
  ASSERT_TRUE(counter.WaitFor(1));
  const auto before = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 10min);  // woken, not timed out
  EXPECT_EQ(counter.ticks(), 1);
}

TEST(PeriodicWorkerTest, ATickThatThrowsDoesNotStopTheLoop) {
  TickCounter counter;
  PeriodicWorker worker("test", 1ms, [&] {
    counter.Tick();
    if (counter.ticks() <= 3) throw std::runtime_error("database down");
  });
  worker.Start();
  EXPECT_TRUE(counter.WaitFor(5));
}

TEST(PeriodicWorkerTest, WaitsOneIntervalBeforeTheFirstTickByDefault) {
  TickCounter counter;
  {
    PeriodicWorker worker("test", 1h, [&] { counter.Tick(); });
    worker.Start();
  }  // destroyed: stops
  EXPECT_EQ(counter.ticks(), 0);
}

TEST(PeriodicWorkerTest, AZeroIntervalSwitchesTheTaskOff) {
  TickCounter counter;
  PeriodicWorker worker("test", 0ms, [&] { counter.Tick(); }, PeriodicWorker::FirstTick::kImmediately);
  worker.Start();
  worker.Stop();
  EXPECT_EQ(counter.ticks(), 0);
}

TEST(PeriodicWorkerTest, WakeRunsTheNextTickWithoutWaitingOutTheInterval) {
  TickCounter counter;
  PeriodicWorker worker("test", 1h, [&] { counter.Tick(); }, PeriodicWorker::FirstTick::kImmediately);
  worker.Start();
  ASSERT_TRUE(counter.WaitFor(1));
  worker.Wake();
  EXPECT_TRUE(counter.WaitFor(2)) << "only Wake() can run a tick within an hour-long interval";
}

TEST(PeriodicWorkerTest, ClearWakeDropsAWakeThatCameDuringTheTick) {
  TickCounter counter;
  PeriodicWorker* self = nullptr;
  PeriodicWorker worker("test", 1h, [&] {
    self->Wake();       // someone wakes the loop while the tick runs ...
    self->ClearWake();  // ... and the tick decides to wait the interval anyway
    counter.Tick();
  }, PeriodicWorker::FirstTick::kImmediately);
  self = &worker;
  worker.Start();
  ASSERT_TRUE(counter.WaitFor(1));
  std::this_thread::sleep_for(200ms);  // time for a wrongly woken second tick
  EXPECT_EQ(counter.ticks(), 1);
}

}  // namespace
}  // namespace voc
