// Tracking migration 5 (issue 11, owned by tasks): task states on case_tasks,
// the committee's decision on projects, and the action-item watcher's fired
// points.
#pragma once

#include "common/storage/database.h"

namespace voc::tracking::tasks {

storage::Migration TaskMigration();

}  // namespace voc::tracking::tasks
