// An authenticator for a service whose gRPC adapter runs inside the test
// process (issue 9): the principals of a TestCredentials, people from
// config/directory.yaml and config/roles.yaml, no API keys (no voc-identity)
// and refusals to the log only (no Redis). Its callers use creds.Channel().
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
                                                                         const std::string& service,
                                                                         const Clock& clock) {
  auto config = Config::FromString(creds.AuthYaml() + "org: {directory: config/directory.yaml}\n", service);
  if (!config.ok()) throw std::runtime_error(std::string(config.status().message()));
  queue::RedisOptions no_redis;
  no_redis.host = "";
  auto made = auth::AuthenticatorFromConfig(*config, clock, no_redis);
  if (!made.ok()) throw std::runtime_error(std::string(made.status().message()));
  return *std::move(made);
}

}  // namespace voc::testing
