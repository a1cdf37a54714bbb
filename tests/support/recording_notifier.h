// The notifier fake for tests: records what it was asked to deliver and can
// be switched to fail, to test retries of the outside edge.
#pragma once

#include <mutex>
#include <vector>

#include "common/notify/notifier.h"

namespace voc::testing {

// Thread-safe: services under test notify from their worker threads.
class RecordingNotifier final : public Notifier {
 public:
  bool Send(const Notification& n) override {
    std::lock_guard lock(mu_);
    attempts_.push_back(n);
    if (failing_) return false;
    sent_.push_back(n);
    return true;
  }
  // While failing, Send() records the attempt and reports a failed delivery.
  void set_failing(bool failing) {
    std::lock_guard lock(mu_);
    failing_ = failing;
  }
  // Notifications delivered (while not failing).
  std::vector<Notification> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  // Every call, delivered or not.
  std::vector<Notification> attempts() {
    std::lock_guard lock(mu_);
    return attempts_;
  }

 private:
  std::mutex mu_;
  bool failing_ = false;
  std::vector<Notification> sent_;
  std::vector<Notification> attempts_;
};

}  // namespace voc::testing
