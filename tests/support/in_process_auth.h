// An authenticator for gRPC adapters served inside a test process (issue
// 9): the same CallerAuthenticator a service builds in main(), knowing the
// principals of a TestCredentials and the people of config/directory.yaml
// with config/roles.yaml, no API keys (no voc-identity) and refusals to the
// log only (no Redis). Calls then carry creds.Channel(address, "<principal>")
// like calls to a service binary. Header-only; link voc_test_auth.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "tests/support/auth_fixture.h"

namespace voc::testing {

inline std::unique_ptr<auth::CallerAuthenticator> InProcessAuthenticator(const TestCredentials& creds,
                                                                         const Clock& clock,
                                                                         const std::string& service) {
  auto config = Config::FromString(
      creds.AuthYaml("config/roles.yaml") + "org: {directory: config/directory.yaml}\n", service);
  if (!config.ok()) throw std::runtime_error(std::string(config.status().message()));
  queue::RedisOptions no_redis;
  no_redis.host = "";  // audit to the log only
  auto made = auth::AuthenticatorFromConfig(*config, clock, no_redis);
  if (!made.ok()) throw std::runtime_error(std::string(made.status().message()));
  return *std::move(made);
}

}  // namespace voc::testing
