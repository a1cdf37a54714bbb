// The SLA sweeper's queries: the clocks due for a look (case_clocks, read on
// its partial index on next_check_ms), the points already fired (sla_fired,
// tracking migration 4) and the notifications of fired points.
//
// Exactly once: a point fires only in FirePoint's transaction, which
//   1. moves the clock row's next_check_ms on, conditionally on the row being
//      as the sweeper read it (same next_check_ms and due_ms, not met), so a
//      concurrent acknowledgement, pause or re-target wins over a fire
//      computed from the old row; and
//   2. inserts the sla_fired row with ON CONFLICT DO NOTHING: of any number
//      of sweepers (threads, replicas, a restarted process) only the one
//      whose INSERT wins writes the history entry (same transaction) and
//      owns the notification.
// The notification state lives on the sla_fired row: 0 = being sent by the
// firer since notify_claim_ms, 1 = sent (or nothing to send), 2 = failed. A
// failed one, or one whose sender died before recording (state 0 past the
// lease), is claimed for a retry with a conditional UPDATE; the notification
// id "sla:<case>:<clock>:<point>" lets the notify service drop a repeat.
//
// SQL runs unchanged on SQLite and PostgreSQL; bound parameters only.
// Thread-safe (the Database pools sessions).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/tracking/sla/clock_schedule.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// Migration 4 of schema "tracking" (appended to TrackingMigrations()).
storage::Migration SlaFiredMigration();

// What the sweeper needs of a case to pick its policy and its targets.
struct SlaCaseInfo {
  std::string id;
  std::string title;
  int kind = 0;      // v1::CaseKind
  int priority = 0;  // v1::Priority
  int state = 0;     // v1::CaseState
  // Owners in order; the first is the primary one. Person may be empty.
  std::vector<std::pair<std::string, std::string>> owners;
};

// A clock's key.
struct ClockKey {
  std::string case_id;
  std::string clock;
  bool operator<(const ClockKey& o) const {
    return case_id != o.case_id ? case_id < o.case_id : clock < o.clock;
  }
};

// One point to fire (see the file comment).
struct PointFiring {
  ClockKey key;
  // The clock as the sweeper read it: the fire happens only if it still is.
  std::int64_t expected_next_check_ms = 0;
  std::int64_t expected_due_ms = 0;
  // next_check_ms after this point (NextCheckMs with it counted as fired).
  std::optional<std::int64_t> next_check_ms;
  std::string point;      // "warn:75pct", "breach", "level:2"
  std::int64_t fired_ms = 0;
  std::string target;     // person ids, one a line ("" when none was found)
  bool is_breach = false;     // also sets case_clocks.breached
  bool first_escalation = false;  // also stamps cases.escalated_ms/escalated_to
  // false: nothing will be sent (a warning skipped because the breach came
  // first); the row is stored as sent so no retry picks it up.
  bool notify = true;
  std::optional<HistoryRecord> history;  // none for a skipped warning
};

enum class FireOutcome {
  kFired,         // this call inserted the sla_fired row (and history)
  kAlreadyFired,  // the point was fired before; next_check_ms was moved on
  kClockMoved,    // the clock row changed since it was read; nothing written
};

// A fired point whose notification is to be (re)sent.
struct FiredPoint {
  ClockKey key;
  std::string point;
  std::int64_t fired_ms = 0;
  std::string target;
};

class SlaStore {
 public:
  explicit SlaStore(storage::Database& db) : db_(db) {}

  // Clocks with next_check_ms <= now, earliest first, at most `limit`: one
  // range of the partial index case_clocks_next_check.
  absl::StatusOr<std::vector<ClockRow>> DueClocks(std::int64_t now_ms, int limit);
  // The plan of DueClocks' statement (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
  // on PostgreSQL), one line per plan row: for the benchmark and the test
  // that check it reads the index.
  absl::StatusOr<std::string> ExplainDueClocks(std::int64_t now_ms, int limit);

  absl::StatusOr<std::optional<ClockRow>> LoadClock(const ClockKey& key);
  absl::StatusOr<std::set<std::string>> FiredPoints(const ClockKey& key);
  // nullopt when there is no such case.
  absl::StatusOr<std::optional<SlaCaseInfo>> LoadCaseInfo(const std::string& case_id);

  absl::StatusOr<FireOutcome> FirePoint(const PointFiring& firing);
  // Several points of one clock due at once (the breach and level 1) in one
  // transaction: the clock is checked against the first firing's expected
  // values and moved to the last one's next_check_ms. One outcome each, in
  // order (all kClockMoved when the clock changed).
  absl::StatusOr<std::vector<FireOutcome>> FirePoints(const std::vector<PointFiring>& firings);
  // Moves next_check_ms on when no point is due (the schedule changed under
  // a stale next_check_ms); conditional like FirePoint. True when written.
  absl::StatusOr<bool> SetNextCheck(const ClockKey& key, std::int64_t expected_next_check_ms,
                                    std::optional<std::int64_t> next_check_ms);

  // Notifications that failed, or whose sender has held the claim since
  // before `stale_before_ms`; oldest first, at most `limit`.
  absl::StatusOr<std::vector<FiredPoint>> RetryableNotifications(std::int64_t stale_before_ms,
                                                                 int limit);
  // True for exactly one of concurrent callers.
  absl::StatusOr<bool> ClaimNotificationRetry(const ClockKey& key, const std::string& point,
                                              std::int64_t now_ms, std::int64_t stale_before_ms);
  absl::Status RecordNotification(const ClockKey& key, const std::string& point, bool sent);
  // The results of a sweep's sends in one transaction.
  struct SendResult {
    ClockKey key;
    std::string point;
    bool sent = false;
  };
  absl::Status RecordNotifications(const std::vector<SendResult>& results);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
