// RuleHistory and RuleFollower: changes to a service's editable rules made
// over the API, with their history (issue 9), in one piece for every service
// that keeps rules (triage: taxonomy, red lines, priority; assignment:
// routing).
//
// RuleHistory: every update and rollback is a numbered version in the
// service's RuleVersionTable recording who made it (the caller's
// auth::Principal::Actor(), never a field the client sent), when (the
// injected clock) and why (the comment), and goes to the log and the audit
// log ("rules_changed", "rules_rolled_back"; versions and hashes only, never
// rule text). The first change of a kind first records the rules in force
// (the file) as version 1 by "config", so even that first change can be
// rolled back. A change is stored first, then installed here: if the save
// fails, this replica keeps the rules every other replica has. Who may call
// is decided before (the service's *_access.h).
//
// Errors: INVALID_ARGUMENT naming the field ("yaml:<line>: ..." for rules
// that do not validate, "kind", "version", "comment"), NOT_FOUND for a
// version that does not exist, FAILED_PRECONDITION for a rollback to the
// rules already in force, and the store's statuses (ABORTED when another
// replica stored a version of the kind at the same moment).
//
// RuleFollower: keeps the rules this replica runs equal to the newest stored
// versions. At start it installs them (they win over the files); then every
// check installs a newer one stored by another replica.
//
// Thread safety: every method may be called from several threads; changes
// on one replica are serialised, so the rules it runs are the newest it stored.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/rules/rule_kind.h"
#include "common/rules/rule_version_table.h"
#include "voc/v1/rules.pb.h"

namespace voc::rules {

// The author recorded for the rules file in force before the first change.
inline constexpr char kConfigAuthor[] = "config";

class RuleHistory {
 public:
  // `kinds` outlive this; `rollback_method` names RollbackRules in the audit
  // log as the service names its methods there.
  RuleHistory(RuleVersionTable& table, std::vector<RuleKind*> kinds, const Clock& clock, auth::AuditSink& audit,
              std::string rollback_method = "RollbackRules")
      : table_(table), kinds_(std::move(kinds)), clock_(clock), audit_(audit),
        rollback_method_(std::move(rollback_method)) {}

  // Validates `yaml` as `kind`'s rules (errors "yaml:<line>: ..."), stores
  // and installs it; returns what now runs. `method` names the RPC in the
  // audit log.
  absl::StatusOr<RuleSet> Update(const auth::Principal& caller, const std::string& kind, const std::string& yaml,
                                 const std::string& comment, const std::string& method,
                                 const std::string& client_address = "");
  // Update for rules validated already (say, against a directory read at
  // the same time): stores and installs `rules`.
  absl::StatusOr<RuleSet> Record(const auth::Principal& caller, const std::string& kind, const RuleSet& rules,
                                 const std::string& comment, const std::string& method,
                                 const std::string& client_address = "");
  // Newest first, paged by version number.
  absl::StatusOr<v1::ListRuleVersionsResponse> List(const v1::ListRuleVersionsRequest& request);
  // One version with its YAML.
  absl::StatusOr<v1::RuleVersion> Get(const v1::GetRuleVersionRequest& request);
  // Makes an earlier version current again as a new version of the caller's
  // with rolled_back_from naming it; validated like an update.
  absl::StatusOr<v1::RuleVersion> Rollback(const auth::Principal& caller, const v1::RollbackRulesRequest& request,
                                           const std::string& client_address = "");

  // OK when `kind` is one of this service's kinds, else INVALID_ARGUMENT
  // naming `field` and the kinds there are.
  absl::Status CheckKind(const std::string& kind, const char* field = "kind") const;

 private:
  struct Change {
    std::string kind;
    std::string comment;
    std::string rolled_back_from;  // empty for an update
    std::string method;
    std::string client_address;
  };
  struct Applied {
    std::int64_t number = 0;
    std::int64_t created_ms = 0;
    RuleSet rules;
  };
  RuleKind* Find(const std::string& kind) const;
  absl::StatusOr<Applied> Apply(const auth::Principal& caller, RuleKind& kind, const RuleSet& rules,
                                const Change& change);

  RuleVersionTable& table_;
  const std::vector<RuleKind*> kinds_;
  const Clock& clock_;
  auth::AuditSink& audit_;
  const std::string rollback_method_;
  std::mutex changes_mu_;
};

class RuleFollower {
 public:
  RuleFollower(RuleVersionTable& table, std::vector<RuleKind*> kinds) : table_(table), kinds_(std::move(kinds)) {}

  // At start: installs the newest stored version of each kind (it wins over
  // the file in config/). INVALID_ARGUMENT ("<table> <id>:<line>: <problem>")
  // when one does not validate, so the service refuses to start, as it does
  // with an invalid rule file; the store's status when it cannot be read.
  absl::Status LoadStoredRules();

  // Installs the newest stored version of each kind whose content differs
  // from the rules running here, logging `rules_reloaded` with the old and
  // new version. One query when nothing changed. A stored version that does
  // not validate is logged once (`rules_reload_rejected`) and skipped: the
  // running rules stay. A database that cannot be read is logged
  // (`rules_check_failed`) and retried at the next check. Returns the number
  // of kinds reloaded.
  int CheckForNewerRules();

 private:
  absl::StatusOr<int> Sync(bool fail_on_invalid);
  absl::StatusOr<bool> Follow(const StoredRuleVersion& newest, RuleKind& kind, bool fail_on_invalid);

  RuleVersionTable& table_;
  const std::vector<RuleKind*> kinds_;
  std::mutex mu_;
  // kind -> id of a stored version that did not validate here: not parsed
  // (nor logged) again on every check.
  std::map<std::string, std::string> rejected_;
};

}  // namespace voc::rules
