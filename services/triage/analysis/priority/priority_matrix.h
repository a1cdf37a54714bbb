// Priority grading matrix: maps what is known about one feedback (red lines,
// sentiment and intensity, customer tier, NPS category, channel and reach) to
// P1..P4 with the reason spelled out, e.g. "red line: safety" or
// "detractor + VIP customer".
//
// File format (config/priority.yaml); every key of `when` is optional and all
// given keys must hold (AND); the matching rule with the most urgent priority
// wins, ties going to the earlier rule:
//
//   version: 1
//   default: {priority: P4, reason: "no escalation criteria met"}
//   rules:
//     - when: {red_line: [safety]}          # or `red_line: any`
//       priority: P1
//     - when:
//         sentiment: [negative]             # negative | neutral | positive
//         score_at_most: -0.5               # sentiment score <= value
//         intensity_at_least: 3             # 0 calm .. 3 anger/threat
//         tier: [vip]                       # customer_tier values
//         nps: [detractor]                  # detractor | passive | promoter | none
//         channel: [social]
//         reach_at_least: 10000             # followers of a public post
//       priority: P1
//       reason: "angry public post"         # optional; generated if absent
//
// Generated reasons name the facts that met each condition, joined by " + ".
// Errors are INVALID_ARGUMENT naming the source and line.
//
// Thread safety: immutable after construction; Grade() is safe to call
// concurrently.
#pragma once

#include <cstdint>
#include <absl/status/statusor.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "services/triage/analysis/shared/reloadable.h"

namespace voc::triage {

struct PriorityFacts {
  std::vector<RedLineCategory> red_lines;  // categories hit (duplicates allowed)
  SentimentLabel sentiment = SentimentLabel::kNeutral;
  double sentiment_score = 0.0;
  int intensity = 0;
  std::string customer_tier;
  NpsCategory nps = NpsCategory::kNone;
  std::string channel;
  std::int64_t reach = 0;
};

struct PriorityDecision {
  Priority priority = Priority::kP4;
  std::string reason;
};

struct PriorityCondition {
  bool any_red_line = false;                   // `red_line: any`
  std::vector<RedLineCategory> red_lines;      // one of these must be hit
  std::vector<SentimentLabel> sentiments;
  std::optional<double> score_at_most;
  std::optional<int> intensity_at_least;
  std::vector<std::string> tiers;
  std::vector<NpsCategory> nps;
  std::vector<std::string> channels;
  std::optional<std::int64_t> reach_at_least;
};

struct PriorityRule {
  PriorityCondition when;
  Priority priority = Priority::kP4;
  std::string reason;  // empty: generated from the facts
  int line = 0;
};

class PriorityMatrix {
 public:
  // INVALID_ARGUMENT "<source>:<line>: <problem>" when the text does not
  // validate (LoadFile: also when the file cannot be read).
  static absl::StatusOr<std::shared_ptr<const PriorityMatrix>> Parse(const std::string& yaml_text,
                                                                     const std::string& source);
  static absl::StatusOr<std::shared_ptr<const PriorityMatrix>> LoadFile(const std::string& path);
  // The built-in matrix (documented in docs/triage.md, ## Priority).
  static std::shared_ptr<const PriorityMatrix> Default();
  // LoadFile if `path` is non-empty and the file exists, else Default(). A
  // file that exists but is invalid is still INVALID_ARGUMENT.
  static absl::StatusOr<std::shared_ptr<const PriorityMatrix>> LoadFileOrDefault(const std::string& path);

  PriorityDecision Grade(const PriorityFacts& facts) const;

  const std::string& version() const { return version_; }
  // Of the YAML text, as the taxonomy's and red lines' (issue 9: versions).
  const std::string& content_hash() const { return content_hash_; }
  const std::string& source_yaml() const { return source_yaml_; }
  const std::vector<PriorityRule>& rules() const { return rules_; }

 private:
  // Throws voc::ConfigError at the first problem.
  static std::shared_ptr<const PriorityMatrix> ParseOrThrow(const std::string& yaml_text,
                                                            const std::string& source);
  PriorityMatrix() = default;
  std::string version_;
  std::string content_hash_;
  std::string source_yaml_;
  std::vector<PriorityRule> rules_;
  PriorityDecision default_{Priority::kP4, "no escalation criteria met"};
};

// The matrix in force, replaceable at runtime like the taxonomy and red
// lines (issue 9: UpdatePriorityRules, RollbackRules, RuleReloader). An
// analysis grades with the snapshot it took. Thread-safe.
class PriorityStore {
 public:
  explicit PriorityStore(std::shared_ptr<const PriorityMatrix> initial) : holder_(std::move(initial)) {}
  std::shared_ptr<const PriorityMatrix> Current() const { return holder_.Get(); }
  // Parses and installs; INVALID_ARGUMENT "<source>:<line>: ..." and the
  // matrix in force stays.
  absl::StatusOr<std::shared_ptr<const PriorityMatrix>> Update(const std::string& yaml_text,
                                                               const std::string& source = "<priority update>");
  void Replace(std::shared_ptr<const PriorityMatrix> next) { holder_.Replace(std::move(next)); }

 private:
  Reloadable<PriorityMatrix> holder_;
};

const char* PriorityName(Priority p);  // "P1".."P4"

}  // namespace voc::triage
