#include "services/tracking/tasks/task_migration.h"

namespace voc::tracking::tasks {

storage::Migration TaskMigration() {
  return {
      5,
      "task states and worklist indexes; project decisions; action-item fired points",
      {
          // A task's life: 1 open, 2 in progress, 3 done, 4 cancelled (with
          // cancel_reason). `done` stays the "no longer open" flag the case
          // load already reads (Case.tasks[].done), so it is 1 for done and
          // cancelled alike.
          "ALTER TABLE case_tasks ADD COLUMN state INTEGER NOT NULL DEFAULT 1",
          "ALTER TABLE case_tasks ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE case_tasks ADD COLUMN sla_policy_id TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE case_tasks ADD COLUMN created_by TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE case_tasks ADD COLUMN create_ms BIGINT NOT NULL DEFAULT 0",
          "ALTER TABLE case_tasks ADD COLUMN update_ms BIGINT NOT NULL DEFAULT 0",
          "UPDATE case_tasks SET state = 3 WHERE done = 1",
          // The owners' worklists (ListTasks): by department or person, then
          // state, then due time.
          "CREATE INDEX case_tasks_department_list ON case_tasks (department, state, due_ms)",
          "CREATE INDEX case_tasks_person_list ON case_tasks (person, state, due_ms)",
          // The VoC committee's decision on a proposal, and when it started.
          "ALTER TABLE projects ADD COLUMN proposed_by TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE projects ADD COLUMN decided_by TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE projects ADD COLUMN decision_reason TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE projects ADD COLUMN decided_ms BIGINT",
          "ALTER TABLE projects ADD COLUMN started_ms BIGINT",
          // The watcher reads open items in due order.
          "CREATE INDEX action_items_open_due ON action_items (done, due_ms)",
          // One row per fired point of an item's due date ("warn:1d@<due>",
          // "breach@<due>", "level:1@<due>"): a point fires only when its
          // INSERT wins, in the same transaction as its history entry, so it
          // fires once across restarts and replicas. The due moment is part
          // of the point, so a re-dated item is watched afresh.
          // notify_state: 0 being sent (since notify_claim_ms), 1 sent,
          // 2 failed (retried by the next run; a stale 0 too).
          "CREATE TABLE action_item_fired ("
          " project_id TEXT NOT NULL,"
          " item_id TEXT NOT NULL,"
          " point TEXT NOT NULL,"
          " fired_ms BIGINT NOT NULL,"
          " target TEXT NOT NULL,"
          " notify_state INTEGER NOT NULL DEFAULT 0,"
          " notify_claim_ms BIGINT NOT NULL,"
          " PRIMARY KEY (project_id, item_id, point))",
          "CREATE INDEX action_item_fired_retry ON action_item_fired (notify_state, notify_claim_ms)",
      }};
}

}  // namespace voc::tracking::tasks
