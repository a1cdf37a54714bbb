// Callers for tests of the permission decisions (issue 9), built without a
// network: an API key or a service principal holding some scopes, and a
// person of the demo directory (config/directory.yaml + config/roles.yaml;
// tests run in the source folder). Header-only; link voc_common_auth.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "common/auth/principal.h"
#include "common/auth/role_book.h"
#include "common/org/org_directory.h"

namespace voc::testing {

// "key:k1" holding `scopes`.
inline auth::Principal ApiKeyCaller(std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kApiKey;
  p.id = "key:k1";
  p.scopes = std::move(scopes);
  return p;
}

// "service:s" holding `scopes`.
inline auth::Principal ServiceCaller(std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:s";
  p.scopes = std::move(scopes);
  return p;
}

// A demo person as the gateway acts for them (roles and departments from
// the demo's files, loaded once).
inline auth::Principal DemoPerson(const std::string& person_id) {
  static const auth::RoleBook book = [] {
    auto directory = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Load("config/directory.yaml").value());
    return auth::RoleBook::Load(directory, "config/roles.yaml").value();
  }();
  return book.PersonPrincipal(person_id).value();
}

}  // namespace voc::testing
