// The daily overdue digest (issue 11): once a local day, at a configured
// wall-clock time in a named time zone, each department with overdue open
// cases gets one `overdue_digest` notification request on the notify stream
// (the same Notifier the sweeper's warnings and escalations go through):
// how many cases are overdue and the oldest few, each with title, kind,
// priority, due time and primary owner. voc-notify renders it in the
// recipient's language with a link to each case and sends it to whom the
// subscriptions name (config/subscriptions.yaml: the department's head).
//
//   services.tracking.overdue_digest_at: "08:30"          # local HH:MM; "off" = no digest
//   services.tracking.overdue_digest_time_zone: Asia/Shanghai
//   services.tracking.overdue_digest_cases: 10            # cases listed, 1..50
//
// Exactly once per department and local day across restarts and replicas:
// the claim row of OverdueDigestStore (tracking migration 9). A digest not
// sent at its moment (tracking was down) is sent when tracking is back the
// same local day; a day that has passed is not caught up (yesterday's list
// is not today's news).
//
// Time comes only from the injected Clock; tracking's PeriodicWorker calls
// RunOnce at the sweep's pace, a test calls it after moving a FakeClock.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/notify/notifier.h"
#include "common/sla/local_zone.h"
#include "services/tracking/store/overdue_digest_store.h"

namespace voc::tracking {

inline constexpr char kOverdueDigestEvent[] = "overdue_digest";
// How long a claimer may take to send before another process assumes it
// died and sends instead.
inline constexpr std::chrono::minutes kDigestLease{10};

struct OverdueDigestSettings {
  int minute_of_day = 8 * 60 + 30;
  sla::LocalZone zone;
  int max_cases = 10;
};

// nullopt when the digest is switched off ("off"). INVALID_ARGUMENT naming
// the key for a time that is not HH:MM, an unknown zone or a case count
// outside 1..50.
absl::StatusOr<std::optional<OverdueDigestSettings>> OverdueDigestSettingsFrom(const Config& config);

struct DigestRunReport {
  std::string day;        // the local day looked at ("2026-12-04")
  bool due = false;       // the day's digest moment has come
  int sent = 0;           // digests handed to the notifier by this run
  int nothing_overdue = 0;
  int failed = 0;
};

// The request of one department's digest: id "overdue_digest:<day>:<dept>",
// no case, no recipients of its own (the subscriptions name them), params
//   day, overdue_count, listed_count, time_zone and for i = 1..listed_count
//   case_<i>_id, case_<i>_title, case_<i>_kind ("complaint"), case_<i>_priority
//   ("p2"), case_<i>_due_time (local, with offset), case_<i>_owner_person,
//   case_<i>_owner_department.
Notification DigestNotification(const std::string& department, const std::string& day,
                                const DepartmentOverdue& overdue, const sla::LocalZone& zone);

// Thread-safe: runs in one process are serialised; runs in different
// processes are made safe by the claim rows.
class OverdueDigester {
 public:
  OverdueDigester(OverdueDigestStore& store, const Clock& clock, Notifier& notifier,
                  std::vector<std::string> departments, OverdueDigestSettings settings)
      : store_(store),
        clock_(clock),
        notifier_(notifier),
        departments_(std::move(departments)),
        settings_(std::move(settings)) {}

  // Sends what is due now. A store error ends the run early and is
  // returned; what was claimed and sent stays so, the next run goes on.
  absl::StatusOr<DigestRunReport> RunOnce();

 private:
  // Builds, sends and records the digest this process has claimed.
  absl::Status SendClaimed(const std::string& department, const std::string& day, std::int64_t now_ms,
                           DigestRunReport& report);

  std::mutex mu_;
  OverdueDigestStore& store_;
  const Clock& clock_;
  Notifier& notifier_;
  std::vector<std::string> departments_;
  OverdueDigestSettings settings_;
  std::string finished_day_;  // every department's digest of this day is settled; guarded by mu_
};

}  // namespace voc::tracking
