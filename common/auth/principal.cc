#include "common/auth/principal.h"

namespace voc::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kMember: return "member";
    case Role::kDepartmentHead: return "department_head";
    case Role::kAnalyst: return "analyst";
    case Role::kExecutive: return "executive";
    case Role::kAdmin: return "admin";
  }
  return "member";
}

bool ParseRole(std::string_view name, Role* role) {
  for (Role candidate : {Role::kMember, Role::kDepartmentHead, Role::kAnalyst, Role::kExecutive,
                         Role::kAdmin}) {
    if (RoleName(candidate) == name) {
      *role = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace voc::auth
