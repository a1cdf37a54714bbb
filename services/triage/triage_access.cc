#include "services/triage/triage_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::triage {
namespace {

// A service or key lacking the scope is told which one; a person is told
// what they may not do.
absl::Status Refuse(const auth::Principal& caller, const char* scope, const char* what) {
  return caller.is_person() ? auth::Denied(what) : auth::MissingScope(scope);
}

}  // namespace

absl::Status MayAnalyze(const auth::Principal& caller) {
  if (caller.is_person() || caller.HasScope(auth::kFeedbackRead) || caller.HasScope(auth::kAnalyticsRead)) {
    return absl::OkStatus();
  }
  return Refuse(caller, auth::kAnalyticsRead, "analyze texts");
}

absl::Status MayReadTriageResults(const auth::Principal& caller) {
  if (auth::CanReadFeedback(caller)) return absl::OkStatus();
  return Refuse(caller, auth::kFeedbackRead, "read triage results");
}

absl::Status MayCountFeedback(const auth::Principal& caller) {
  if (caller.HasScope(auth::kTriageCount) || auth::CanReadAnalytics(caller)) return absl::OkStatus();
  return Refuse(caller, auth::kTriageCount, "count feedback");
}

absl::Status MayReadAnalytics(const auth::Principal& caller) {
  if (auth::CanReadAnalytics(caller)) return absl::OkStatus();
  return Refuse(caller, auth::kAnalyticsRead, "read analytics");
}

absl::Status MayReadRules(const auth::Principal& caller) {
  if (auth::CanReadRules(caller)) return absl::OkStatus();
  return Refuse(caller, auth::kRulesRead, "read rules");
}

absl::Status MayWriteRules(const auth::Principal& caller) {
  if (auth::CanWriteRules(caller)) return absl::OkStatus();
  return Refuse(caller, auth::kRulesWrite, "change rules (analysts and admins)");
}

absl::Status MayReadRedLineReport(const auth::Principal& caller) {
  if (auth::CanWriteRules(caller) || (!caller.is_person() && caller.HasScope(auth::kRulesRead))) {
    return absl::OkStatus();
  }
  return Refuse(caller, auth::kRulesRead, "read the red-line report (analysts and admins)");
}

// Issue 13: findings name operational data (batches, suppliers, stores'
// staffing), so the people who may read it in voc-entities (MayReadEntities:
// analysts, executives, admins) and keys with entities:read; voc-entities
// checks triage's own call (entities:read) again.
absl::Status MayFindRootCauses(const auth::Principal& caller) {
  if (caller.is_person()) {
    if (caller.HasRole(auth::Role::kAnalyst) || caller.HasRole(auth::Role::kExecutive) ||
        caller.HasRole(auth::Role::kAdmin)) {
      return absl::OkStatus();
    }
    return auth::Denied("read root causes in operational data (analysts, executives and admins)");
  }
  if (caller.HasScope(auth::kEntitiesRead)) return absl::OkStatus();
  return auth::MissingScope(auth::kEntitiesRead);
}

}  // namespace voc::triage
