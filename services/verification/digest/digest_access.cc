#include "services/verification/digest/digest_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::verification {

absl::Status MayReadDigest(const auth::Principal& caller, const std::string& department) {
  const auth::CaseVisibility visible = auth::VisibleFigures(caller);
  if (visible.all) return absl::OkStatus();
  if (!department.empty() && visible.departments.count(department) > 0) return absl::OkStatus();
  if (!caller.is_person()) return auth::MissingScope(auth::kAnalyticsRead);
  return auth::Denied(department.empty() ? std::string("read the company digest")
                                         : "read the digest of department " + department);
}

DigestScopes ReadableDigestScopes(const auth::Principal& caller) {
  const auth::CaseVisibility visible = auth::VisibleFigures(caller);
  DigestScopes scopes;
  scopes.all = visible.all;
  scopes.company = visible.all;
  if (!visible.all) scopes.departments = visible.departments;
  return scopes;
}

absl::Status MayComposeDigests(const auth::Principal& caller) {
  if (caller.HasScope(auth::kCasesWrite) || auth::IsAdmin(caller)) return absl::OkStatus();
  if (caller.is_person()) return auth::Denied("compose the weekly digests (admins only)");
  return auth::MissingScope(auth::kCasesWrite);
}

}  // namespace voc::verification
