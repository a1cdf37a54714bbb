// TaxonomyStore: the live taxonomy of a running service, replaceable at
// runtime without a restart, plus the "preview" used before saving a change.
//
// Typical RPC flow:
//   get     -> store.Current()->source_yaml(), version(), content_hash()
//   preview -> PreviewTaxonomy(*store.Current(), *Taxonomy::Parse(yaml, "<preview>"), recent_texts)
//              or PreviewTopicRule(*store.Current(), topic_yaml, recent_texts)
//   update  -> store.Update(yaml)   (validates first; on error nothing changes)
//              then the service writes the YAML to its file for the next start.
//
// Thread safety: every method may be called concurrently; analyses that
// already hold a snapshot from Current() keep the version they started with.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "services/triage/analysis/shared/reloadable.h"
#include "services/triage/analysis/topics/taxonomy.h"

namespace voc::triage {

class TaxonomyStore {
 public:
  explicit TaxonomyStore(std::shared_ptr<const Taxonomy> initial) : holder_(std::move(initial)) {}

  std::shared_ptr<const Taxonomy> Current() const { return holder_.Get(); }

  // Parses and validates `yaml_text`, then installs it. INVALID_ARGUMENT
  // ("<source>:<line>: <problem>") keeps the current taxonomy. Returns the
  // installed taxonomy.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> Update(const std::string& yaml_text,
                                                         const std::string& source = "<taxonomy update>");
  // Re-reads a file (e.g. on SIGHUP or an admin RPC). Same error contract.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> ReloadFile(const std::string& path);
  // Installs an already-built taxonomy.
  void Replace(std::shared_ptr<const Taxonomy> next) { holder_.Replace(std::move(next)); }

 private:
  Reloadable<Taxonomy> holder_;
};

// How often each topic matches a sample of texts, now and after a change.
struct TopicPreview {
  std::string topic_id;
  std::size_t current_matches = 0;    // texts the current rule matches (0 if the topic is new)
  std::size_t candidate_matches = 0;  // texts the candidate rule matches (0 if removed)
  std::size_t gained = 0;             // matched by the candidate only
  std::size_t lost = 0;               // matched by the current rule only
};

struct PreviewReport {
  std::size_t texts = 0;
  std::vector<TopicPreview> topics;   // union of both taxonomies' ids, in candidate order
};

// Counts own-query matches (ancestors are not implied) of every topic in
// `current` and `candidate` over `normalized_texts`. Cost: two scans per text.
PreviewReport PreviewTaxonomy(const Taxonomy& current, const Taxonomy& candidate,
                              const std::vector<std::string>& normalized_texts);

// Previews one changed or new topic given as a YAML map in the format of one
// `topics:` entry (id, name, department, query). The rest of the taxonomy is
// kept. INVALID_ARGUMENT if the rule is invalid. The report holds that one
// topic only.
absl::StatusOr<PreviewReport> PreviewTopicRule(const Taxonomy& current, const std::string& topic_yaml,
                               const std::vector<std::string>& normalized_texts);

}  // namespace voc::triage
