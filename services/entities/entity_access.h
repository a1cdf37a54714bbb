// Who may call which EntityService RPC (issue 13; docs/api.md, "Who may
// call what"). Operational data is company records joined to feedback -
// order ids, VINs, customers' products - so it is not for every person:
//
//   ImportEntities                       scope entities:write (systems that
//       push, and the voc CLI with such a key); people: analysts and admins.
//   GetEntity, ListEntities, GetEntitySchema
//                                        scope entities:read or
//       entities:write; people: analysts, executives and admins.
// The `admin` scope alone does not import: a key says what it does.
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"

namespace voc::entities {

// OK, or PERMISSION_DENIED naming what is missing.
absl::Status MayImportEntities(const auth::Principal& caller);
absl::Status MayReadEntities(const auth::Principal& caller);

}  // namespace voc::entities
