// Watches the due dates of improvement projects' action items like an SLA
// (issue 11): a warning before the due moment, the breach, then escalation
// in the item owner's chain (level 1 the owner's manager, level 2 the
// department head, ...), each exactly once per due date, across restarts
// and replicas: a point fires only when its row in action_item_fired is
// inserted, in the same transaction as the project's history entry. The
// notification goes out through the Notifier after the commit, with the
// stable id "item:<project>:<item>:<point>"; one that failed (or whose
// sender died) is retried by a later run and de-duplicated downstream by
// that id. Only open items of open projects are watched; re-dating an item
// starts a fresh set of points (the due moment is part of the point:
// "breach@<due_ms>").
//
// Durations are business time on the plan's calendar (the "action_item"
// SLA policy's, config/sla_policies.yaml), or wall-clock time when the plan
// has no calendar.
//
// Thread safety: WatchOnce may run on several threads and replicas at once.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/notify/notifier.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/store/project_store.h"

namespace voc::tracking::tasks {

struct ItemWatchPlan {
  // Warnings `before` the due moment (fraction-based points are not used:
  // an item has no start to take a fraction of).
  std::vector<sla::WarningPoint> warnings;
  // After the breach, in level order; targets "manager",
  // "manager_of_manager", "department_head" or "person:<id>".
  std::vector<sla::EscalationLevel> escalation;
  // Counts the durations above; null: wall-clock time. Must outlive the
  // watcher (the policies that own it are kept by tracking's main).
  const sla::BusinessCalendar* calendar = nullptr;
};

// The plan of the SLA policy of kind "action_item": its resolution clock's
// warnings given as `before` (a fraction has no start to count from for an
// item) and its escalation chain, on its calendar. NOT_FOUND when the
// policies have none.
absl::StatusOr<ItemWatchPlan> ItemWatchPlanFromPolicies(const sla::SlaPolicies& policies);

// services.tracking.action_item_warn_before_ms (default 1 day; 0 = no
// warning) and .action_item_level2_after_ms (default 1 day): a warning, the
// breach, level 1 the owner's manager at the breach, level 2 the department
// head that long after.
ItemWatchPlan ItemWatchPlanFromConfig(const Config& config);

class ActionItemWatcher {
 public:
  ActionItemWatcher(ProjectStore& store, const Clock& clock, Notifier& notifier,
                    std::shared_ptr<const org::OrgDirectory> directory, ItemWatchPlan plan);

  // Fires every point due by now that has not fired, and retries unsent
  // notifications. Returns the notification ids fired by this run.
  absl::StatusOr<std::vector<std::string>> WatchOnce();

 private:
  struct Point {
    std::string name;  // "warn:<id>", "breach", "level:<n>"
    std::int64_t at_ms = 0;
    std::string kind;  // sla_warning, sla_breach, escalation
    int level = 0;
    std::string target;  // for escalation levels
  };
  std::vector<Point> PointsOf(const WatchedItem& item) const;
  // `before` (business time on the plan's calendar) ahead of `due_ms`.
  std::int64_t Before(std::int64_t due_ms, std::int64_t before) const;
  std::int64_t After(std::int64_t due_ms, std::int64_t after) const;
  // Who a point goes to (person ids); empty when the directory has nobody.
  std::vector<std::string> RecipientsOf(const WatchedItem& item, const Point& point) const;
  Notification NotificationFor(const WatchedItem& item, const Point& point,
                               const std::string& point_key,
                               const std::vector<std::string>& recipients) const;
  void Deliver(const std::string& project_id, const std::string& item_id,
               const std::string& point_key, const Notification& n);

  ProjectStore& store_;
  const Clock& clock_;
  Notifier& notifier_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  ItemWatchPlan plan_;
  std::int64_t horizon_ms_ = 0;  // how far ahead of now a due time can have a warning due
  std::string last_point_;
};

// "item:<project>:<item>:<point>"
std::string ItemNotificationId(const std::string& project_id, const std::string& item_id,
                               const std::string& point_key);

}  // namespace voc::tracking::tasks
