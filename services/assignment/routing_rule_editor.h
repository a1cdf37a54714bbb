// RoutingRuleEditor: the routing rules (config/routing.yaml until the first
// change) edited over the API with their history (issue 9), on common/rules'
// RuleHistory and RuleFollower, as triage's taxonomy, red lines and priority
// matrix are: every update, rollback and recorded reload is a numbered
// "routing" version in routing_rule_versions (assignment migration 3) with
// who (auth::Principal::Actor()), when (the injected clock) and why, and an
// audit line ("rules_changed", "rules_rolled_back"). Each method checks its
// caller first (assignment_access.h).
//
// Rules are validated against the org directory in force here: an unknown
// department or person is INVALID_ARGUMENT "yaml:<line>: ..." and the rules
// in force stay. A change is stored, then installed; the other replicas
// follow at their next CheckForNewerRules() and a restart installs the
// newest stored version over the file (LoadStoredRules).
//
// ReloadRules (re-read the directory and routing files): the directory is
// always taken from its file; a routing file whose content differs from
// the rules in force is recorded as the next version by the caller
// (comment "reloaded from <file>"), so replicas and restarts keep it; an
// unchanged routing file records no version.
//
// Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/rules/rule_history.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/store/assignment_store.h"
#include "voc/v1/assignment.pb.h"

namespace voc::assignment {

inline constexpr char kRoutingRules[] = "routing";

// The routing rules as a kind of common/rules: the router's rules, parsed
// against the router's directory, installed as a new router.
class RoutingRuleKind final : public rules::RuleKind {
 public:
  explicit RoutingRuleKind(AssignmentService& service) : RuleKind(kRoutingRules), service_(service) {}
  rules::RuleSet Running() const override { return Of(service_.router()); }
  absl::StatusOr<rules::RuleSet> Parse(const std::string& yaml, const std::string& source) const override;
  void Install(const rules::RuleSet& rules) override;

  static rules::RuleSet Of(std::shared_ptr<const Router> router);

 private:
  AssignmentService& service_;
};

class RoutingRuleEditor {
 public:
  RoutingRuleEditor(AssignmentService& service, AssignmentStore& store, const Clock& clock, auth::AuditSink& audit);

  absl::StatusOr<v1::RoutingRules> GetRoutingRules(const auth::Principal& caller) const;
  absl::StatusOr<v1::RoutingRules> UpdateRoutingRules(const auth::Principal& caller,
                                                      const v1::UpdateRoutingRulesRequest& request,
                                                      const std::string& client_address = "");
  absl::StatusOr<v1::ListRuleVersionsResponse> ListRuleVersions(const auth::Principal& caller,
                                                                const v1::ListRuleVersionsRequest& request);
  absl::StatusOr<v1::RuleVersion> GetRuleVersion(const auth::Principal& caller,
                                                 const v1::GetRuleVersionRequest& request);
  absl::StatusOr<v1::RuleVersion> RollbackRules(const auth::Principal& caller,
                                                const v1::RollbackRulesRequest& request,
                                                const std::string& client_address = "");
  // FAILED_PRECONDITION "<file>:<line>: <problem>" on a bad file, and the
  // rules in force stay.
  absl::StatusOr<v1::ReloadRulesResponse> ReloadRules(const auth::Principal& caller,
                                                      const std::string& client_address = "");

  // At start: the newest stored version wins over the file (INVALID_ARGUMENT
  // when it does not validate against the directory: the service does not
  // start, as with a bad file).
  absl::Status LoadStoredRules() { return follower_.LoadStoredRules(); }
  // Installs a newer version another replica stored; the number installed.
  int CheckForNewerRules() { return follower_.CheckForNewerRules(); }

 private:
  AssignmentService& service_;
  auth::AuditSink& audit_;
  RoutingRuleKind kind_;
  rules::RuleHistory history_;
  rules::RuleFollower follower_;
};

}  // namespace voc::assignment
