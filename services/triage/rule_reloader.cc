#include "services/triage/rule_reloader.h"

#include "common/log/log.h"

namespace voc::triage {

RuleReloader::RuleReloader(TriageAnalyzer& analyzer, TriageStore& store) : analyzer_(analyzer), store_(store) {}

void RuleReloader::LoadStoredRules() { Sync(/*throw_on_invalid=*/true); }

int RuleReloader::CheckForNewerRules() { return Sync(/*throw_on_invalid=*/false); }

int RuleReloader::Sync(bool throw_on_invalid) {
  std::lock_guard lock(mu_);
  int reloaded = 0;
  for (const auto& newest : store_.NewestRuleVersions()) {
    bool changed = false;
    if (newest.kind == kTaxonomyRules) changed = Follow(newest, analyzer_.taxonomy(), throw_on_invalid);
    if (newest.kind == kRedLineRules) changed = Follow(newest, analyzer_.red_lines(), throw_on_invalid);
    if (changed) ++reloaded;
  }
  return reloaded;
}

// Compares contents rather than timestamps: the newest stored version is the
// record, so a replica whose own update failed to save, or whose clock is
// behind another's, still ends up running what the others run.
template <typename Rules>
bool RuleReloader::Follow(const StoredRuleVersion& newest, Rules& rules, bool throw_on_invalid) {
  const auto running = rules.Current();
  // Also true right after this replica's own update: nothing to reload.
  if (newest.content_hash == running->content_hash()) return false;
  if (!throw_on_invalid && rejected_[newest.kind] == newest.id) return false;
  const auto yaml = store_.RuleYaml(newest.id);
  if (!yaml) return false;  // not there any more; the next check sees what replaced it
  try {
    const auto installed = rules.Update(*yaml, "rule_versions " + newest.id);
    log::Info("rules_reloaded", {{"kind", newest.kind},
                                 {"old_version", running->version()},
                                 {"new_version", installed->version()},
                                 {"old_content_hash", running->content_hash()},
                                 {"new_content_hash", installed->content_hash()}});
    return true;
  } catch (const std::exception& e) {
    if (throw_on_invalid) throw;
    rejected_[newest.kind] = newest.id;
    log::Error("rules_reload_rejected", {{"kind", newest.kind},
                                         {"stored_version", newest.version},
                                         {"running_version", running->version()},
                                         {"error", e.what()}});
    return false;
  }
}

}  // namespace voc::triage
