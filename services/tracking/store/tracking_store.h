// The tracking repository: every read and atomic write of cases, projects,
// their history and the event outbox. Each write method is one transaction
// and uses conditional UPDATEs, so concurrent callers (RPC threads, the SLA
// sweeper, another replica on the same PostgreSQL) never both win a change.
// SQL runs unchanged on SQLite and PostgreSQL; bound parameters only.
//
// Thread safety: safe to call from several threads (the Database pools
// sessions).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "common/storage/outbox.h"
#include "services/tracking/case_clocks.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

// One append-only history row.
struct HistoryRecord {
  std::int64_t time_ms = 0;
  std::string actor;
  std::string action;
  std::string detail;
};

// An event to put on voc:tracking once the change commits.
struct OutboxRecord {
  std::string id;
  std::int64_t created_ms = 0;
  std::string event;    // "case_resolved", "project_closed", "project_reopened"
  std::string payload;  // serialized voc.v1.Case / voc.v1.Project (binary)
};

// Where a case stands in ListCases' order: overdue cases first (bucket 0),
// then the rest (bucket 1), each by due time (of the filter's due_clock),
// then id.
struct CaseListKey {
  int bucket = 0;
  std::int64_t due_ms = 0;
  std::string id;
};
struct CaseListEntry {
  v1::Case c;
  CaseListKey key;
};

// Where a project stands in ListProjects' order (newest first, then id).
struct ProjectListKey {
  std::int64_t create_ms = 0;
  std::string id;
};
struct ProjectListEntry {
  v1::Project p;
  ProjectListKey key;
};

// The cases one caller may see (issue 9, auth::VisibleCases): those with an
// owner row in one of `departments` or whose owner person is `person`.
struct CaseView {
  std::vector<std::string> departments;  // sorted, distinct
  std::string person;                    // "" for none
};

struct CaseFilter {
  std::string department;
  std::string owner;
  int state = 0;  // v1::CaseState; 0 = any
  int kind = 0;   // v1::CaseKind; 0 = any
  std::string feedback_id;
  std::string customer_id;
  bool overdue_only = false;
  bool open_only = false;
  // v1::DueClock: which due orders the list and decides "overdue" (the
  // nearer open due, or one clock's). With a clock's due the list reads the
  // (state, <clock>_due_ms) indexes of cases, or of case_owners for a
  // department or person filter; the other filters are checked row by row.
  int due_clock = 0;
  // Issue 12: only cases opened (create_ms) in [opened_from_ms,
  // opened_before_ms); unset: no bound on that side. Checked row by row on
  // what the driving index returns.
  std::optional<std::int64_t> opened_from_ms;
  std::optional<std::int64_t> opened_before_ms;
  // Issue 9: only the cases of this view (checked in SQL, so a page holds
  // only what the caller may see); unset = every case.
  std::optional<CaseView> visible;
};

// One item of TrackingStore::CreateCases. `c` (id already chosen) is
// inserted with its owners, tasks and `created` history row unless a case
// was stored for request_id before; null when the request is invalid.
struct CaseToCreate {
  std::string request_id;
  const v1::Case* c = nullptr;
  HistoryRecord created;
  // Its SLA clocks (case_clocks rows), written in the same transaction.
  std::vector<CaseClock> clocks;
};
// What became of one item: the case stored for its request id (nullopt when
// `c` was null and nothing was stored for it), and whether this call
// inserted it.
struct CreatedCase {
  std::optional<v1::Case> stored;
  bool inserted = false;
};

// A state change of one case, applied only if the case is still in
// `expected_state` (optimistic concurrency).
struct CaseChange {
  std::string case_id;
  v1::CaseState expected_state = v1::CASE_STATE_UNSPECIFIED;
  v1::CaseState new_state = v1::CASE_STATE_UNSPECIFIED;
  std::int64_t now_ms = 0;
  std::optional<std::string> resolution_note;
  std::optional<v1::Owner> new_primary_owner;
  std::optional<v1::CallbackOutcome> callback;
  std::optional<v1::Priority> new_priority;
  // When set, the change applies only if the case row was last changed at
  // this moment too (a change that keeps the state, e.g. of priority, still
  // loses a race instead of overwriting a concurrent one).
  std::optional<std::int64_t> expected_update_ms;
  // When set, every SLA clock of the case after the change: each row is
  // written (breached stays as the sweeper set it) and the case's due
  // columns follow (DuesOf).
  std::optional<std::vector<CaseClock>> clocks;
  HistoryRecord history;
  // More history rows after `history` (e.g. one per re-targeted clock).
  std::vector<HistoryRecord> more_history;
  // When set, an outbox event with the case as it is after the change.
  std::string event;
  // Issue 10 item 4: when set, the case's red-line mark becomes this one
  // (case_red_line_marks) and the event's snapshot carries it.
  std::optional<v1::RedLineMark> red_line_mark;
  // Issue 11: "a case with an open task of another department cannot be
  // resolved". Checked inside the change's transaction, after the case row
  // is locked, so a task opened concurrently either is seen here or waits
  // for the change and then finds the case resolved.
  bool refuse_with_open_tasks = false;
};

// A case past due whose breach has not been escalated yet.
struct BreachedCase {
  std::string case_id;
  std::string title;
  std::string department;  // primary owner
  std::string person;      // primary owner
  std::int64_t due_ms = 0;
};

// An escalation claimed by a sweep whose notification has not gone out.
struct PendingEscalation {
  std::string case_id;
  std::string title;
  std::string escalated_to;
  std::string department;
  std::string person;
  std::int64_t due_ms = 0;
};

// Every method returns what the database did as a status (common/storage/
// errors.h): UNAVAILABLE when the database is down, locked or busy (retry
// later), ABORTED for a lost race, INTERNAL for a bug. No SOCI exception
// leaves the store.
class TrackingStore {
 public:
  explicit TrackingStore(storage::Database& db) : db_(db) {}

  // ---- cases ----
  // Stores a batch of new cases in one transaction: one request-id lookup
  // for the whole batch, the inserts through statements prepared once, and
  // one load of the batch's cases. An item whose request id was stored
  // before (in an earlier call, or earlier in this batch) gets that case and
  // inserts nothing; an item without a case (`c` null: its request failed
  // validation) only gets the case stored for its request id, if any. One
  // result per item, in order.
  absl::StatusOr<std::vector<CreatedCase>> CreateCases(const std::vector<CaseToCreate>& items,
                                                       std::int64_t now_ms);
  // One query for the case and all its parts (owners, callbacks, tasks and,
  // when asked, history).
  // NOT_FOUND "cases/{id} not found". `now_ms` decides the output-only
  // `overdue` flag.
  absl::StatusOr<v1::Case> LoadCase(const std::string& id, bool with_history, std::int64_t now_ms);
  // Cases in list order: overdue at `as_of_ms` first, then by due time,
  // then id; at most `limit`, starting strictly after `after` when given.
  // A walk over several pages keeps the first page's `as_of_ms`, so a case
  // falling due mid-walk does not move to a bucket already passed. The
  // cases' `overdue` flag is computed at `now_ms`.
  absl::StatusOr<std::vector<CaseListEntry>> ListCases(const CaseFilter& filter,
                                                       std::int64_t now_ms, std::int64_t as_of_ms,
                                                       int limit,
                                                       const std::optional<CaseListKey>& after);
  // How many cases `filter` keeps as of `as_of_ms` (issue 12: the
  // worklist's true total; the view counts only what the caller may see).
  absl::StatusOr<std::int64_t> CountCases(const CaseFilter& filter, std::int64_t as_of_ms);
  // The plans the database chooses for the statements ListCases runs for
  // this filter and cursor (see worklist_query.h), one per statement: for the
  // tests that check every list shape reads an index in list order.
  absl::StatusOr<std::vector<std::string>> ExplainListCases(
      const CaseFilter& filter, std::int64_t as_of_ms, int limit,
      const std::optional<CaseListKey>& after);
  // Applies the change if the case is still in change.expected_state.
  // NOT_FOUND when there is no such case; ABORTED when its state moved on
  // (a concurrent change won: re-read and re-check).
  absl::Status ApplyCaseChange(const CaseChange& change);

  // ---- SLA ----
  absl::StatusOr<std::vector<std::string>> FindUnmarkedOverdue(std::int64_t now_ms);
  // Sets overdue_ms and appends `history` if the case is still unmarked,
  // unresolved and past due. True when this call marked it.
  absl::StatusOr<bool> MarkOverdue(const std::string& case_id, std::int64_t now_ms,
                                   const HistoryRecord& history);
  absl::StatusOr<std::vector<BreachedCase>> FindUnescalatedBreaches(std::int64_t now_ms);
  // Claims the escalation of one breach: true for exactly one caller ever.
  // The winner owns sending its notification and reports the result with
  // RecordNotification().
  absl::StatusOr<bool> ClaimEscalation(const std::string& case_id, std::int64_t now_ms,
                                       const std::string& escalated_to,
                                       const HistoryRecord& history);
  // Escalations whose notification failed, or whose sender has held the
  // claim since before `stale_before_ms` (it crashed).
  absl::StatusOr<std::vector<PendingEscalation>> FindRetryableNotifications(
      std::int64_t stale_before_ms);
  // Claims one retry; true for exactly one of concurrent callers.
  absl::StatusOr<bool> ClaimNotificationRetry(const std::string& case_id, std::int64_t now_ms,
                                              std::int64_t stale_before_ms);
  absl::Status RecordNotification(const std::string& case_id, bool sent);
  // Counts unresolved cases past due at now_ms.
  absl::StatusOr<int> CountOverdue(std::int64_t now_ms);

  // ---- projects ----
  // `proposed_by` is recorded with the row (a proposal's author; may be empty).
  absl::StatusOr<bool> InsertProject(const v1::Project& p, const std::string& request_id,
                                     const HistoryRecord& created, const std::string& proposed_by = "");
  absl::StatusOr<std::optional<std::string>> FindProjectIdByRequest(const std::string& request_id);
  // NOT_FOUND "projects/{id} not found".
  absl::StatusOr<v1::Project> LoadProject(const std::string& id, bool with_history);
  // Newest first (create time descending, then id); at most `limit`,
  // starting strictly after `after` when given.
  // `departments`: issue 9, only projects with an action item owned by one
  // of them; null = every project.
  absl::StatusOr<std::vector<ProjectListEntry>> ListProjects(
      int state, const std::string& topic, int limit, const std::optional<ProjectListKey>& after,
      const std::vector<std::string>* departments = nullptr);
  // Marks the item done; when it was the last open item of an open project,
  // closes the project in the same transaction (history + project_closed
  // event). Returns whether this call closed the project; completing a done
  // item again changes nothing. NOT_FOUND names the project or the item.
  absl::StatusOr<bool> CompleteActionItem(const std::string& project_id,
                                          const std::string& item_id, const std::string& actor,
                                          std::int64_t now_ms);
  // closed -> open, reopen_count + 1, every action item open again,
  // history with the evidence, project_reopened event. NOT_FOUND for no such
  // project, FAILED_PRECONDITION when it is open.
  absl::Status ReopenProject(const std::string& project_id, const std::string& actor,
                             const std::string& evidence, std::int64_t now_ms);

  // ---- outbox ----
  // Unpublished events, oldest first (created_ms, id).
  absl::StatusOr<std::vector<OutboxRecord>> PendingEvents(int limit);
  // Claims up to `limit` unpublished events, oldest first, hands them to
  // `publish` (which publishes them in order and returns how many of the
  // first went out) and marks that prefix published; the rest stay pending.
  // On PostgreSQL the claim locks the events in order (FOR UPDATE): a relay
  // of another replica waits for this batch to be marked and then takes the
  // events after it, so each event is published once and in order; see
  // common/storage/outbox.h. A storage failure is a status (UNAVAILABLE when
  // the database is away); the batch is then not marked.
  using PublishEvents = std::function<std::size_t(const std::vector<OutboxRecord>&)>;
  absl::StatusOr<storage::OutboxBatch> RelayPendingEvents(int limit, const PublishEvents& publish);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
