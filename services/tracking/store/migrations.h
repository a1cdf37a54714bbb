#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::tracking {

// Schema "tracking": cases with owners, callbacks, tasks and history;
// improvement projects with action items and history; the event outbox.
std::vector<storage::Migration> TrackingMigrations();

}  // namespace voc::tracking
