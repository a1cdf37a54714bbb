// A taxonomy or red-line set in force as its API message (version, content
// hash, YAML): what GetTaxonomy / GetRedLines and the rule editor's updates
// and rollbacks answer.
#pragma once

namespace voc::triage {

template <typename Message, typename Rules>
Message RulesMessage(const Rules& rules) {
  Message out;
  out.set_version(rules.version());
  out.set_content_hash(rules.content_hash());
  out.set_yaml(rules.source_yaml());
  return out;
}

}  // namespace voc::triage
