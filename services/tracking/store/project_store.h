// Improvement projects' workflow (issue 11): the VoC committee's decision on
// a proposal, starting an approved project, adding and editing action items,
// and the action-item watcher's queries and fired points. The project rows
// themselves are inserted and loaded by TrackingStore (InsertProject,
// LoadProject); this store adds what the workflow needs. Each write is one
// transaction with a conditional UPDATE and its history row; a watched point
// fires only when its INSERT wins (exactly once across restarts and
// replicas). SQL runs unchanged on SQLite and PostgreSQL.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/tracking/store/tracking_store.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// What the committee decided and when the project started.
struct ProjectDecision {
  std::string proposed_by;
  std::string decided_by;
  std::string reason;
  std::optional<std::int64_t> decided_ms;
  std::optional<std::int64_t> started_ms;
};

// One edit of an action item; unset parts stay.
struct ActionItemEdit {
  std::string project_id;
  std::string item_id;
  std::optional<std::string> title;
  std::optional<v1::Owner> owner;
  std::optional<std::int64_t> due_ms;
  HistoryRecord history;
};

// An open action item of an open project with a due time: what the watcher
// looks at.
struct WatchedItem {
  std::string project_id;
  std::string project_title;
  std::string item_id;
  std::string title;
  std::string department;
  std::string person;
  std::int64_t due_ms = 0;
};

// A fired point whose notification has not gone out (failed, or its sender
// stopped before saying).
struct UnsentPoint {
  std::string project_id;
  std::string item_id;
  std::string point;
  std::string target;
};

class ProjectStore {
 public:
  explicit ProjectStore(storage::Database& db) : db_(db) {}

  // The proposer is recorded once, after the proposal is stored.
  absl::Status SetProposer(const std::string& project_id, const std::string& actor);
  // NOT_FOUND "projects/{id}".
  absl::StatusOr<ProjectDecision> LoadDecision(const std::string& project_id);
  // Fills decided_by, decision_reason, decide_time, start_time, proposed_by.
  absl::Status FillDecision(v1::Project& p);
  // Moves the project from `from` to `to` with `history`; sets the decision
  // columns when `decision` is set, started_ms when `to` is open. False when
  // the project is no longer in `from` (a concurrent change won).
  absl::StatusOr<bool> MoveState(const std::string& project_id, v1::ProjectState from,
                                 v1::ProjectState to, const std::optional<ProjectDecision>& decision,
                                 const HistoryRecord& history);
  // Adds an item (its id is kept, or "item-<n>" when empty) with `history`.
  // NOT_FOUND for no such project; INVALID_ARGUMENT "item.id" when taken;
  // FAILED_PRECONDITION when the project is closed or rejected.
  absl::StatusOr<std::string> AddActionItem(const std::string& project_id, const v1::ActionItem& item,
                                            const HistoryRecord& history);
  // NOT_FOUND names the project or item; FAILED_PRECONDITION when the item
  // is done.
  absl::Status EditActionItem(const ActionItemEdit& edit);

  // ---- the watcher ----
  // Open items of open projects due at or before `horizon_ms`, by due time,
  // leaving out those whose `last_point` (e.g. "level:2") fired for their
  // current due time: nothing is left to do for them.
  absl::StatusOr<std::vector<WatchedItem>> FindWatchedItems(std::int64_t horizon_ms,
                                                            const std::string& last_point,
                                                            int limit);
  absl::StatusOr<std::set<std::string>> FiredPoints(const std::string& project_id,
                                                    const std::string& item_id);
  // Records the point and its history row in one transaction; true for
  // exactly one caller ever. The winner sends the notification and reports
  // with RecordNotification.
  absl::StatusOr<bool> FirePoint(const std::string& project_id, const std::string& item_id,
                                 const std::string& point, const std::string& target,
                                 const HistoryRecord& history);
  absl::Status RecordNotification(const std::string& project_id, const std::string& item_id,
                                  const std::string& point, bool sent);
  // Failed points, and points claimed before `stale_before_ms` and never
  // reported; each is claimed again for this caller (true for one of
  // concurrent callers).
  absl::StatusOr<std::vector<UnsentPoint>> FindUnsentPoints(std::int64_t stale_before_ms);
  absl::StatusOr<bool> ClaimRetry(const UnsentPoint& point, std::int64_t now_ms,
                                  std::int64_t stale_before_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
