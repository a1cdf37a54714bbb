// Time for the whole system comes from a Clock passed in at construction, so
// tests use a FakeClock and demos a DevClock that an admin RPC moves forward.
// Nothing in services/ may read std::chrono::system_clock directly.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

namespace voc {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

// Thread safety: every implementation is safe to call from several threads.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// Wall clock plus an offset that only grows. Used when dev mode is on: the
// DevClockService advances it so a 24-hour SLA breaches in seconds.
class DevClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::system_clock::now() + Duration(offset_.load());
  }
  // REQUIRES: by >= 0.
  void Advance(Duration by) { offset_.fetch_add(by.count()); }
  Duration offset() const { return Duration(offset_.load()); }

 private:
  std::atomic<Duration::rep> offset_{0};
};

// A clock that moves only when told to. For unit tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(Duration by) {
    std::lock_guard lock(mu_);
    now_ += by;
  }
  void Set(TimePoint t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

}  // namespace voc
