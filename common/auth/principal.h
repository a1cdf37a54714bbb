// Who is calling (issue 9): a service as itself, an internal system by its
// API key, or a person through the gateway. Built once per call by the
// Authenticator (authenticator.h) and passed to the logic that decides
// (policy.h); the actor a service records is always principal.Actor().
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace voc::auth {

enum class PrincipalKind { kService, kApiKey, kPerson };

// A person's roles beyond being a member of their department.
enum class Role { kMember, kDepartmentHead, kAnalyst, kExecutive, kAdmin };

// "member", "department_head", "analyst", "executive", "admin".
std::string_view RoleName(Role role);
// False for an unknown name.
bool ParseRole(std::string_view name, Role* role);

struct Principal {
  PrincipalKind kind = PrincipalKind::kService;
  // "service:assignment", "key:<key id>", "person:<person id>": the audit
  // log's principal.
  std::string id;
  // The service name, the key's name, or the person's name.
  std::string name;
  // kPerson: the org directory person id (the recorded actor).
  std::string person_id;
  // kService / kApiKey: what it may do (scopes.h).
  std::set<std::string> scopes;
  // kPerson: roles and the departments they belong to or head.
  std::set<Role> roles;
  std::set<std::string> departments;  // member of (their own department)
  std::set<std::string> head_of;      // departments they head
  // kPerson: the principal that vouched for them ("service:gateway").
  std::string via;

  bool is_person() const { return kind == PrincipalKind::kPerson; }
  bool HasScope(std::string_view scope) const { return scopes.count(std::string(scope)) > 0; }
  bool HasRole(Role role) const { return roles.count(role) > 0; }
  // The actor recorded in histories: the person id for a person, else the
  // principal id ("service:assignment", "key:k1").
  std::string Actor() const { return is_person() ? person_id : id; }
};

}  // namespace voc::auth
