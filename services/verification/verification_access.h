// Who may call which VerificationService RPC (issue 9; docs/api.md,
// "Verification"). Verifications, re-survey figures and the knowledge base
// are company-wide aggregates: every person reads them, and a service or
// API key with analytics:read (or cases:read, feedback:read; see
// auth::CanReadAnalytics). Knowledge texts are de-identified when written
// (common/privacy), so reading them shows no one's personal data.
// Running the due checks by hand is an operator's act: cases:write or admin.
// Each answers OK or PERMISSION_DENIED naming what the caller lacks.
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"

namespace voc::verification {

// ListVerifications, GetVerification, ListResurveys, GetResurveySummary.
absl::Status MayReadVerifications(const auth::Principal& caller);
// SearchKnowledge.
absl::Status MaySearchKnowledge(const auth::Principal& caller);
// RunDueChecks.
absl::Status MayRunDueChecks(const auth::Principal& caller);

}  // namespace voc::verification
