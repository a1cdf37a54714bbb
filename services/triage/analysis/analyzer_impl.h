// TriageAnalyzer: the analyser the triage service runs. One pass per text:
// normalise -> segment -> sentiment and intensity -> clauses -> topics per
// clause with the clause's sentiment -> red lines -> NPS category -> priority.
//
// The taxonomy, red-line list and priority matrix are held in reloadable stores so the
// service can offer get / preview / update RPCs; each Analyze() call takes
// one snapshot of each and uses it throughout.
//
// Thread safety: Analyze() and Normalize() are const and safe to call
// concurrently; the stores may be updated concurrently with analyses.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "services/triage/analysis/priority/priority_matrix.h"
#include "services/triage/analysis/redlines/red_lines.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/analysis/topics/taxonomy_store.h"

namespace voc::triage {

struct AnalyzerOptions;

class TriageAnalyzer final : public Analyzer {
 public:
  // Use MakeTriageAnalyzer (factory.h), which returns a configuration problem
  // as a status; this constructor throws it (ConfigError, std::runtime_error).
  explicit TriageAnalyzer(const AnalyzerOptions& options);
  ~TriageAnalyzer() override;
  TriageAnalyzer(const TriageAnalyzer&) = delete;
  TriageAnalyzer& operator=(const TriageAnalyzer&) = delete;

  Analysis Analyze(const AnalysisInput& input) const override;

  // Like Analyze, also returning the normalised text (what clustering,
  // drill-down, signals and previews should be fed) in `normalized_text`.
  Analysis AnalyzeWithText(const AnalysisInput& input, std::string& normalized_text) const;

  // The normaliser's canonical form of `text` (lower-case, simplified,
  // half-width); feed it to PreviewTaxonomy / PreviewRedLines.
  std::string Normalize(std::string_view text) const;

  // Content words of `text` for drill-down (DrillDocument::terms): the
  // segmenter's Chinese words of two or more characters and English words of
  // two or more letters, normalised, each once, in order of appearance.
  std::vector<std::string> Terms(std::string_view text) const;

  TaxonomyStore& taxonomy() { return *taxonomy_; }
  RedLineStore& red_lines() { return *red_lines_; }
  PriorityStore& priority() { return *priority_; }
  // Which sentiment model is in use ("lexicon", "trained", "lexicon+trained").
  const std::string& sentiment_model_name() const { return sentiment_model_name_; }

 private:
  class Pipeline;  // normaliser, segmenter and sentiment model(s)
  // Topics per clause, each with its clause's sentiment, into a.topic_mentions;
  // the negative ones (most specific) into a.topics. Needs a.sentiment set.
  void ReadTopics(const Taxonomy& taxonomy, const std::string& normalized, Analysis& a) const;
  // The multi-label topic model's additions and vetoes (AnalyzerOptions::topic_model_*).
  void CombineTopicModel(const Taxonomy& taxonomy, Analysis& a) const;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<TaxonomyStore> taxonomy_;
  std::unique_ptr<RedLineStore> red_lines_;
  std::unique_ptr<PriorityStore> priority_;
  std::string sentiment_model_name_;
  bool clause_topics_ = true;
  double topic_model_add_ = 0.5, topic_model_extra_ = 2.0, topic_model_veto_ = 0.0;
};

// Default weak-signal dictionary when none is configured: one group, "key",
// holding the `any` and `all` terms of every leaf topic of `taxonomy`, so
// signals are pairs of co-occurring complaint terms ("凉了 + 太慢").
std::vector<TermGroup> DefaultSignalGroups(const Taxonomy& taxonomy);

}  // namespace voc::triage
