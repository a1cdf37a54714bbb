// Who may call which TriageService RPC (issue 9; docs/api.md, "Who may call
// what"). One place for triage's rules, decided with common/auth/policy.h:
//
//   Analyze                        feedback:read or analytics:read (stores
//                                  and shows nothing stored); any person
//   GetTriageResult                CanReadFeedback (feedback:read; analysts,
//                                  executives): it carries the customer's text
//   CountFeedback                  triage:count (verification) or
//                                  CanReadAnalytics (company-wide counts)
//   ListClusters, GetCluster, DrillDown, ListEmergingSignals, ListTopics
//                                  CanReadAnalytics (analytics:read,
//                                  cases:read, feedback:read; any person)
//   GetTaxonomy, GetRedLines, GetPriorityRules, ListRuleVersions,
//   GetRuleVersion
//                                  CanReadRules (rules:read|write, admin; any person)
//   PreviewTaxonomy, PreviewRedLines, UpdateTaxonomy, UpdateRedLines,
//   UpdatePriorityRules, RollbackRules
//                                  CanWriteRules (rules:write, admin;
//                                  analysts, admins). Previews run candidate
//                                  rules over stored texts and show examples.
//   GetRedLineReport               CanWriteRules (analysts and admins tighten
//                                  the lists from it), or rules:read for a
//                                  service or key: terms and counts only
//   FindRootCauses (issue 13)      analysts, executives, admins (who may read
//                                  operational data); keys: entities:read
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"

namespace voc::triage {

// OK, or PERMISSION_DENIED naming what is missing.
absl::Status MayAnalyze(const auth::Principal& caller);
absl::Status MayReadTriageResults(const auth::Principal& caller);
absl::Status MayCountFeedback(const auth::Principal& caller);
absl::Status MayReadAnalytics(const auth::Principal& caller);
absl::Status MayReadRules(const auth::Principal& caller);
absl::Status MayWriteRules(const auth::Principal& caller);
absl::Status MayReadRedLineReport(const auth::Principal& caller);
absl::Status MayFindRootCauses(const auth::Principal& caller);

}  // namespace voc::triage
