// RuleEditor: changes to the rules triage runs (taxonomy, red lines) made
// over the API, with their history (issue 9). Every update and rollback is
// a numbered version in rule_versions recording who made it (the caller's
// auth::Principal::Actor(), never a field the client sent), when (the
// injected clock) and why (the comment), and goes to the audit log
// ("rules_changed", "rules_rolled_back"). The first change of a kind first
// records the rules file that was in force, so even that first change can
// be rolled back. Who may do this is decided before (triage_access.h).
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

#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/store/triage_store.h"
#include "voc/v1/triage.pb.h"

namespace voc::triage {

class RuleEditor {
 public:
  RuleEditor(TriageAnalyzer& analyzer, TriageStore& store, const Clock& clock, auth::AuditSink& audit)
      : analyzer_(analyzer), store_(store), clock_(clock), audit_(audit) {}

  absl::StatusOr<v1::Taxonomy> UpdateTaxonomy(const auth::Principal& caller, const v1::UpdateTaxonomyRequest& request);
  absl::StatusOr<v1::RedLines> UpdateRedLines(const auth::Principal& caller, const v1::UpdateRedLinesRequest& request);
  // Newest first, paged by version number.
  absl::StatusOr<v1::ListRuleVersionsResponse> ListRuleVersions(const v1::ListRuleVersionsRequest& request);
  absl::StatusOr<v1::RuleVersion> RollbackRules(const auth::Principal& caller, const v1::RollbackRulesRequest& request);

 private:
  struct Change {
    std::string kind;
    std::string yaml;
    std::string comment;
    std::string rolled_back_from;  // empty for an update
  };
  // What a store of rules (TaxonomyStore, RedLineStore) holds.
  template <typename Store>
  using RulesOf = std::remove_const_t<typename decltype(std::declval<Store&>().Current())::element_type>;
  template <typename Rules>
  struct Applied {
    std::int64_t number = 0;
    std::int64_t created_ms = 0;
    std::shared_ptr<const Rules> rules;
  };
  // Validates `change.yaml` as the store's rules, stores it as the next
  // version (after the running rules when none is stored yet), installs it
  // in `store`, audits.
  template <typename Store>
  absl::StatusOr<Applied<RulesOf<Store>>> Apply(const auth::Principal& caller, const Change& change, Store& store);
  template <typename Store>
  absl::StatusOr<v1::RuleVersion> Rollback(const auth::Principal& caller, const v1::RollbackRulesRequest& request,
                                           Store& store);

  TriageAnalyzer& analyzer_;
  TriageStore& store_;
  const Clock& clock_;
  auth::AuditSink& audit_;
  std::mutex changes_mu_;
};

// "taxonomy" or "redlines"; INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckRuleKind(const std::string& kind, const char* field = "kind");

}  // namespace voc::triage
