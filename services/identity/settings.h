// voc-identity's settings (services.identity.* in config/voc.yaml).
#pragma once

#include <absl/status/statusor.h>

#include <chrono>

#include "common/clock/clock.h"
#include "common/config/config.h"

namespace voc::identity {

struct IdentitySettings {
  // A session ends after this long without a request (session_idle_minutes)
  // and this long after the login whatever happens (session_absolute_hours).
  Duration session_idle = std::chrono::minutes(30);
  Duration session_absolute = std::chrono::hours(12);
  // Failed logins: after this many in failure_window for one account
  // (login_failures_per_account) or one client address
  // (login_failures_per_address), Login answers RESOURCE_EXHAUSTED for
  // failure_window (login_failure_window_minutes).
  int failures_per_account = 5;
  int failures_per_address = 20;
  Duration failure_window = std::chrono::minutes(15);
  // last_seen of a session and last_used of a key are written at most this
  // often: reads stay reads.
  Duration touch_interval = std::chrono::minutes(1);
};

// INVALID_ARGUMENT "<file>: services.identity.<key>: ..." for a value that is not positive.
absl::StatusOr<IdentitySettings> IdentitySettingsFrom(const Config& config);

}  // namespace voc::identity
