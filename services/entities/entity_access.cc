#include "services/entities/entity_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::entities {

absl::Status MayImportEntities(const auth::Principal& caller) {
  if (caller.is_person()) {
    if (caller.HasRole(auth::Role::kAnalyst) || caller.HasRole(auth::Role::kAdmin)) return absl::OkStatus();
    return auth::Denied("import operational data (analysts and admins)");
  }
  if (!caller.HasScope(auth::kEntitiesWrite)) return auth::MissingScope(auth::kEntitiesWrite);
  return absl::OkStatus();
}

absl::Status MayReadEntities(const auth::Principal& caller) {
  if (caller.is_person()) {
    if (caller.HasRole(auth::Role::kAnalyst) || caller.HasRole(auth::Role::kExecutive) ||
        caller.HasRole(auth::Role::kAdmin)) {
      return absl::OkStatus();
    }
    return auth::Denied("read operational data (analysts, executives and admins)");
  }
  if (!caller.HasScope(auth::kEntitiesRead) && !caller.HasScope(auth::kEntitiesWrite)) {
    return auth::MissingScope(auth::kEntitiesRead);
  }
  return absl::OkStatus();
}

}  // namespace voc::entities
