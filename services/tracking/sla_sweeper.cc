#include "services/tracking/sla_sweeper.h"

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::tracking {
namespace {

constexpr char kSweeperActor[] = "system:sla-sweeper";

std::string OwnerText(const std::string& department, const std::string& person) {
  return person.empty() ? department : department + "/" + person;
}

}  // namespace

absl::StatusOr<SweepReport> SlaSweeper::SweepOnce() {
  std::lock_guard lock(mu_);
  SweepReport report;
  absl::Status swept = Sweep(report);
  if (!swept.ok()) {
    // Every step is a claim in the database, so the next sweep picks up
    // where this one stopped.
    log::Warn("sla_sweep_failed", {{"error", std::string(swept.message())},
                                   {"escalated", static_cast<int>(report.escalated_cases.size())}});
    return swept;
  }
  return report;
}

absl::Status SlaSweeper::Sweep(SweepReport& report) {
  const std::int64_t now_ms = ToMillis(clock_.Now());

  VOC_ASSIGN_OR_RETURN(const auto overdue, store_.FindUnmarkedOverdue(now_ms));
  for (const std::string& id : overdue) {
    VOC_ASSIGN_OR_RETURN(
        const bool marked,
        store_.MarkOverdue(id, now_ms, {now_ms, kSweeperActor, "overdue", "SLA due time passed"}));
    if (marked) {
      ++report.newly_overdue;
      metrics::SlaBreaches().Increment();
      log::Info("case_overdue", {{"case_id", id}});
    }
  }

  // Retries first: notifications that failed, or whose sender died.
  const std::int64_t stale_before_ms =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kNotificationLease).count();
  VOC_ASSIGN_OR_RETURN(const auto retryable, store_.FindRetryableNotifications(stale_before_ms));
  for (const PendingEscalation& pending : retryable) {
    VOC_ASSIGN_OR_RETURN(const bool claimed,
                         store_.ClaimNotificationRetry(pending.case_id, now_ms, stale_before_ms));
    if (!claimed) continue;
    VOC_RETURN_IF_ERROR(SendAndRecord(pending, report));
  }

  VOC_ASSIGN_OR_RETURN(const auto breaches, store_.FindUnescalatedBreaches(now_ms));
  for (const BreachedCase& breach : breaches) {
    const std::string target = directory_->EscalationTargetFor(breach.department, breach.person);
    const std::string detail =
        (target.empty() ? std::string("no manager found for ") : "to " + target + ", manager of ") +
        OwnerText(breach.department, breach.person) + "; was due " +
        FormatRfc3339(FromMillis(breach.due_ms));
    VOC_ASSIGN_OR_RETURN(const bool claimed,
                         store_.ClaimEscalation(breach.case_id, now_ms, target,
                                                {now_ms, kSweeperActor, "escalated", detail}));
    if (!claimed) continue;  // another sweep escalated it
    report.escalated_cases.push_back("cases/" + breach.case_id);
    metrics::SlaEscalations().Increment();
    log::Info("case_escalated", {{"case_id", breach.case_id}, {"to", target}});
    VOC_RETURN_IF_ERROR(SendAndRecord({breach.case_id, breach.title, target, breach.department,
                                       breach.person, breach.due_ms},
                                      report));
  }

  VOC_ASSIGN_OR_RETURN(report.overdue_count, store_.CountOverdue(now_ms));
  metrics::SlaOverdueCases().Set(report.overdue_count);
  return absl::OkStatus();
}

absl::Status SlaSweeper::SendAndRecord(const PendingEscalation& escalation, SweepReport& report) {
  const bool sent = Notify(escalation);
  if (sent) {
    ++report.notifications_sent;
  } else {
    ++report.notifications_failed;
    log::Warn("escalation_notification_failed", {{"case_id", escalation.case_id}});
  }
  // If this fails the claim stays "being sent" and is retried once its
  // lease is stale: at worst the notification goes out again.
  return store_.RecordNotification(escalation.case_id, sent);
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
