#include "services/assignment/assignment_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::assignment {

absl::Status MayReadRoutingRules(const auth::Principal& caller) {
  if (auth::CanReadRules(caller)) return absl::OkStatus();
  return caller.is_person() ? auth::Denied("read the routing rules") : auth::MissingScope(auth::kRulesRead);
}

absl::Status MayWriteRoutingRules(const auth::Principal& caller) {
  if (auth::CanWriteRules(caller)) return absl::OkStatus();
  return caller.is_person() ? auth::Denied("change the routing rules (analysts and admins)")
                            : auth::MissingScope(auth::kRulesWrite);
}

}  // namespace voc::assignment
