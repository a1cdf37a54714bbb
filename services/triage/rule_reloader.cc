#include "services/triage/rule_reloader.h"

#include "common/log/log.h"
#include "common/status/status.h"

namespace voc::triage {

RuleReloader::RuleReloader(TriageAnalyzer& analyzer, TriageStore& store) : analyzer_(analyzer), store_(store) {}

absl::Status RuleReloader::LoadStoredRules() { return Sync(/*fail_on_invalid=*/true).status(); }

int RuleReloader::CheckForNewerRules() {
  auto reloaded = Sync(/*fail_on_invalid=*/false);
  if (!reloaded.ok()) {
    log::Warn("rules_check_failed", {{"error", std::string(reloaded.status().message())}});
    return 0;
  }
  return *reloaded;
}

absl::StatusOr<int> RuleReloader::Sync(bool fail_on_invalid) {
  std::lock_guard lock(mu_);
  VOC_ASSIGN_OR_RETURN(const auto newest_versions, store_.NewestRuleVersions());
  int reloaded = 0;
  for (const auto& newest : newest_versions) {
    bool changed = false;
    if (newest.kind == kTaxonomyRules) {
      VOC_ASSIGN_OR_RETURN(changed, Follow(newest, analyzer_.taxonomy(), fail_on_invalid));
    }
    if (newest.kind == kRedLineRules) {
      VOC_ASSIGN_OR_RETURN(changed, Follow(newest, analyzer_.red_lines(), fail_on_invalid));
    }
    if (changed) ++reloaded;
  }
  return reloaded;
}

// Compares contents rather than timestamps: the newest stored version is the
// record, so a replica whose own update failed to save, or whose clock is
// behind another's, still ends up running what the others run.
template <typename Rules>
absl::StatusOr<bool> RuleReloader::Follow(const StoredRuleVersion& newest, Rules& rules, bool fail_on_invalid) {
  const auto running = rules.Current();
  // Also true right after this replica's own update: nothing to reload.
  if (newest.content_hash == running->content_hash()) return false;
  if (!fail_on_invalid && rejected_[newest.kind] == newest.id) return false;
  VOC_ASSIGN_OR_RETURN(const auto yaml, store_.RuleYaml(newest.id));
  if (!yaml) return false;  // not there any more; the next check sees what replaced it
  const auto installed = rules.Update(*yaml, "rule_versions " + newest.id);
  if (!installed.ok()) {
    if (fail_on_invalid) return installed.status();
    rejected_[newest.kind] = newest.id;
    log::Error("rules_reload_rejected", {{"kind", newest.kind},
                                         {"stored_version", newest.version},
                                         {"running_version", running->version()},
                                         {"error", std::string(installed.status().message())}});
    return false;
  }
  log::Info("rules_reloaded", {{"kind", newest.kind},
                               {"old_version", running->version()},
                               {"new_version", (*installed)->version()},
                               {"old_content_hash", running->content_hash()},
                               {"new_content_hash", (*installed)->content_hash()}});
  return true;
}

}  // namespace voc::triage
