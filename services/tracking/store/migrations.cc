#include "services/tracking/store/migrations.h"

#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "services/tracking/store/explanation_migration.h"
#include "services/tracking/store/overdue_digest_store.h"
#include "services/tracking/store/red_line_mark_store.h"
#include "services/tracking/store/sla_store.h"
#include "services/tracking/tasks/task_migration.h"

namespace voc::tracking {

std::vector<storage::Migration> TrackingMigrations() {
  return {
      {1,
       "cases, owners, callbacks, tasks, history; projects, action items; outbox",
       {
           // One row per case. Times are BIGINT ms since the epoch. The SLA
           // columns make escalation exactly-once: a sweep claims a breach with
           // UPDATE ... WHERE escalated_ms IS NULL and only the winner notifies.
           // notify_state: 0 = being sent by the sweep that claimed it at
           // notify_claim_ms, 1 = sent, 2 = failed (the next sweep claims the
           // retry the same conditional way; a claim left at 0 by a crashed
           // process is retried once it is stale).
           "CREATE TABLE cases ("
           " id TEXT PRIMARY KEY,"
           " request_id TEXT NOT NULL UNIQUE,"
           " kind INTEGER NOT NULL,"
           " feedback_id TEXT NOT NULL,"
           " customer_id TEXT NOT NULL,"
           " title TEXT NOT NULL,"
           " summary TEXT NOT NULL,"
           " priority INTEGER NOT NULL,"
           " state INTEGER NOT NULL,"
           " topics TEXT NOT NULL,"
           " create_ms BIGINT NOT NULL,"
           " update_ms BIGINT NOT NULL,"
           " due_ms BIGINT NOT NULL,"
           " overdue_ms BIGINT,"
           " escalated_ms BIGINT,"
           " escalated_to TEXT,"
           " notify_state INTEGER NOT NULL DEFAULT 0,"
           " notify_claim_ms BIGINT,"
           " resolution_note TEXT NOT NULL DEFAULT '')",
           "CREATE INDEX cases_state_due ON cases (state, due_ms)",
           "CREATE INDEX cases_feedback ON cases (feedback_id)",
           "CREATE INDEX cases_customer ON cases (customer_id)",
           // ordinal 0 is the primary owner.
           "CREATE TABLE case_owners ("
           " case_id TEXT NOT NULL,"
           " ordinal INTEGER NOT NULL,"
           " department TEXT NOT NULL,"
           " person TEXT NOT NULL,"
           " PRIMARY KEY (case_id, ordinal))",
           "CREATE INDEX case_owners_department ON case_owners (department)",
           "CREATE INDEX case_owners_person ON case_owners (person)",
           "CREATE TABLE case_callbacks ("
           " case_id TEXT NOT NULL,"
           " seq BIGINT NOT NULL,"
           " time_ms BIGINT NOT NULL,"
           " actor TEXT NOT NULL,"
           " reached INTEGER NOT NULL,"
           " note TEXT NOT NULL,"
           " PRIMARY KEY (case_id, seq))",
           "CREATE TABLE case_tasks ("
           " case_id TEXT NOT NULL,"
           " task_id TEXT NOT NULL,"
           " ordinal INTEGER NOT NULL,"
           " title TEXT NOT NULL,"
           " department TEXT NOT NULL,"
           " person TEXT NOT NULL,"
           " due_ms BIGINT,"
           " done INTEGER NOT NULL DEFAULT 0,"
           " PRIMARY KEY (case_id, task_id))",
           // Append-only: rows are inserted, never updated or deleted.
           "CREATE TABLE case_history ("
           " case_id TEXT NOT NULL,"
           " seq BIGINT NOT NULL,"
           " time_ms BIGINT NOT NULL,"
           " actor TEXT NOT NULL,"
           " action TEXT NOT NULL,"
           " detail TEXT NOT NULL,"
           " PRIMARY KEY (case_id, seq))",
           "CREATE TABLE projects ("
           " id TEXT PRIMARY KEY,"
           " request_id TEXT NOT NULL UNIQUE,"
           " title TEXT NOT NULL,"
           " topic TEXT NOT NULL,"
           " description TEXT NOT NULL,"
           " state INTEGER NOT NULL,"
           " create_ms BIGINT NOT NULL,"
           " update_ms BIGINT NOT NULL,"
           " close_ms BIGINT,"
           " reopen_count INTEGER NOT NULL DEFAULT 0)",
           "CREATE INDEX projects_topic ON projects (topic)",
           "CREATE TABLE action_items ("
           " project_id TEXT NOT NULL,"
           " item_id TEXT NOT NULL,"
           " ordinal INTEGER NOT NULL,"
           " title TEXT NOT NULL,"
           " department TEXT NOT NULL,"
           " person TEXT NOT NULL,"
           " due_ms BIGINT,"
           " done INTEGER NOT NULL DEFAULT 0,"
           " done_ms BIGINT,"
           " PRIMARY KEY (project_id, item_id))",
           "CREATE TABLE project_history ("
           " project_id TEXT NOT NULL,"
           " seq BIGINT NOT NULL,"
           " time_ms BIGINT NOT NULL,"
           " actor TEXT NOT NULL,"
           " action TEXT NOT NULL,"
           " detail TEXT NOT NULL,"
           " PRIMARY KEY (project_id, seq))",
           // Events for voc:tracking, written in the same transaction as the
           // change they announce so a Redis outage cannot lose one.
           "CREATE TABLE tracking_outbox ("
           " id TEXT PRIMARY KEY,"
           " created_ms BIGINT NOT NULL,"
           " event TEXT NOT NULL,"
           " payload_hex TEXT NOT NULL,"
           " published INTEGER NOT NULL DEFAULT 0)",
           "CREATE INDEX tracking_outbox_pending ON tracking_outbox (published, created_ms)",
       }},
      {2,
       "worklist indexes: every ListCases filter reads an index in list order",
       {
           // ListCases orders by (overdue at as_of first, due_ms, id). The
           // overdue bucket depends on the time asked, so no index can hold
           // it; but it is a function of (state, due_ms): a case in an open
           // state (1-4) due before as_of is overdue. So every list index is
           // (<filter column>, state, due_ms, id), and the store reads one
           // range per state (open states below as_of, then open states from
           // as_of plus resolved/closed) and merges those few ranges of at
           // most one page each (tracking_store.cc, "worklist ranges"): each
           // page reads O(states x page) index entries however many cases
           // are stored.
           //
           // The department and person filters go through case_owners, so
           // the owner rows carry a copy of their case's state and due_ms
           // (written with the owner rows and whenever the case's state
           // changes: WriteOwnerListKeys) and are indexed in list order.
           // Rows inserted before this migration get them here.
           "ALTER TABLE case_owners ADD COLUMN state INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE case_owners ADD COLUMN due_ms BIGINT NOT NULL DEFAULT 0",
           "UPDATE case_owners SET"
           " state = (SELECT c.state FROM cases c WHERE c.id = case_owners.case_id),"
           " due_ms = (SELECT c.due_ms FROM cases c WHERE c.id = case_owners.case_id)",
           "CREATE INDEX case_owners_department_list ON case_owners"
           " (department, state, due_ms, case_id)",
           "CREATE INDEX case_owners_person_list ON case_owners (person, state, due_ms, case_id)",
           "CREATE INDEX cases_state_list ON cases (state, due_ms, id)",
           "CREATE INDEX cases_kind_list ON cases (kind, state, due_ms, id)",
           "CREATE INDEX cases_feedback_list ON cases (feedback_id, state, due_ms, id)",
           "CREATE INDEX cases_customer_list ON cases (customer_id, state, due_ms, id)",
           // Each is a prefix of a list index above: one index less to write.
           "DROP INDEX case_owners_department",
           "DROP INDEX case_owners_person",
           "DROP INDEX cases_state_due",
           "DROP INDEX cases_feedback",
           "DROP INDEX cases_customer",
       }},
      {3,
       "SLA clocks: case_clocks (first response, resolution) and the worklist by either due",
       {
           // One row per clock of a case (services/tracking/case_clocks.h):
           // business times on the clock's calendar, wall-clock moments in
           // ms. started_ms is when the current running stretch began;
           // used_ms the business time used before it; due_ms NULL while
           // paused. next_check_ms is the next moment the SLA sweeper must
           // look (NULL = nothing left to do), indexed for the sweep.
           "CREATE TABLE case_clocks ("
           " case_id TEXT NOT NULL,"
           " clock TEXT NOT NULL,"
           " policy_id TEXT NOT NULL,"
           " calendar_id TEXT NOT NULL,"
           " target_ms BIGINT NOT NULL,"
           " started_ms BIGINT NOT NULL,"
           " due_ms BIGINT,"
           " used_ms BIGINT NOT NULL DEFAULT 0,"
           " paused_since_ms BIGINT,"
           " met_ms BIGINT,"
           " breached INTEGER NOT NULL DEFAULT 0,"
           " next_check_ms BIGINT,"
           " PRIMARY KEY (case_id, clock))",
           "CREATE INDEX case_clocks_next_check ON case_clocks (next_check_ms)"
           " WHERE next_check_ms IS NOT NULL",
           // Each clock's open due on the case row and the owner rows, for
           // ListCases' order by either due (worklist_query.h): the due
           // while the clock runs, else 253402300799999 (kNoOpenDueMs: after
           // every real due, never overdue). cases.due_ms stays the nearer
           // of the two. Cases from before this migration keep their one
           // due as the resolution due.
           "ALTER TABLE cases ADD COLUMN first_response_due_ms BIGINT NOT NULL"
           " DEFAULT 253402300799999",
           "ALTER TABLE cases ADD COLUMN resolution_due_ms BIGINT NOT NULL"
           " DEFAULT 253402300799999",
           "UPDATE cases SET resolution_due_ms = due_ms",
           "ALTER TABLE case_owners ADD COLUMN first_response_due_ms BIGINT NOT NULL"
           " DEFAULT 253402300799999",
           "ALTER TABLE case_owners ADD COLUMN resolution_due_ms BIGINT NOT NULL"
           " DEFAULT 253402300799999",
           "UPDATE case_owners SET resolution_due_ms = due_ms",
           "CREATE INDEX cases_state_first_response ON cases (state, first_response_due_ms, id)",
           "CREATE INDEX cases_state_resolution ON cases (state, resolution_due_ms, id)",
           "CREATE INDEX case_owners_department_first_response ON case_owners"
           " (department, state, first_response_due_ms, case_id)",
           "CREATE INDEX case_owners_department_resolution ON case_owners"
           " (department, state, resolution_due_ms, case_id)",
           "CREATE INDEX case_owners_person_first_response ON case_owners"
           " (person, state, first_response_due_ms, case_id)",
           "CREATE INDEX case_owners_person_resolution ON case_owners"
           " (person, state, resolution_due_ms, case_id)",
       }},
      // escalation (issue 11): the fired SLA points; defined beside the
      // sweeper's queries in sla_store.cc. Keep the list in version order.
      SlaFiredMigration(),
      // ---- issue 11, tasks: migration 5 (services/tracking/tasks/task_migration.cc)
      tasks::TaskMigration(),
      // ---- issue 12, loop report: migration 6 (store/loop_report_store.cc)
      LoopReportMigration(),
      // ---- issue 12, why is this case here: migration 7
      // (services/tracking/store/explanation_migration.cc)
      ExplanationMigration(),
      // ---- issue 12, the Loop report's daily roll-up: migration 8
      // (services/tracking/store/loop_rollup_store.cc)
      LoopRollupMigration(),
      // ---- issue 11, the daily overdue digest's claims: migration 9
      // (services/tracking/store/overdue_digest_store.cc)
      OverdueDigestMigration(),
      // ---- issue 10 item 4, red-line marks: migration 10
      // (services/tracking/store/red_line_mark_store.cc)
      RedLineMarkMigration(),
      // ---- issue 12, the Loop report's sums without the event day: migration 11
      // (services/tracking/store/loop_rollup_store.cc)
      LoopOpenSumsMigration(),
      // ---- issue 12, one row per histogram of a block: migration 12
      // (services/tracking/store/loop_rollup_store.cc)
      LoopBlockHistogramsMigration(),
  };
}

}  // namespace voc::tracking
