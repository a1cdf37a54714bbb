// The SLA sweeper: walks the clocks due for a look (case_clocks, on the
// partial index on next_check_ms) and fires their points in order: the
// warnings before a breach ("warn:<id>", to the owners), the breach
// ("breach", to the owners) and the escalation levels ("level:<n>": the
// owner's manager, then after further business time the manager's manager
// or the department head, then a named executive).
//
// Exactly once across threads, replicas and restarts: a point fires only
// when its sla_fired INSERT wins, in the transaction that writes its history
// entry and moves the clock's next_check_ms on (SlaStore::FirePoint). The
// notification is sent by that winner after the commit; a failed one, or one
// whose sender died before recording the result (a claim older than
// kNotificationLease of clock time), is claimed for a retry the same
// conditional way. Its id "sla:<case>:<clock>:<point>" lets the notify
// service drop a repeat, so a point is recorded once and delivered once.
//
// Targets are resolved at fire time from the case's current owners and the
// directory, so a reassignment re-targets the levels not fired yet. A clock
// that is met (acknowledged / resolved) or paused has no next check (clocks
// writes NULL), so its chain stops; a fire computed from a clock row that
// changed meanwhile is refused by the conditional UPDATE.
//
// Time comes only from the injected Clock, so a test moves a FakeClock
// instead of sleeping; the background loop's interval is real time.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/case_clocks.h"
#include "services/tracking/sla/clock_schedule.h"
#include "services/tracking/store/sla_store.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// How long a sweep may hold a notification claim before another sweep
// assumes it died and retries.
inline constexpr std::chrono::minutes kNotificationLease{10};

// History actions written by the sweeper.
inline constexpr char kWarningAction[] = "sla_warning";
inline constexpr char kBreachAction[] = "overdue";
inline constexpr char kEscalationAction[] = "escalated";

struct SweepReport {
  // "cases/{id}" that had an escalation level fired by this sweep.
  std::vector<std::string> escalated_cases;
  // "<case>:<clock>:<point>" fired by this sweep, in order.
  std::vector<std::string> fired;
  int warnings = 0;
  int breaches = 0;
  int escalations = 0;
  int clocks_checked = 0;
  // Unresolved cases past due now (marked or not before).
  int overdue_count = 0;
  int newly_overdue = 0;  // == breaches; kept for SweepSla's callers
  int notifications_sent = 0;
  int notifications_failed = 0;
};

struct SlaSweeperOptions {
  // Due clocks read per query (one index range), and at most this many
  // queries a sweep: a backlog is worked off over a few sweeps instead of
  // holding one sweep for minutes.
  int batch_size = 1000;
  int max_batches = 20;
};

// The policies in force (reloadable: each sweep asks once).
using SlaPoliciesSource = std::function<std::shared_ptr<const sla::SlaPolicies>()>;

// Thread-safe: sweeps in one process are serialised by a mutex; sweeps in
// different processes are made safe by the database.
class SlaSweeper {
 public:
  SlaSweeper(SlaStore& sla_store, TrackingStore& store, const Clock& clock, Notifier& notifier,
             std::shared_ptr<const org::OrgDirectory> directory, SlaPoliciesSource policies,
             SlaSweeperOptions options = {})
      : sla_store_(sla_store),
        store_(store),
        clock_(clock),
        notifier_(notifier),
        directory_(std::move(directory)),
        policies_(std::move(policies)),
        options_(options) {}

  // One pass. A store error (the database is down: UNAVAILABLE) ends the
  // pass early and is returned (and logged); what fired before it stays
  // fired, and the next pass continues from there.
  absl::StatusOr<SweepReport> SweepOnce();

 private:
  absl::Status Sweep(SweepReport& report);
  absl::Status CheckClock(const ClockRow& row, const sla::SlaPolicies& policies,
                          std::int64_t now_ms, SweepReport& report);
  // Counts a point this sweep fired, logs it and sends its notification.
  void Announce(const ClockRow& row, const SlaCaseInfo& info, const ScheduledPoint& point,
                const std::vector<std::string>& recipients, const std::string& target_text,
                SweepReport& report);
  absl::Status RetryNotifications(std::int64_t now_ms, SweepReport& report);
  // Sends the notification of a fired point; the result is recorded with
  // the sweep's others by RecordSends().
  void Send(const ClockKey& key, const std::string& point, const Notification& notification,
            SweepReport& report);
  absl::Status RecordSends();

  std::mutex mu_;
  SlaStore& sla_store_;
  TrackingStore& store_;
  const Clock& clock_;
  Notifier& notifier_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  SlaPoliciesSource policies_;
  SlaSweeperOptions options_;
  std::vector<SlaStore::SendResult> unrecorded_;  // guarded by mu_
};

// ---- the pieces the sweeper is made of, for its tests ----

// The policy key of a case: kind and priority as the proto enums' names
// without prefix, lower case ("complaint", "p2"); the primary department.
sla::PolicyKey PolicyKeyOf(const SlaCaseInfo& info);

// Whom a point goes to, resolved now from the case's current owners:
// warnings and the breach go to the owners (a department-wide owner: its
// head); a level to its target ("manager", "manager_of_manager",
// "department_head", "person:<id>"). Empty when nobody is found.
std::vector<std::string> OwnerRecipients(const SlaCaseInfo& info, const org::OrgDirectory& dir);
std::string LevelTarget(const std::string& target, const SlaCaseInfo& info,
                        const org::OrgDirectory& dir);

// The notification of a fired point: kind sla_warning / sla_breach /
// escalation, id "sla:<case>:<clock>:<point>", the primary department and
// the template parameters (case_title, clock, due_time, point, level,
// target_person, owner). `recipients` is the target stored at fire time.
Notification PointNotification(const SlaCaseInfo& info, const ClockRow& clock,
                               const std::string& point, const std::vector<std::string>& recipients);

}  // namespace voc::tracking
