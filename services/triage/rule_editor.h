// RuleEditor: changes to the rules triage runs (taxonomy, red lines and the
// priority matrix) made over the API, with their history (issue 9). The
// history itself (numbered versions in rule_versions recording who, when and
// why; audit "rules_changed" / "rules_rolled_back"; the rules file recorded
// as version 1 before the first change; rollback) is common/rules'
// RuleHistory, shared with assignment's routing rules; this adapts triage's
// three stores and messages to it. Who may do this is decided before
// (triage_access.h).
//
// A change is stored first, then installed here; the other replicas follow
// within one check (RuleReloader), and a restart installs the newest
// version. Errors: INVALID_ARGUMENT naming the field ("yaml:<line>: ..."
// for rules that do not validate, "kind", "version"), NOT_FOUND for a
// version that does not exist, FAILED_PRECONDITION for a rollback to the
// rules already in force, and the store's statuses.
//
// Thread safety: every method may be called from several threads; changes
// on this replica are serialised, so the rules it runs are the newest it stored.
#pragma once

#include <absl/status/statusor.h>

#include <vector>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/rules/rule_history.h"
#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/store/triage_store.h"
#include "voc/v1/triage.pb.h"

namespace voc::triage {

// Triage's kinds of rules, over the analyser's stores; what RuleEditor and
// RuleReloader both work on.
class TriageRuleKinds {
 public:
  explicit TriageRuleKinds(TriageAnalyzer& analyzer)
      : taxonomy_(kTaxonomyRules, analyzer.taxonomy()),
        red_lines_(kRedLineRules, analyzer.red_lines()),
        priority_(kPriorityRules, analyzer.priority()) {}
  TriageRuleKinds(const TriageRuleKinds&) = delete;
  TriageRuleKinds& operator=(const TriageRuleKinds&) = delete;

  std::vector<rules::RuleKind*> All() { return {&taxonomy_, &red_lines_, &priority_}; }

 private:
  rules::StoreRuleKind<TaxonomyStore> taxonomy_;
  rules::StoreRuleKind<RedLineStore> red_lines_;
  rules::StoreRuleKind<PriorityStore> priority_;
};

class RuleEditor {
 public:
  RuleEditor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock, auth::AuditSink& audit)
      : kinds_(analyzer), history_(store.rule_versions(), kinds_.All(), clock, audit, "RollbackRules") {}

  absl::StatusOr<v1::Taxonomy> UpdateTaxonomy(const auth::Principal& caller, const v1::UpdateTaxonomyRequest& request);
  absl::StatusOr<v1::RedLines> UpdateRedLines(const auth::Principal& caller, const v1::UpdateRedLinesRequest& request);
  absl::StatusOr<v1::PriorityRules> UpdatePriorityRules(const auth::Principal& caller,
                                                        const v1::UpdatePriorityRulesRequest& request);
  // Newest first, paged by version number.
  absl::StatusOr<v1::ListRuleVersionsResponse> ListRuleVersions(const v1::ListRuleVersionsRequest& request);
  // One version with its YAML.
  absl::StatusOr<v1::RuleVersion> GetRuleVersion(const v1::GetRuleVersionRequest& request);
  absl::StatusOr<v1::RuleVersion> RollbackRules(const auth::Principal& caller, const v1::RollbackRulesRequest& request);

  // "taxonomy", "redlines" or "priority"; INVALID_ARGUMENT naming `field` otherwise.
  absl::Status CheckRuleKind(const std::string& kind, const char* field = "kind") const {
    return history_.CheckKind(kind, field);
  }

 private:
  TriageRuleKinds kinds_;
  rules::RuleHistory history_;
};

}  // namespace voc::triage
