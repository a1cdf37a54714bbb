// Who may do what with assignment's routing rules (issue 9; docs/api.md,
// "Who may call what"), decided with common/auth/policy.h:
//
//   GetRoutingRules, ListRuleVersions, GetRuleVersion
//                              CanReadRules (rules:read|write, admin; any person)
//   UpdateRoutingRules, RollbackRules, ReloadRules
//                              CanWriteRules (rules:write, admin; analysts, admins)
//
// A service or key lacking the scope is told which one; a person is told
// what they may not do (PERMISSION_DENIED either way).
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"

namespace voc::assignment {

absl::Status MayReadRoutingRules(const auth::Principal& caller);
absl::Status MayWriteRoutingRules(const auth::Principal& caller);

}  // namespace voc::assignment
