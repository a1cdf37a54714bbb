// The channels of one deployment, from config/voc.yaml, so the notify
// service builds its ChannelRouter in one call:
//
//   services.notify.channels:
//     email:                          # no smtp_url: no e-mail channel
//       smtp_url: smtp://127.0.0.1:1025   # or smtp://mail.example.com:587, smtps://...:465
//       from: voc@example.com
//       from_name: VoC 客户之声
//       username: ""                  # empty: no AUTH
//       password_env: VOC_SMTP_PASSWORD   # the environment variable holding the password
//       starttls: required            # required | opportunistic | off
//       ca_file: ""                   # PEM; empty: the system's CA store
//       timeout_ms: 30000
//     http:                           # the robots and webhooks
//       timeout_ms: 10000
//       connect_timeout_ms: 3000
//       ca_file: ""
//
// WeCom, DingTalk, Feishu and webhook are always present: their URLs and
// secrets belong to each destination (the subscriptions / directory), not
// to the deployment. Secrets are never read from the file.
#pragma once

#include <absl/status/statusor.h>

#include <memory>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "services/notify/channels/channel_router.h"

namespace voc::notify {

inline constexpr char kChannelsConfigKey[] = "services.notify.channels";

// INVALID_ARGUMENT naming the key for a bad value (starttls, a from
// address, timeouts <= 0) or an AUTH user whose password variable is unset.
// `wall_clock` stamps signatures and Date: headers; it must be the real
// clock (vendors reject timestamps an hour off) and outlive the router.
absl::StatusOr<std::unique_ptr<ChannelRouter>> ChannelsFromConfig(const Config& config, const Clock& wall_clock);

}  // namespace voc::notify
