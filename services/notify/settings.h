// voc-notify's settings from the `services.notify` section (docs/operations.md).
#pragma once

#include <absl/status/statusor.h>

#include <string>

#include "common/config/config.h"
#include "services/notify/channel_router.h"
#include "services/notify/delivery_worker.h"

namespace voc::notify {

struct NotifySettings {
  std::string subscriptions_path = "config/subscriptions.yaml";
  std::int64_t subscriptions_reload_interval_ms = 5000;
  int batch_size = 64;
  std::int64_t delivery_interval_ms = 500;
  int delivery_batch = 256;
  std::string case_link_base;
  RetryPolicy retry;
};

// INVALID_ARGUMENT naming the key for a value out of range.
absl::StatusOr<NotifySettings> NotifySettingsFrom(const Config& config);

// The channels the config enables (services.notify.channels.<name>): the
// built-in `log` and `file` ones here; the real ones (email, wecom,
// dingtalk, feishu, webhook) come from services/notify/channels once merged.
// Secrets and keyed URLs only through the environment variables the config
// names.
absl::Status AddBuiltInChannels(const Config& config, ChannelRouter* router);

}  // namespace voc::notify
