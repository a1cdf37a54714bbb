#include "services/identity/settings.h"

#include "common/status/status.h"

namespace voc::identity {

absl::StatusOr<IdentitySettings> IdentitySettingsFrom(const Config& config) {
  IdentitySettings s;
  const std::string p = config.source() + ": services.identity.";
  auto positive = [&](const char* key, std::int64_t fallback, std::int64_t* out) -> absl::Status {
    *out = config.GetInt(std::string("services.identity.") + key, fallback);
    if (*out < 1) return status::InvalidArgument(p + key, "must be a positive whole number");
    return absl::OkStatus();
  };
  std::int64_t idle = 0, absolute = 0, account = 0, address = 0, window = 0;
  VOC_RETURN_IF_ERROR(positive("session_idle_minutes", 30, &idle));
  VOC_RETURN_IF_ERROR(positive("session_absolute_hours", 12, &absolute));
  VOC_RETURN_IF_ERROR(positive("login_failures_per_account", 5, &account));
  VOC_RETURN_IF_ERROR(positive("login_failures_per_address", 20, &address));
  VOC_RETURN_IF_ERROR(positive("login_failure_window_minutes", 15, &window));
  s.session_idle = std::chrono::minutes(idle);
  s.session_absolute = std::chrono::hours(absolute);
  s.failures_per_account = static_cast<int>(account);
  s.failures_per_address = static_cast<int>(address);
  s.failure_window = std::chrono::minutes(window);
  return s;
}

}  // namespace voc::identity
