#include "services/tracking/sla_sweeper.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_join.h>

#include <algorithm>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"
#include "common/storage/rows.h"
#include "common/util/time.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {
namespace {

constexpr char kSweeperActor[] = "system:sla-sweeper";

std::string OwnerText(const SlaCaseInfo& info) {
  if (info.owners.empty()) return "nobody";
  const auto& [department, person] = info.owners.front();
  return person.empty() ? department : department + "/" + person;
}

// "CASE_KIND_COMPLAINT" -> "complaint", "PRIORITY_P2" -> "p2".
std::string EnumKey(const std::string& name, const std::string& prefix) {
  return absl::AsciiStrToLower(absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name);
}

std::string FormatMs(std::int64_t ms) { return FormatRfc3339(FromMillis(ms)); }

void AddUnique(std::vector<std::string>& out, const std::string& id) {
  if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
}

std::string ClockText(const std::string& clock) {
  return clock == kFirstResponseClock ? "first response" : clock;
}

std::string TargetText(const std::vector<std::string>& recipients) {
  return recipients.empty() ? "nobody found" : absl::StrJoin(recipients, ", ");
}

// History detail of a fired point: what, for which clock, to whom, due when.
std::string HistoryDetail(const ScheduledPoint& point, const ClockRow& row,
                          const std::vector<std::string>& recipients, const SlaCaseInfo& info) {
  const std::string due = "; due " + FormatMs(*row.due_ms);
  switch (point.kind) {
    case PointKind::kWarning:
      return ClockText(row.clock) + " warning " + point.warning->id + " to " +
             TargetText(recipients) + due;
    case PointKind::kBreach:
      return ClockText(row.clock) + " SLA breached; owners " + TargetText(recipients) + due;
    case PointKind::kEscalation:
      return ClockText(row.clock) + " level " + std::to_string(point.level->level) + " (" +
             point.level->target + ") to " + TargetText(recipients) + ", for owner " +
             OwnerText(info) + due;
  }
  return "";
}

const char* ActionOf(PointKind kind) {
  switch (kind) {
    case PointKind::kWarning: return kWarningAction;
    case PointKind::kBreach: return kBreachAction;
    case PointKind::kEscalation: return kEscalationAction;
  }
  return "";
}

}  // namespace

sla::PolicyKey PolicyKeyOf(const SlaCaseInfo& info) {
  sla::PolicyKey key;
  key.kind = EnumKey(v1::CaseKind_Name(static_cast<v1::CaseKind>(info.kind)), "CASE_KIND_");
  key.priority = EnumKey(v1::Priority_Name(static_cast<v1::Priority>(info.priority)), "PRIORITY_");
  if (!info.owners.empty()) key.department = info.owners.front().first;
  return key;
}

std::vector<std::string> OwnerRecipients(const SlaCaseInfo& info, const org::OrgDirectory& dir) {
  std::vector<std::string> out;
  for (const auto& [department, person] : info.owners) {
    AddUnique(out, person.empty() ? dir.HeadOf(department) : person);
  }
  return out;
}

std::string LevelTarget(const std::string& target, const SlaCaseInfo& info,
                        const org::OrgDirectory& dir) {
  // An inactive person is never a target: ActiveOrAbove and ManagerOf
  // skip them for their nearest active manager.
  if (absl::StartsWith(target, "person:")) return dir.UnlessInactive(target.substr(7));
  if (info.owners.empty()) return "";
  const auto& [department, person] = info.owners.front();
  if (target == "department_head") return dir.ActiveOrAbove(dir.HeadOf(department));
  const std::string manager = dir.EscalationTargetFor(department, person);
  if (target == "manager") return manager;
  if (target == "manager_of_manager") {
    // One step further up; the department head when the chain ends.
    const std::string above = manager.empty() ? "" : dir.ManagerOf(manager);
    if (!above.empty()) return above;
    const std::string head = dir.ActiveOrAbove(dir.HeadOf(department));
    return head != manager && head != person ? head : "";
  }
  return "";
}

Notification PointNotification(const SlaCaseInfo& info, const ClockRow& clock,
                               const std::string& point,
                               const std::vector<std::string>& recipients) {
  Notification n;
  const bool escalation = absl::StartsWith(point, "level:");
  n.kind = escalation ? "escalation" : point == kBreachPoint ? "sla_breach" : "sla_warning";
  n.id = "sla:" + info.id + ":" + clock.clock + ":" + point;
  n.case_id = info.id;
  n.recipients = recipients;
  if (!info.owners.empty()) n.department = info.owners.front().first;
  const std::string due = clock.due_ms ? FormatMs(*clock.due_ms) : "";
  n.params = {{"case_title", info.title}, {"case_id", info.id}, {"clock", clock.clock},
              {"due_time", due},          {"point", point},     {"owner", OwnerText(info)}};
  // The owners by person id: voc-notify's templates print them by name in the
  // recipient's language ("负责人：李伟（客户成功部）").
  std::string owner_people;
  for (const auto& [department, person] : info.owners) {
    if (!person.empty()) owner_people += (owner_people.empty() ? "" : ",") + person;
  }
  n.params["owner_people"] = owner_people;
  if (escalation) {
    n.params["level"] = point.substr(6);
    n.params["target_person"] = recipients.empty() ? "" : recipients.front();
  } else if (point != kBreachPoint) {
    n.params["warning"] = point.substr(5);
  }
  // A fallback text; the notify service renders its own from the params.
  if (escalation) {
    n.subject = "SLA escalation level " + n.params["level"] + ": " + info.title;
    n.body = "Case cases/" + info.id + " owned by " + OwnerText(info) + " breached its " +
             ClockText(clock.clock) + " target (due " + due + ") and is escalated to you.";
  } else if (point == kBreachPoint) {
    n.subject = "SLA breached: " + info.title;
    n.body = "Case cases/" + info.id + " missed its " + ClockText(clock.clock) + " target (due " +
             due + ").";
  } else {
    n.subject = "SLA warning: " + info.title;
    n.body = "Case cases/" + info.id + " is close to its " + ClockText(clock.clock) +
             " target (due " + due + ").";
  }
  return n;
}

absl::StatusOr<SweepReport> SlaSweeper::SweepOnce() {
  std::lock_guard lock(mu_);
  SweepReport report;
  absl::Status swept = Sweep(report);
  // The results of this sweep's sends, in one transaction.
  const absl::Status recorded = RecordSends();
  if (swept.ok()) swept = recorded;
  if (!swept.ok()) {
    // Every fire is a claim in the database, so the next sweep picks up
    // where this one stopped.
    log::Warn("sla_sweep_failed", {{"error", std::string(swept.message())},
                                   {"fired", static_cast<int>(report.fired.size())}});
    return swept;
  }
  return report;
}

absl::Status SlaSweeper::Sweep(SweepReport& report) {
  const std::int64_t now_ms = ToMillis(clock_.Now());
  // Retries first: notifications that failed, or whose sender died.
  VOC_RETURN_IF_ERROR(RetryNotifications(now_ms, report));

  const std::shared_ptr<const sla::SlaPolicies> policies = policies_ ? policies_() : nullptr;
  if (policies) {
    for (int batch = 0; batch < options_.max_batches; ++batch) {
      VOC_ASSIGN_OR_RETURN(const std::vector<ClockRow> due,
                           sla_store_.DueClocks(now_ms, options_.batch_size));
      for (const ClockRow& row : due) {
        ++report.clocks_checked;
        VOC_RETURN_IF_ERROR(CheckClock(row, *policies, now_ms, report));
      }
      if (static_cast<int>(due.size()) < options_.batch_size) break;
    }
  } else {
    log::Warn("sla_sweep_without_policies", {});
  }

  VOC_ASSIGN_OR_RETURN(report.overdue_count, store_.CountOverdue(now_ms));
  metrics::SlaOverdueCases().Set(report.overdue_count);
  return absl::OkStatus();
}

absl::Status SlaSweeper::CheckClock(const ClockRow& row, const sla::SlaPolicies& policies,
                                    std::int64_t now_ms, SweepReport& report) {
  const ClockKey key{row.case_id, row.clock};
  const std::int64_t read_next = row.next_check_ms.value_or(now_ms);
  VOC_ASSIGN_OR_RETURN(const std::optional<SlaCaseInfo> info, sla_store_.LoadCaseInfo(row.case_id));
  if (!info) {
    log::Warn("sla_clock_without_case", {{"case_id", row.case_id}, {"clock", row.clock}});
    return sla_store_.SetNextCheck(key, read_next, std::nullopt).status();
  }
  if (info->state == v1::CASE_STATE_RESOLVED || info->state == v1::CASE_STATE_CLOSED) {
    // clocks meets both clocks on resolution; a row it left running would
    // otherwise escalate a finished case.
    return sla_store_.SetNextCheck(key, read_next, std::nullopt).status();
  }
  const absl::StatusOr<const sla::SlaPolicy*> policy = policies.Find(PolicyKeyOf(*info));
  if (policy.ok() && (*policy)->id != row.policy_id) {
    // clocks re-targets on a priority change; a reload may rename policies.
    log::Warn("sla_clock_policy_changed",
              {{"case_id", row.case_id}, {"stored", row.policy_id}, {"in_force", (*policy)->id}});
  }
  // A case no policy matches (its due was fixed by the caller) still
  // breaches and escalates once to the owner's manager, as before policies.
  static const sla::ClockTarget kNoPolicyChain{0, {}, {{1, 0, "manager"}}};
  const sla::ClockTarget& target = !policy.ok() ? kNoPolicyChain
                                   : row.clock == kFirstResponseClock ? (*policy)->first_response
                                                                      : (*policy)->resolution;
  // The fallback clocks uses for a calendar the policies no longer have, so
  // both count the same way.
  const sla::BusinessCalendar* calendar = policies.FindCalendar(row.calendar_id);
  if (calendar == nullptr) {
    log::Warn("sla_clock_calendar_unknown", {{"case_id", row.case_id}, {"calendar", row.calendar_id}});
    calendar = &WallClockCalendar::Instance();
  }

  VOC_ASSIGN_OR_RETURN(std::set<std::string> fired, sla_store_.FiredPoints(key));
  // Every point due now, fired in one transaction (the breach and level 1
  // usually fall on one moment).
  std::vector<PointFiring> firings;
  std::vector<const ScheduledPoint*> due_points;
  std::vector<std::vector<std::string>> recipients_of;
  const std::vector<ScheduledPoint> points = ScheduledPoints(row, target, *calendar);
  for (const ScheduledPoint& point : points) {
    if (point.at_ms > now_ms) break;  // sorted: the rest are later
    if (fired.contains(point.name)) continue;
    fired.insert(point.name);

    std::vector<std::string> recipients;
    if (point.kind == PointKind::kEscalation) {
      AddUnique(recipients, LevelTarget(point.level->target, *info, *directory_));
    } else {
      recipients = OwnerRecipients(*info, *directory_);
    }
    // A warning the sweep reaches only after the breach (the process was
    // down, or the warning fell in a pause) would say "soon" of something
    // past: it is stored as fired without a message.
    const bool skipped = point.kind == PointKind::kWarning && now_ms >= *row.due_ms;

    PointFiring firing;
    firing.key = key;
    firing.expected_next_check_ms = read_next;
    firing.expected_due_ms = *row.due_ms;
    firing.next_check_ms = NextCheckMs(row, target, *calendar, fired);
    firing.point = point.name;
    firing.fired_ms = now_ms;
    firing.target = storage::JoinLines(recipients);
    firing.is_breach = point.kind == PointKind::kBreach;
    firing.first_escalation = point.kind == PointKind::kEscalation;
    firing.notify = !skipped;
    if (!skipped) {
      firing.history = HistoryRecord{now_ms, kSweeperActor, ActionOf(point.kind),
                                     HistoryDetail(point, row, recipients, *info)};
    }
    firings.push_back(std::move(firing));
    due_points.push_back(&point);
    recipients_of.push_back(std::move(recipients));
  }
  if (firings.empty()) {
    // Nothing was due after all (the schedule changed under a stale
    // next_check_ms): move it to the next real point.
    const std::optional<std::int64_t> next = NextCheckMs(row, target, *calendar, fired);
    if (next != row.next_check_ms) {
      VOC_RETURN_IF_ERROR(sla_store_.SetNextCheck(key, read_next, next).status());
    }
    return absl::OkStatus();
  }
  VOC_ASSIGN_OR_RETURN(const std::vector<FireOutcome> outcomes, sla_store_.FirePoints(firings));
  for (std::size_t i = 0; i < firings.size(); ++i) {
    // kClockMoved: met, paused or taken by another sweeper; kAlreadyFired:
    // fired before (the next check was stale).
    if (outcomes[i] != FireOutcome::kFired || !firings[i].notify) continue;
    Announce(row, *info, *due_points[i], recipients_of[i], firings[i].target, report);
  }
  return absl::OkStatus();
}

void SlaSweeper::Announce(const ClockRow& row, const SlaCaseInfo& info,
                          const ScheduledPoint& point,
                          const std::vector<std::string>& recipients,
                          const std::string& target_text, SweepReport& report) {
  report.fired.push_back(row.case_id + ":" + row.clock + ":" + point.name);
  switch (point.kind) {
    case PointKind::kWarning:
      ++report.warnings;
      break;
    case PointKind::kBreach:
      ++report.breaches;
      ++report.newly_overdue;
      metrics::SlaBreaches().Increment();
      break;
    case PointKind::kEscalation:
      ++report.escalations;
      AddUnique(report.escalated_cases, "cases/" + row.case_id);
      metrics::SlaEscalations().Increment();
      break;
  }
  log::Info("sla_point_fired", {{"case_id", row.case_id}, {"clock", row.clock},
                                {"point", point.name}, {"to", target_text}});
  Send({row.case_id, row.clock}, point.name, PointNotification(info, row, point.name, recipients),
       report);
}

absl::Status SlaSweeper::RetryNotifications(std::int64_t now_ms, SweepReport& report) {
  const std::int64_t stale_before_ms =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kNotificationLease).count();
  VOC_ASSIGN_OR_RETURN(const std::vector<FiredPoint> retryable,
                       sla_store_.RetryableNotifications(stale_before_ms, options_.batch_size));
  for (const FiredPoint& f : retryable) {
    VOC_ASSIGN_OR_RETURN(const bool claimed,
                         sla_store_.ClaimNotificationRetry(f.key, f.point, now_ms, stale_before_ms));
    if (!claimed) continue;  // another sweep retries it
    VOC_ASSIGN_OR_RETURN(const std::optional<SlaCaseInfo> info, sla_store_.LoadCaseInfo(f.key.case_id));
    VOC_ASSIGN_OR_RETURN(const std::optional<ClockRow> clock, sla_store_.LoadClock(f.key));
    if (!info || !clock) {
      VOC_RETURN_IF_ERROR(sla_store_.RecordNotification(f.key, f.point, true));  // nothing to tell
      continue;
    }
    // The recipients fixed when the point fired (what history says).
    Send(f.key, f.point, PointNotification(*info, *clock, f.point, storage::SplitLines(f.target)),
         report);
  }
  return absl::OkStatus();
}

void SlaSweeper::Send(const ClockKey& key, const std::string& point,
                      const Notification& notification, SweepReport& report) {
  bool sent = false;
  try {
    sent = notifier_.Send(notification);
  } catch (const std::exception& ex) {
    log::Error("notifier_threw", {{"case_id", key.case_id}, {"error", ex.what()}});
  }
  if (sent) {
    ++report.notifications_sent;
  } else {
    ++report.notifications_failed;
    log::Warn("sla_notification_failed", {{"id", notification.id}});
  }
  unrecorded_.push_back({key, point, sent});
}

absl::Status SlaSweeper::RecordSends() {
  // If this fails (or the process dies first) the claims stay "being sent"
  // and are retried once their lease is stale: at worst a notification goes
  // out again, with the same id for the notify service to drop.
  const absl::Status recorded = sla_store_.RecordNotifications(unrecorded_);
  unrecorded_.clear();
  return recorded;
}

}  // namespace voc::tracking
