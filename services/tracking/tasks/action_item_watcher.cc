#include "services/tracking/tasks/action_item_watcher.h"

#include <algorithm>

#include "common/log/log.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking::tasks {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
// A sender that neither reported success nor failure this long is presumed
// dead and its notification retried (the id de-duplicates downstream).
constexpr std::int64_t kStaleClaimMs = 60 * 1000;
constexpr int kItemsPerRun = 1000;

std::string DueText(std::int64_t ms) { return FormatRfc3339(FromMillis(ms)); }

}  // namespace

ItemWatchPlan ItemWatchPlanFromConfig(const Config& config) {
  ItemWatchPlan plan;
  const std::int64_t warn = config.ServiceInt("action_item_warn_before_ms", kDayMs);
  if (warn > 0) plan.warnings.push_back({"before", 0, warn});
  plan.escalation.push_back({1, 0, "manager"});
  plan.escalation.push_back({2, config.ServiceInt("action_item_level2_after_ms", kDayMs),
                             "department_head"});
  return plan;
}

absl::StatusOr<ItemWatchPlan> ItemWatchPlanFromPolicies(const sla::SlaPolicies& policies) {
  auto policy = policies.Find({"action_item", "", "", ""});
  if (!policy.ok()) return policy.status();
  ItemWatchPlan plan;
  for (const auto& w : (*policy)->resolution.warnings) {
    if (w.before > 0) plan.warnings.push_back(w);
  }
  plan.escalation = (*policy)->resolution.escalation;
  plan.calendar = policies.FindCalendar((*policy)->calendar);
  if (plan.calendar == nullptr) {
    return absl::NotFoundError("SLA policy " + (*policy)->id + " names unknown calendar " +
                               (*policy)->calendar);
  }
  return plan;
}

std::string ItemNotificationId(const std::string& project_id, const std::string& item_id,
                               const std::string& point_key) {
  return "item:" + project_id + ":" + item_id + ":" + point_key;
}

ActionItemWatcher::ActionItemWatcher(ProjectStore& store, const Clock& clock, Notifier& notifier,
                                     std::shared_ptr<const org::OrgDirectory> directory,
                                     ItemWatchPlan plan)
    : store_(store),
      clock_(clock),
      notifier_(notifier),
      directory_(std::move(directory)),
      plan_(std::move(plan)) {
  // On a business calendar a lead of `before` working time can span nights,
  // weekends and a long holiday: look that far ahead in wall time.
  constexpr std::int64_t kLongestHolidayMs = 10 * kDayMs;
  for (const auto& w : plan_.warnings) {
    const std::int64_t lead = plan_.calendar ? w.before * 4 + kLongestHolidayMs : w.before;
    horizon_ms_ = std::max(horizon_ms_, lead);
  }
  std::sort(plan_.escalation.begin(), plan_.escalation.end(),
            [](const auto& a, const auto& b) { return a.level < b.level; });
  last_point_ = plan_.escalation.empty()
                    ? "breach"
                    : "level:" + std::to_string(plan_.escalation.back().level);
}

std::int64_t ActionItemWatcher::Before(std::int64_t due_ms, std::int64_t before) const {
  if (plan_.calendar == nullptr) return due_ms - before;
  // The latest moment with `before` working time left until the due time:
  // Between(t, due) only shrinks as t grows, so bisect on it.
  std::int64_t lo = due_ms - horizon_ms_, hi = due_ms;
  if (plan_.calendar->Between(lo, due_ms) < before) return lo;
  while (hi - lo > 1000) {  // to the second
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (plan_.calendar->Between(mid, due_ms) >= before) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::int64_t ActionItemWatcher::After(std::int64_t due_ms, std::int64_t after) const {
  if (plan_.calendar == nullptr || after == 0) return due_ms + after;
  return plan_.calendar->Add(due_ms, after);
}

std::vector<ActionItemWatcher::Point> ActionItemWatcher::PointsOf(const WatchedItem& item) const {
  std::vector<Point> points;
  for (const auto& w : plan_.warnings) {
    if (w.before > 0) {
      points.push_back({"warn:" + w.id, Before(item.due_ms, w.before), "sla_warning", 0, ""});
    }
  }
  points.push_back({"breach", item.due_ms, "sla_breach", 0, ""});
  for (const auto& level : plan_.escalation) {
    points.push_back({"level:" + std::to_string(level.level), After(item.due_ms, level.after_breach),
                      "escalation", level.level, level.target});
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const Point& a, const Point& b) { return a.at_ms < b.at_ms; });
  return points;
}

std::vector<std::string> ActionItemWatcher::RecipientsOf(const WatchedItem& item,
                                                         const Point& point) const {
  const org::OrgDirectory& dir = *directory_;
  std::string who;
  if (point.kind != "escalation") {
    who = item.person.empty() ? dir.HeadOf(item.department) : item.person;
  } else if (point.target == "manager") {
    who = dir.EscalationTargetFor(item.department, item.person);
  } else if (point.target == "manager_of_manager") {
    who = dir.ManagerOf(dir.EscalationTargetFor(item.department, item.person));
    if (who.empty()) who = dir.ActiveOrAbove(dir.HeadOf(item.department));
  } else if (point.target == "department_head") {
    who = dir.ActiveOrAbove(dir.HeadOf(item.department));
  } else if (point.target.rfind("person:", 0) == 0) {
    // An inactive named person: their nearest active manager instead.
    who = dir.UnlessInactive(point.target.substr(7));
  }
  if (who.empty()) return {};
  return {who};
}

Notification ActionItemWatcher::NotificationFor(const WatchedItem& item, const Point& point,
                                                const std::string& point_key,
                                                const std::vector<std::string>& recipients) const {
  Notification n;
  n.kind = point.kind;
  n.recipients = recipients;
  n.id = ItemNotificationId(item.project_id, item.item_id, point_key);
  n.department = item.department;
  const std::string what = "action item \"" + item.title + "\" of project \"" + item.project_title +
                           "\" (projects/" + item.project_id + "/actionItems/" + item.item_id + ")";
  if (point.kind == "sla_warning") {
    n.subject = "Due soon: " + what;
  } else if (point.kind == "sla_breach") {
    n.subject = "Overdue: " + what;
  } else {
    n.subject = "Escalation level " + std::to_string(point.level) + ": " + what + " is overdue";
  }
  n.body = n.subject + ", owned by " + item.department +
           (item.person.empty() ? "" : "/" + item.person) + ", due " + DueText(item.due_ms) + ".";
  n.params = {{"subject_kind", "action_item"},
              {"project_id", item.project_id},
              {"project_title", item.project_title},
              {"item_id", item.item_id},
              {"item_title", item.title},
              {"owner_department", item.department},
              {"owner_person", item.person},
              {"due_time", DueText(item.due_ms)},
              {"point", point.name}};
  if (point.level > 0) n.params["level"] = std::to_string(point.level);
  return n;
}

void ActionItemWatcher::Deliver(const std::string& project_id, const std::string& item_id,
                                const std::string& point_key, const Notification& n) {
  const bool sent = n.recipients.empty() || notifier_.Send(n);
  if (!sent) log::Warn("action_item_notification_failed", {{"id", n.id}});
  const absl::Status recorded = store_.RecordNotification(project_id, item_id, point_key, sent);
  if (!recorded.ok()) {
    // The claim goes stale and a later run retries it.
    log::Warn("action_item_notification_unrecorded", {{"id", n.id}, {"error", recorded.ToString()}});
  }
}

absl::StatusOr<std::vector<std::string>> ActionItemWatcher::WatchOnce() {
  const std::int64_t now_ms = ToMillis(clock_.Now());
  std::vector<std::string> fired;
  // Retries first (points whose notification failed in an earlier run, or
  // whose sender stopped), so a point fired below is not retried at once.
  VOC_ASSIGN_OR_RETURN(const auto unsent, store_.FindUnsentPoints(now_ms - kStaleClaimMs));
  for (const UnsentPoint& u : unsent) {
    VOC_ASSIGN_OR_RETURN(const bool claimed, store_.ClaimRetry(u, now_ms, now_ms - kStaleClaimMs));
    if (!claimed) continue;
    Notification n;
    n.id = ItemNotificationId(u.project_id, u.item_id, u.point);
    n.kind = u.point.rfind("warn:", 0) == 0    ? "sla_warning"
             : u.point.rfind("breach", 0) == 0 ? "sla_breach"
                                               : "escalation";
    if (!u.target.empty()) n.recipients = {u.target};
    n.subject = "Action item projects/" + u.project_id + "/actionItems/" + u.item_id + ": " + u.point;
    n.body = n.subject;
    n.params = {{"subject_kind", "action_item"}, {"project_id", u.project_id},
                {"item_id", u.item_id}, {"point", u.point}};
    Deliver(u.project_id, u.item_id, u.point, n);
  }
  VOC_ASSIGN_OR_RETURN(const auto items,
                       store_.FindWatchedItems(now_ms + horizon_ms_, last_point_, kItemsPerRun));
  for (const WatchedItem& item : items) {
    VOC_ASSIGN_OR_RETURN(const auto already, store_.FiredPoints(item.project_id, item.item_id));
    for (const Point& point : PointsOf(item)) {
      if (point.at_ms > now_ms) break;
      const std::string key = point.name + "@" + std::to_string(item.due_ms);
      if (already.count(key)) continue;
      // A warning is for before the due moment; past it the breach speaks.
      if (point.kind == "sla_warning" && now_ms >= item.due_ms) continue;
      const std::vector<std::string> recipients = RecipientsOf(item, point);
      const std::string target = recipients.empty() ? "" : recipients.front();
      std::string detail = point.kind == "sla_warning"
                               ? "action item " + item.item_id + " due " + DueText(item.due_ms) +
                                     ": warning (" + point.name + ") to "
                               : point.kind == "sla_breach"
                                     ? "action item " + item.item_id + " is past its due time " +
                                           DueText(item.due_ms) + ": breach notice to "
                                     : "action item " + item.item_id + " overdue since " +
                                           DueText(item.due_ms) + ": escalated (level " +
                                           std::to_string(point.level) + ") to ";
      detail += target.empty() ? "nobody (the directory names no one)" : target;
      const std::string action = point.kind == "sla_warning"   ? "action_item_warning"
                                 : point.kind == "sla_breach" ? "action_item_overdue"
                                                              : "action_item_escalated";
      VOC_ASSIGN_OR_RETURN(const bool won,
                           store_.FirePoint(item.project_id, item.item_id, key, target,
                                            HistoryRecord{now_ms, "system:tracking", action, detail}));
      if (!won) continue;  // another replica fired it
      const Notification n = NotificationFor(item, point, key, recipients);
      fired.push_back(n.id);
      log::Info("action_item_point_fired", {{"id", n.id}, {"target", target}});
      Deliver(item.project_id, item.item_id, key, n);
    }
  }
  return fired;
}

}  // namespace voc::tracking::tasks
