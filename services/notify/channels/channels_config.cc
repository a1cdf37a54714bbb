#include "services/notify/channels/channels_config.h"

#include <cstdlib>

#include "common/status/status.h"
#include "services/notify/channels/email_channel.h"
#include "services/notify/channels/mime.h"
#include "services/notify/channels/robot_channels.h"
#include "services/notify/channels/webhook_channel.h"

namespace voc::notify {
namespace {

absl::StatusOr<long> PositiveMs(const Config& config, const std::string& key, long fallback) {
  std::int64_t value = config.GetInt(key, fallback);
  if (value <= 0) return status::InvalidArgument(key, "must be > 0");
  return static_cast<long>(value);
}

absl::StatusOr<SmtpOptions> SmtpFromConfig(const Config& config, const std::string& section) {
  SmtpOptions o;
  o.url = config.GetString(section + ".smtp_url");
  o.from_address = config.GetString(section + ".from", "voc@localhost");
  if (!IsPlainAddress(o.from_address)) return status::InvalidArgument(section + ".from", "is not an e-mail address");
  o.from_name = config.GetString(section + ".from_name", "VoC");
  o.username = config.GetString(section + ".username");
  std::string password_env = config.GetString(section + ".password_env", "VOC_SMTP_PASSWORD");
  if (!o.username.empty()) {
    const char* password = std::getenv(password_env.c_str());
    if (!password) {
      return status::InvalidArgument(section + ".password_env",
                                     "the environment variable " + password_env + " is not set");
    }
    o.password = password;
  }
  absl::StatusOr<StartTls> starttls = ParseStartTls(config.GetString(section + ".starttls", "required"),
                                                    section + ".starttls");
  if (!starttls.ok()) return starttls.status();
  o.starttls = *starttls;
  o.ca_file = config.GetString(section + ".ca_file");
  absl::StatusOr<long> timeout = PositiveMs(config, section + ".timeout_ms", 30000);
  if (!timeout.ok()) return timeout.status();
  o.timeout_ms = *timeout;
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChannelRouter>> ChannelsFromConfig(const Config& config, const Clock& wall_clock) {
  const std::string root = kChannelsConfigKey;
  HttpOptions http;
  absl::StatusOr<long> timeout = PositiveMs(config, root + ".http.timeout_ms", http.timeout_ms);
  if (!timeout.ok()) return timeout.status();
  absl::StatusOr<long> connect = PositiveMs(config, root + ".http.connect_timeout_ms", http.connect_timeout_ms);
  if (!connect.ok()) return connect.status();
  http.timeout_ms = *timeout;
  http.connect_timeout_ms = *connect;
  http.ca_file = config.GetString(root + ".http.ca_file");

  auto router = std::make_unique<ChannelRouter>();
  if (!config.GetString(root + ".email.smtp_url").empty()) {
    absl::StatusOr<SmtpOptions> smtp = SmtpFromConfig(config, root + ".email");
    if (!smtp.ok()) return smtp.status();
    router->Add("email", std::make_unique<EmailChannel>(*smtp, wall_clock));
  }
  router->Add("wecom", std::make_unique<RobotChannel>(Robot::kWeCom, http, wall_clock));
  router->Add("dingtalk", std::make_unique<RobotChannel>(Robot::kDingTalk, http, wall_clock));
  router->Add("feishu", std::make_unique<RobotChannel>(Robot::kFeishu, http, wall_clock));
  router->Add("webhook", std::make_unique<WebhookChannel>(http, wall_clock));
  return router;
}

}  // namespace voc::notify
