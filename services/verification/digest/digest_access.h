// Who may read and compose weekly digests (issue 12; docs/api.md, "Weekly
// digest"). Scoped like the report figures (auth::VisibleFigures): the
// company digest by those who see every department's figures (analysts,
// executives, keys with analytics:read or cases:read); a department's
// digest also by that department's members and head. Composing (and
// sending) by hand is an operator's act: cases:write or admin. Each answers
// OK or PERMISSION_DENIED naming what the caller lacks, whether or not the
// digest exists.
#pragma once

#include <absl/status/status.h>

#include <string>

#include "common/auth/principal.h"
#include "services/verification/digest/digest_store.h"

namespace voc::verification {

// GetDigest, and ListDigests narrowed to one department ("" = company).
absl::Status MayReadDigest(const auth::Principal& caller, const std::string& department);
// The scopes ListDigests without a department returns to the caller.
DigestScopes ReadableDigestScopes(const auth::Principal& caller);
// ComposeDigests.
absl::Status MayComposeDigests(const auth::Principal& caller);

}  // namespace voc::verification
