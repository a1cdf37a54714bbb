// voc-notify's settings from the `services.notify` section (docs/operations.md).
#pragma once

#include <absl/status/statusor.h>

#include <string>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/org/org_directory.h"
#include "services/notify/delivery_channels.h"
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
// built-in `log` and `file` ones here, and e-mail, WeCom, DingTalk, Feishu
// and webhooks from services/notify/channels (ChannelsFromConfig). A robot's
// or webhook's URL and signing secret come from the environment variables
// named by services.notify.channels.<name>.url_env / secret_env (a plain
// `url` is for local receivers without a key). `wall_clock` stamps
// signatures and must outlive the router. INVALID_ARGUMENT naming the key.
//
// A department may have its own robot or webhook per channel (issue 11:
// channels "chosen per recipient or per department"):
//
//   services.notify.channels.dingtalk.departments:
//     logistics: {url_env: VOC_DINGTALK_URL_LOGISTICS, secret_env: VOC_DINGTALK_SECRET_LOGISTICS}
//
// Requests owned by that department go there. Checked at start against
// `directory` (when given) and the environment: an unknown department, a
// missing url_env, a plain url (a robot URL carries its key) or an unset
// variable refuses to start with "<file>:<line>: <key>: <problem>".
absl::Status AddChannels(const Config& config, const Clock& wall_clock, DeliveryChannels* router,
                         const org::OrgDirectory* directory = nullptr);

}  // namespace voc::notify
