// People's roles (issue 9): department membership and headship from the org
// directory (common/org), the other roles from the directory's `roles:` of a
// person and from the roles file (auth.roles, default config/roles.yaml):
//
//   # person id: roles
//   people:
//     p-emily-carter: [analyst]
//     p-chen-jianguo: [executive]
//     p-it-admin:     [admin]
//
// A mistake (unknown person, unknown role) refuses to load with
// "<file>:<line>: <problem>".
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/auth/principal.h"
#include "common/org/org_directory.h"

namespace voc::auth {

inline constexpr char kRolesConfigKey[] = "auth.roles";
inline constexpr char kDefaultRolesPath[] = "config/roles.yaml";

class RoleBook {
 public:
  // `roles_path` may be empty: roles then come from the directory alone.
  static absl::StatusOr<RoleBook> Load(std::shared_ptr<const org::OrgDirectory> directory,
                                       const std::string& roles_path);
  static absl::StatusOr<RoleBook> Parse(std::shared_ptr<const org::OrgDirectory> directory,
                                        const std::string& yaml, const std::string& source);

  // The person's principal (kind kPerson, roles, departments, head_of), or
  // NOT_FOUND when the directory does not know them.
  absl::StatusOr<Principal> PersonPrincipal(const std::string& person_id) const;

  const org::OrgDirectory& directory() const { return *directory_; }

 private:
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::map<std::string, std::set<Role>> extra_roles_;  // person id -> roles from the file
};

}  // namespace voc::auth
