// Reloadable<T>: holds the current immutable version of a configuration
// object (taxonomy, red-line list) and lets it be replaced at runtime.
//
// Readers take a shared_ptr snapshot with Get() and keep using it for the
// whole of one analysis, so a reload never changes rules half-way through a
// document; the old version is freed when its last reader lets go.
//
// Thread safety: Get() and Replace() may be called concurrently from any
// threads (std::atomic<std::shared_ptr>).
#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <utility>

namespace voc::triage {

template <typename T>
class Reloadable {
 public:
  explicit Reloadable(std::shared_ptr<const T> initial) : current_(std::move(initial)) {
    if (!current_.load()) throw std::invalid_argument("Reloadable: null initial value");
  }

  std::shared_ptr<const T> Get() const { return current_.load(std::memory_order_acquire); }

  // Installs `next` (already validated) and returns the version it replaced.
  std::shared_ptr<const T> Replace(std::shared_ptr<const T> next) {
    if (!next) throw std::invalid_argument("Reloadable: null replacement");
    return current_.exchange(std::move(next), std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
};

}  // namespace voc::triage
