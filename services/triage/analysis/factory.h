// Builds the triage analyser from configuration files.
//
//   AnalyzerOptions options;
//   options.taxonomy_path = "config/taxonomy.yaml";
//   options.redlines_path = "config/redlines.yaml";
//   options.priority_path = "config/priority.yaml";   // optional: built-in matrix if absent
//   absl::StatusOr<std::unique_ptr<TriageAnalyzer>> analyzer = MakeTriageAnalyzer(options);
//   Analysis a = analyzer->Analyze({.text = "快递三天还没到，太慢了"});
//
// MakeAnalyzer/MakeTriageAnalyzer return INVALID_ARGUMENT ("<file>:<line>:
// <problem>") when a configuration file is missing or invalid. The returned
// analyser is safe to use from many threads.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "services/triage/analysis/analyzer.h"
#include "services/triage/analysis/analyzer_impl.h"

namespace voc::triage {

struct AnalyzerOptions {
  std::string taxonomy_path;         // required: config/taxonomy.yaml
  std::string redlines_path;         // required: config/redlines.yaml
  std::string priority_path;         // optional: built-in matrix if empty or absent
  std::string lexicon_dir;           // optional: the sentiment lexicons (default: config/lexicon)
  std::string sentiment_model_path;  // optional: a trained sentiment model
  std::string topic_model_path;      // optional: a trained topic classifier
  // A multi-label topic model (`voc triage train --target topic` on a `topics`
  // column) is combined with the rules (docs/triage.md, "Trained topics"):
  //  - add: a feedback that is not positive and that the rules leave without a
  //    complaint topic gets the model's topics with probability >= this;
  //  - extra: one that has rule topics also gets a model topic of another top
  //    level at probability >= this (> 1: never);
  //  - veto: a rule topic whose top level the model gives a probability below
  //    this is dropped (0: never).
  double topic_model_add = 0.5;
  double topic_model_extra = 2.0;
  double topic_model_veto = 0.0;
  // Optional: the red-line second stage (`voc triage train --target redline`,
  // redlines/red_line_model.h); a confirmed red line it judges below the
  // threshold becomes a watch.
  std::string redline_model_path;
  double redline_model_threshold = 0.5;
  // Topics per clause with the clause's sentiment (issue 10); false reads the
  // whole text as one clause with the feedback's sentiment, as before (kept
  // to measure the change: `voc triage eval --whole-text-topics`).
  bool clause_topics = true;
};

absl::StatusOr<std::unique_ptr<TriageAnalyzer>> MakeTriageAnalyzer(const AnalyzerOptions& options);

// The configuration shipped in config/ (taxonomy, red lines, priority matrix),
// by paths relative to the repository root, where the tests, benchmarks and
// tools run.
inline AnalyzerOptions ShippedAnalyzerOptions() {
  AnalyzerOptions options;
  options.taxonomy_path = "config/taxonomy.yaml";
  options.redlines_path = "config/redlines.yaml";
  options.priority_path = "config/priority.yaml";
  return options;
}

// The same object behind the plain interface.
absl::StatusOr<std::unique_ptr<Analyzer>> MakeAnalyzer(const AnalyzerOptions& options);

}  // namespace voc::triage
