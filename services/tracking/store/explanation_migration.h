// Tracking migration 7 (issue 12, "why is this case here"): the case's
// explanation column. Its own file so that migrations added beside it by
// other changes merge cleanly; keep TrackingMigrations() in version order.
#pragma once

#include "common/storage/database.h"

namespace voc::tracking {

storage::Migration ExplanationMigration();

}  // namespace voc::tracking
