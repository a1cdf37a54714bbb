#include "services/assignment/store/migrations.h"

#include "common/rules/rule_version_table.h"

namespace voc::assignment {

std::vector<storage::Migration> AssignmentMigrations() {
  return {
      {1,
       "assignments and their routing decisions",
       {
           "CREATE TABLE assignments ("
           " feedback_id TEXT PRIMARY KEY,"
           " assign_ms BIGINT NOT NULL)",
           // notify_to: person ids, one per line; notified flips to 1 once
           // the notifier accepted the alert, so a failure is retried on
           // redelivery and a success is never repeated.
           "CREATE TABLE assignment_decisions ("
           " feedback_id TEXT NOT NULL,"
           " ordinal INTEGER NOT NULL,"
           " kind TEXT NOT NULL,"
           " department TEXT NOT NULL,"
           " person TEXT NOT NULL,"
           " case_name TEXT NOT NULL,"
           " reason TEXT NOT NULL,"
           " notify_to TEXT NOT NULL,"
           " notified INTEGER NOT NULL DEFAULT 0,"
           " PRIMARY KEY (feedback_id, kind))",
       }},
      {2,
       "the priority and title of each decision's case, and whether its new-P1 alert was sent",
       {
           // Rows from before this migration keep priority 0 (unknown), so
           // no new_p1 alert is sent for cases opened long ago.
           "ALTER TABLE assignment_decisions ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
           // The case title; erasure replaces the customer id in it.
           "ALTER TABLE assignment_decisions ADD COLUMN title TEXT NOT NULL DEFAULT ''",
           // Like `notified`, for the new_p1 alert: set once the notifier
           // accepted it, so a redelivered message alerts once.
           "ALTER TABLE assignment_decisions ADD COLUMN p1_notified INTEGER NOT NULL DEFAULT 0",
       }},
      // Issue 9: routing rules changed over the API (UpdateRoutingRules,
      // RollbackRules, a recorded ReloadRules), with who, when and why;
      // the same columns as triage's rule_versions (common/rules).
      {3, "routing rule versions: who changed the routing rules, when and why (issue 9)",
       rules::RuleVersionTableStatements("routing_rule_versions")},
  };
}

}  // namespace voc::assignment
