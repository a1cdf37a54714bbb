#include "common/service/periodic_worker.h"

#include <exception>
#include <utility>

#include "common/log/log.h"

namespace voc {

PeriodicWorker::PeriodicWorker(std::string name, std::chrono::milliseconds interval, std::function<void()> tick,
                               FirstTick first)
    : name_(std::move(name)), interval_(interval), tick_(std::move(tick)), first_(first) {}

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Start() {
  if (interval_.count() <= 0 || thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    woken_ = false;  // a Wake() before Start() is no request for an early tick
  }
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PeriodicWorker::ClearWake() {
  std::lock_guard lock(mu_);
  woken_ = false;
}

void PeriodicWorker::Loop() {
  std::unique_lock lock(mu_);
  if (first_ == FirstTick::kAfterOneInterval) {
    cv_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    try {
      tick_();
    } catch (const std::exception& e) {
      log::Error("periodic_task_failed", {{"task", name_}, {"error", e.what()}});
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
}

}  // namespace voc
