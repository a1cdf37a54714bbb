// Turns one stored-to-be request into its deliveries: its own recipients
// plus the subscriptions' (subscriptions.h), each by each of their channels,
// rendered in the recipient's language (templates.h), with a stable message
// id "<request id>/<person>/<channel>" that receivers de-duplicate on.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/org/org_directory.h"
#include "services/notify/store/notify_store.h"
#include "services/notify/subscriptions.h"

namespace voc::notify {

// The rules in force; a reload swaps them whole (a refused reload leaves
// them). Thread safety: Get/Set from any thread.
class SubscriptionsHolder {
 public:
  explicit SubscriptionsHolder(Subscriptions initial)
      : current_(std::make_shared<const Subscriptions>(std::move(initial))) {}
  std::shared_ptr<const Subscriptions> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(Subscriptions next) {
    auto swapped = std::make_shared<const Subscriptions>(std::move(next));
    std::lock_guard lock(mu_);
    current_ = std::move(swapped);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Subscriptions> current_;
};

std::string MessageIdOf(const std::string& request_id, const std::string& person, const std::string& channel);

class Expander {
 public:
  Expander(std::shared_ptr<const org::OrgDirectory> directory, const SubscriptionsHolder& subscriptions,
           std::string case_link_base)
      : directory_(std::move(directory)), subscriptions_(subscriptions), case_link_base_(std::move(case_link_base)) {}

  // Deliveries due at `now_ms`. A recipient who cannot be reached by a
  // channel (no e-mail address, unknown or inactive person) gets a delivery that is
  // failed at once with the reason, so the log shows it.
  ExpandedRequest Expand(const v1::NotificationRequest& request, std::int64_t now_ms) const;

 private:
  std::shared_ptr<const org::OrgDirectory> directory_;
  const SubscriptionsHolder& subscriptions_;
  std::string case_link_base_;
};

}  // namespace voc::notify
