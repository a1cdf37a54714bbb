#include "services/verification/verification_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::verification {

absl::Status MayReadVerifications(const auth::Principal& caller) {
  if (auth::CanReadAnalytics(caller)) return absl::OkStatus();
  return auth::MissingScope(auth::kAnalyticsRead);
}

absl::Status MaySearchKnowledge(const auth::Principal& caller) {
  if (auth::CanReadAnalytics(caller)) return absl::OkStatus();
  return auth::MissingScope(auth::kAnalyticsRead);
}

absl::Status MayRunDueChecks(const auth::Principal& caller) {
  if (caller.HasScope(auth::kCasesWrite) || auth::IsAdmin(caller)) return absl::OkStatus();
  if (caller.is_person()) return auth::Denied("run the due verification checks (admins only)");
  return auth::MissingScope(auth::kCasesWrite);
}

}  // namespace voc::verification
