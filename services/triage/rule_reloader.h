// RuleReloader: keeps the taxonomy, red lines and priority matrix this
// replica runs equal to the newest versions stored in the database
// (common/rules' RuleFollower over triage's rule_versions).
//
// An update RPC stores the new rules (rule_versions) and swaps them in the
// replica that served it; every other replica sharing the database picks
// them up at its next CheckForNewerRules(), which main.cc calls every
// `services.triage.rules_check_interval_ms`. So all replicas run what a
// restart would install, within one interval of an update.
//
// Thread safety: every method may be called from any thread; checks are
// serialised. Analyses in flight keep the snapshot they started with.
#pragma once

#include <absl/status/status.h>

#include "common/rules/rule_history.h"
#include "services/triage/rule_editor.h"

namespace voc::triage {

class RuleReloader {
 public:
  RuleReloader(TriageAnalyzer& analyzer, TriageStore& store)
      : kinds_(analyzer), follower_(store.rule_versions(), kinds_.All()) {}

  // At start: installs the newest stored version of each kind (it wins over
  // the file in config/). INVALID_ARGUMENT ("<source>:<line>: <problem>")
  // when one does not validate, so the service refuses to start, as it does
  // with an invalid rule file; the store's status when it cannot be read.
  absl::Status LoadStoredRules() { return follower_.LoadStoredRules(); }

  // Installs the newest stored version of each kind whose content differs
  // from the rules running here (`rules_reloaded`); a stored version that
  // does not validate is logged once (`rules_reload_rejected`) and skipped;
  // a database that cannot be read is logged (`rules_check_failed`).
  // Returns the number of kinds reloaded.
  int CheckForNewerRules() { return follower_.CheckForNewerRules(); }

 private:
  TriageRuleKinds kinds_;
  rules::RuleFollower follower_;
};

}  // namespace voc::triage
