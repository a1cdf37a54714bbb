// The one rule tasks add to resolving a case: not while a task is open.
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <string>

#include "services/tracking/store/tracking_store.h"

namespace voc::tracking::tasks {

// FAILED_PRECONDITION naming every open (or in-progress) owned task of the case
// "cases/{id}" and its owner; OK when there is none. A case that cannot be
// loaded is left to the resolve itself to report (OK here).
absl::Status RequireNoOpenTasks(TrackingStore& store, const std::string& case_name,
                                std::int64_t now_ms);

}  // namespace voc::tracking::tasks
