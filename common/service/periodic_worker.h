// A background loop for a service's housekeeping (SLA sweeps, outbox drains,
// rule checks, due verifications): calls `tick` every `interval` of real time
// on its own thread. What a tick does with the time is its own business: the
// services decide what is due from their injected clock, this only decides
// how often to look.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace voc {

class PeriodicWorker {
 public:
  enum class FirstTick { kImmediately, kAfterOneInterval };

  // A tick that throws is logged (`periodic_task_failed`) and the loop goes
  // on; ticks never overlap. An interval <= 0 makes Start() a no-op (the
  // task is switched off).
  PeriodicWorker(std::string name, std::chrono::milliseconds interval, std::function<void()> tick,
                 FirstTick first = FirstTick::kAfterOneInterval);
  ~PeriodicWorker();  // Stop()s
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void Start();
  // Waits for a running tick to finish; no tick starts afterwards.
  void Stop();
  // Runs the next tick now instead of at the end of the interval (after the
  // running one, if any). Cheap and thread-safe; a no-op when not started.
  void Wake();
  // Forgets a Wake() that arrived while the current tick ran, so the next
  // tick waits the whole interval (a tick that failed calls it: retries are
  // paced by the interval, not by whoever woke the loop). Thread-safe.
  void ClearWake();

 private:
  void Loop();

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> tick_;
  FirstTick first_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace voc
