// The authenticator voc-tracking's main() builds (issue 9), for tests that
// serve tracking's gRPC adapters in this process: the real
// auth::CallerAuthenticator over the principals of a TestCredentials (its
// `auth:` block), people from `directory` and a roles file's text, audit
// lines to the log. API keys are refused (no voc-identity here); callers use
// creds.Channel(address, principal) and voc::testing::ActFor.
#pragma once

#include <memory>
#include <string>

#include "common/auth/audit.h"
#include "common/auth/authenticator.h"
#include "common/auth/role_book.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/org/org_directory.h"
#include "tests/support/auth_fixture.h"

namespace voc::tracking {

inline std::unique_ptr<auth::CallerAuthenticator> InProcessAuthenticator(
    const voc::testing::TestCredentials& creds,
    std::shared_ptr<const org::OrgDirectory> directory = nullptr,
    const std::string& roles_yaml = "people: {}\n") {
  static const SystemClock clock;
  // .value() throws on a mistake: the test (or benchmark) fails at once.
  const Config config = Config::FromString(creds.AuthYaml(), "tracking").value();
  auto principals = auth::ServicePrincipalsFrom(config).value();
  std::shared_ptr<const auth::RoleBook> roles;
  if (directory) {
    roles = std::make_shared<const auth::RoleBook>(
        auth::RoleBook::Parse(directory, roles_yaml, "roles.yaml").value());
  }
  return std::make_unique<auth::CallerAuthenticator>(
      std::move(principals), nullptr, std::move(roles),
      std::make_shared<auth::LogAuditSink>("tracking", clock));
}

}  // namespace voc::tracking
