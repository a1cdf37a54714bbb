// The SLA sweeper: marks cases overdue and escalates each breach exactly
// once to the primary owner's manager (from the org directory), with a
// history row and a notification.
//
// Exactly-once holds across threads, replicas and restarts because the
// breach is claimed in the database (UPDATE ... WHERE escalated_ms IS NULL;
// only the caller that changed the row escalates). The notification is sent
// by that caller only after the claim commits; if it fails the row is marked
// failed and the next sweep claims the retry the same conditional way (a
// claim held by a process that died mid-send is retried once it is older
// than kNotificationLease of clock time). So a breach is escalated once and
// its notification sent once, or again only after a failure or a crash.
//
// Time comes only from the injected Clock, so a test moves a FakeClock 25
// hours instead of sleeping; the background loop's interval is real time.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/org/org_directory.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// How long a sweep may hold a notification claim before another sweep
// assumes it died and retries.
inline constexpr std::chrono::minutes kNotificationLease{10};

struct SweepReport {
  // "cases/{id}" escalated by this sweep.
  std::vector<std::string> escalated_cases;
  // Unresolved cases past due now (marked or not before).
  int overdue_count = 0;
  int newly_overdue = 0;
  int notifications_sent = 0;
  int notifications_failed = 0;
};

// Thread-safe: sweeps in one process are serialised by a mutex; sweeps in
// different processes are made safe by the database claim.
class SlaSweeper {
 public:
  SlaSweeper(TrackingStore& store, const Clock& clock, Notifier& notifier,
             std::shared_ptr<const org::OrgDirectory> directory)
      : store_(store), clock_(clock), notifier_(notifier), directory_(std::move(directory)) {}

  // One pass. A store error (the database is down: UNAVAILABLE) ends the
  // pass early and is returned (and logged); what was claimed before it
  // stays claimed, and the next pass continues from there.
  absl::StatusOr<SweepReport> SweepOnce();

 private:
  absl::Status Sweep(SweepReport& report);
  bool Notify(const PendingEscalation& escalation);
  // Sends the notification of a claimed escalation and records the result.
  absl::Status SendAndRecord(const PendingEscalation& escalation, SweepReport& report);

  std::mutex mu_;
  TrackingStore& store_;
  const Clock& clock_;
  Notifier& notifier_;
  std::shared_ptr<const org::OrgDirectory> directory_;
};

}  // namespace voc::tracking
