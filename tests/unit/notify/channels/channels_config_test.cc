// The deployment's channels from config/voc.yaml; secrets from the environment only.
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "services/notify/channels/channel_router.h"
#include "services/notify/channels/channels_config.h"

namespace voc::notify {
namespace {

Config Yaml(const std::string& text) {
  auto config = Config::FromString(text, "notify");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

SystemClock wall_clock;

TEST(ChannelsFromConfig, WithoutAnSmtpUrlHasTheRobotsAndWebhooksButNoEmail) {
  auto router = ChannelsFromConfig(Yaml("services: {notify: {}}\n"), wall_clock);
  ASSERT_TRUE(router.ok()) << router.status();
  for (const char* name : {"wecom", "dingtalk", "feishu", "webhook"}) EXPECT_TRUE((*router)->Has(name)) << name;
  EXPECT_FALSE((*router)->Has("email"));
  RenderedMessage m;
  Destination to;
  to.channel = "email";
  EXPECT_EQ((*router)->Deliver(m, to).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ChannelsFromConfig, EmailTakesItsPasswordFromTheNamedEnvironmentVariable) {
  const std::string yaml =
      "services:\n  notify:\n    channels:\n      email:\n        smtp_url: smtp://127.0.0.1:1025\n"
      "        from: voc@example.com\n        username: voc\n        password_env: VOC_TEST_SMTP_PASSWORD_X\n"
      "        starttls: off\n";
  unsetenv("VOC_TEST_SMTP_PASSWORD_X");
  auto missing = ChannelsFromConfig(Yaml(yaml), wall_clock);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("services.notify.channels.email.password_env"), std::string::npos);
  setenv("VOC_TEST_SMTP_PASSWORD_X", "from-the-environment", 1);
  auto router = ChannelsFromConfig(Yaml(yaml), wall_clock);
  ASSERT_TRUE(router.ok()) << router.status();
  EXPECT_TRUE((*router)->Has("email"));
  unsetenv("VOC_TEST_SMTP_PASSWORD_X");
}

TEST(ChannelsFromConfig, BadValuesAreRefusedNamingTheKey) {
  auto starttls = ChannelsFromConfig(
      Yaml("services: {notify: {channels: {email: {smtp_url: 'smtp://h', starttls: sometimes}}}}\n"), wall_clock);
  ASSERT_FALSE(starttls.ok());
  EXPECT_NE(starttls.status().message().find("services.notify.channels.email.starttls"), std::string::npos);
  auto from = ChannelsFromConfig(
      Yaml("services: {notify: {channels: {email: {smtp_url: 'smtp://h', from: 'not an address'}}}}\n"), wall_clock);
  ASSERT_FALSE(from.ok());
  EXPECT_NE(from.status().message().find("services.notify.channels.email.from"), std::string::npos);
  auto timeout = ChannelsFromConfig(Yaml("services: {notify: {channels: {http: {timeout_ms: 0}}}}\n"), wall_clock);
  ASSERT_FALSE(timeout.ok());
  EXPECT_NE(timeout.status().message().find("services.notify.channels.http.timeout_ms"), std::string::npos);
}

TEST(IsRetryableDelivery, IsTheRetryableSetOfChannelH) {
  EXPECT_TRUE(IsRetryableDelivery(absl::UnavailableError("x")));
  EXPECT_TRUE(IsRetryableDelivery(absl::DeadlineExceededError("x")));
  EXPECT_TRUE(IsRetryableDelivery(absl::ResourceExhaustedError("x")));
  EXPECT_FALSE(IsRetryableDelivery(absl::InvalidArgumentError("x")));
  EXPECT_FALSE(IsRetryableDelivery(absl::FailedPreconditionError("x")));
  EXPECT_FALSE(IsRetryableDelivery(absl::PermissionDeniedError("x")));
  EXPECT_FALSE(IsRetryableDelivery(absl::OkStatus()));
}

}  // namespace
}  // namespace voc::notify
