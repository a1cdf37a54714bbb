// Callers for the tests of tracking's logic (issue 9): the logic takes the
// caller (common/auth) on every method. Tests about what the logic does use
// TestSystem(), a service principal allowed everything tracking serves; tests
// about who may do what build people with TestPerson() (or take them from an
// auth::RoleBook on a directory).
#pragma once

#include <set>
#include <string>

#include "common/auth/principal.h"
#include "common/auth/scopes.h"

namespace voc::tracking {

// "service:tester" with cases:read, cases:write, cases:create,
// projects:reopen and rules:write.
inline auth::Principal TestSystem() {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:tester";
  p.name = "tester";
  p.scopes = {auth::kCasesRead, auth::kCasesWrite, auth::kCasesCreate, auth::kProjectsReopen,
              auth::kRulesWrite};
  return p;
}

// A person of `department` (its head when `head`), with `roles`, as the
// gateway acts for them.
inline auth::Principal TestPerson(const std::string& person_id, const std::string& department,
                              std::set<auth::Role> roles = {}, bool head = false) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:" + person_id;
  p.name = person_id;
  p.person_id = person_id;
  p.roles = std::move(roles);
  p.roles.insert(auth::Role::kMember);
  if (!department.empty()) p.departments.insert(department);
  if (head) {
    p.head_of.insert(department);
    p.roles.insert(auth::Role::kDepartmentHead);
  }
  p.via = "service:gateway";
  return p;
}

}  // namespace voc::tracking
