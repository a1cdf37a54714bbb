#include "services/tracking/sla_sweeper.h"

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::tracking {
namespace {

constexpr char kSweeperActor[] = "system:sla-sweeper";

std::string OwnerText(const std::string& department, const std::string& person) {
  return person.empty() ? department : department + "/" + person;
}

}  // namespace

SweepReport SlaSweeper::SweepOnce() {
  std::lock_guard lock(mu_);
  SweepReport report;
  const std::int64_t now_ms = ToMillis(clock_.Now());

  for (const std::string& id : store_.FindUnmarkedOverdue(now_ms)) {
    if (store_.MarkOverdue(id, now_ms, {now_ms, kSweeperActor, "overdue", "SLA due time passed"})) {
      ++report.newly_overdue;
      log::Info("case_overdue", {{"case_id", id}});
    }
  }

  // Retries first: notifications that failed, or whose sender died.
  const std::int64_t stale_before_ms =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kNotificationLease).count();
  for (const PendingEscalation& pending : store_.FindRetryableNotifications(stale_before_ms)) {
    if (!store_.ClaimNotificationRetry(pending.case_id, now_ms, stale_before_ms)) continue;
    SendAndRecord(pending, report);
  }

  for (const BreachedCase& breach : store_.FindUnescalatedBreaches(now_ms)) {
    const std::string target = directory_->EscalationTargetFor(breach.department, breach.person);
    const std::string detail =
        (target.empty() ? std::string("no manager found for ") : "to " + target + ", manager of ") +
        OwnerText(breach.department, breach.person) + "; was due " +
        FormatRfc3339(FromMillis(breach.due_ms));
    if (!store_.ClaimEscalation(breach.case_id, now_ms, target,
                                {now_ms, kSweeperActor, "escalated", detail})) {
      continue;  // another sweep escalated it
    }
    report.escalated_cases.push_back("cases/" + breach.case_id);
    log::Info("case_escalated", {{"case_id", breach.case_id}, {"to", target}});
    SendAndRecord({breach.case_id, breach.title, target, breach.department, breach.person,
                   breach.due_ms},
                  report);
  }

  report.overdue_count = store_.CountOverdue(now_ms);
  return report;
}

void SlaSweeper::SendAndRecord(const PendingEscalation& escalation, SweepReport& report) {
  const bool sent = Notify(escalation);
  store_.RecordNotification(escalation.case_id, sent);
  if (sent) {
    ++report.notifications_sent;
  } else {
    ++report.notifications_failed;
    log::Warn("escalation_notification_failed", {{"case_id", escalation.case_id}});
  }
}

bool SlaSweeper::Notify(const PendingEscalation& e) {
  Notification n;
  n.kind = "escalation";
  if (!e.escalated_to.empty()) n.recipients.push_back(e.escalated_to);
  n.case_id = e.case_id;
  n.subject = "SLA breached: " + e.title;
  n.body = "Case cases/" + e.case_id + " owned by " + OwnerText(e.department, e.person) +
           " was due " + FormatRfc3339(FromMillis(e.due_ms)) +
           " and is not resolved. It is escalated to you as the owner's manager.";
  try {
    return notifier_.Send(n);
  } catch (const std::exception& ex) {
    log::Error("notifier_threw", {{"case_id", e.case_id}, {"error", ex.what()}});
    return false;
  }
}

}  // namespace voc::tracking
