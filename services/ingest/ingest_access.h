// Who may call which IngestService RPC (issue 9; docs/api.md, "Who may
// call what"). One place for ingest's rules, decided with common/auth:
//
//   SubmitFeedback, BatchSubmitFeedback  scope feedback:write (channels and
//       internal systems by their API key). A person never submits through
//       the gateway: customers' feedback comes from the channels, and an
//       analyst writing feedback in would skew the figures.
//   GetFeedback, ListFeedback            auth::CanReadFeedback (feedback:read;
//       analysts and executives). A department member reads the feedback of
//       their cases through tracking's case, which carries its summary.
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"

namespace voc::ingest {

// OK, or PERMISSION_DENIED naming what is missing.
absl::Status MaySubmitFeedback(const auth::Principal& caller);
absl::Status MayReadFeedback(const auth::Principal& caller);

}  // namespace voc::ingest
