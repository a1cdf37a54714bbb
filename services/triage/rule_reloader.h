// RuleReloader: keeps the taxonomy and red lines this replica runs equal to
// the newest versions stored in the database.
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
#include <absl/status/statusor.h>

#include <map>
#include <mutex>
#include <string>

#include "services/triage/analysis/analyzer_impl.h"
#include "services/triage/store/triage_store.h"

namespace voc::triage {

class RuleReloader {
 public:
  RuleReloader(TriageAnalyzer& analyzer, TriageStore& store);

  // At start: installs the newest stored version of each kind (it wins over
  // the file in config/). INVALID_ARGUMENT ("<source>:<line>: <problem>")
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
  // The number of kinds reloaded; with `fail_on_invalid`, a stored version
  // that does not validate is an error instead of being skipped.
  absl::StatusOr<int> Sync(bool fail_on_invalid);
  template <typename Rules>
  absl::StatusOr<bool> Follow(const StoredRuleVersion& newest, Rules& rules, bool fail_on_invalid);

  TriageAnalyzer& analyzer_;
  TriageStore& store_;
  std::mutex mu_;
  // kind -> id of a stored version that did not validate here: not parsed
  // (nor logged) again on every check.
  std::map<std::string, std::string> rejected_;
};

}  // namespace voc::triage
