#include "services/assignment/store/migrations.h"

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
  };
}

}  // namespace voc::assignment
