// Red-line lists: words and phrases that must escalate a feedback whatever its
// sentiment (safety, legal, regulatory, PR crisis). Two steps:
//
//  1. Candidates: every listed term, found in one pass over the normalised
//     text by a single multi-pattern matcher (cheap; most texts have none).
//  2. Decision, on the candidates only: the term's context rules say whether
//     this occurrence is the incident or accusation the list is about, and at
//     which level (red line: P1 and the crisis team; watch: a raised priority
//     for the owning department, no page).
//
// File format (config/redlines.yaml; the full reference is docs/triage.md,
// "## Red lines"):
//
//   version: "2026.1"
//   defaults:                       # optional; every key optional
//     negation: [没有, 没, 未, 并没有, never, "no", not]   # cues that cancel a term
//     hypothetical: [怕, 万一, 如果, 差点, "if", almost]  # cues of what did not happen
//     question: [吗, 了么]          # within 3 units after the term, in its clause: a question
//                                   # (after a negation: rhetorical, it counts)
//     rhetorical: [难道, 岂不是]     # before a question: it asserts, the term counts
//     window: 4                     # cue distance before a term (Han chars / English words)
//     units: [元, 块, 号, 房, 万, 公里, 像素, km]      # a number term never precedes one
//     first_person: [我, 我们, i, my, we]
//   contexts:                       # named word lists for `with` / `without`
//     food: [吃, 饭, 菜, 汤, 外卖]
//   categories:
//     safety:                       # a plain list, or {sentiment: ..., terms: [...]}
//       - 起火                      # a plain term: the defaults apply
//       - term: 蟑螂
//         with: food                # a context name or a list of words
//         near: 12                  # ... within 12 units of the term (0/absent: anywhere)
//         otherwise: {level: watch, priority: P2, department: operations}
//       - {term: "hospitali*", except: [hospitality]}
//     regulatory:
//       - {term: "315", number: true, with: [打, 投诉, 晚会], near: 3}
//
// Term keys: term (required); level red_line|watch; priority P1..P4 (watch,
// default P2); department; except (longer strings around the term that make
// it not count: 转发微博 for 发微博); compounds (longer Chinese words holding
// the term that still count); boundary (Chinese terms only on the
// segmenter's word boundaries, default true); number (a whole number token,
// no `#`/currency before, no unit after); with / without / near;
// negation / hypothetical / question (default true); own_experience (a first-person
// word must occur); sentiment any|not_positive|negative; min_intensity 0..3;
// otherwise (the level to use when `with` fails instead of dropping the hit);
// second_stage (default true; false: the trained second stage never judges
// this term, because the term is an incident or a step to an authority by
// itself once its context rules hold: 12315, 刹车失灵, 食物中毒, lawsuit).
//
// Errors are INVALID_ARGUMENT "<source>:<line>: <problem>".
//
// Thread safety: a RedLineList is immutable; Find()/Decide() may be called
// from any number of threads at once. RedLineStore swaps versions atomically.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "common/config/yaml_file.h"
#include "services/triage/analysis/shared/multi_pattern_matcher.h"
#include "services/triage/analysis/shared/reloadable.h"

namespace voc::triage {

enum class SentimentRequirement { kAny, kNotPositive, kNegative };

// The level a hit gets: a red line, or a watch with its priority and owner.
struct RedLineOutcome {
  RedLineLevel level = RedLineLevel::kRedLine;
  Priority priority = Priority::kP1;  // P1 for a red line; the watch's priority
  std::string department;
};

// A term's context rules (all optional; the defaults reproduce the old
// "any occurrence counts" behaviour except for negation and hypotheticals).
struct RedLineRule {
  RedLineOutcome outcome;
  std::vector<std::string> except;
  std::vector<std::string> compounds;
  bool boundary = true;
  bool number = false;
  std::vector<std::string> with;
  std::string with_name;  // the context list's name, for the reason
  std::vector<std::string> without;
  int near = 0;  // 0: anywhere in the text
  bool negation = true;
  bool hypothetical = true;
  bool question = true;  // a question particle after the term in its clause cancels it (not after a negation)
  bool own_experience = false;
  SentimentRequirement sentiment = SentimentRequirement::kAny;
  int min_intensity = 0;
  std::optional<RedLineOutcome> otherwise;
  bool second_stage = true;  // false: unambiguous, the trained second stage does not judge it
  int line = 0;  // where the term is written (0: built in code)
};

struct RedLineTerm {
  RedLineCategory category;
  std::string term;  // as written in the list
  RedLineRule rule = {};
};

// The cue lists shared by every term.
struct RedLineDefaults {
  std::vector<std::string> negation;
  std::vector<std::string> hypothetical;
  std::vector<std::string> question;
  std::vector<std::string> rhetorical;  // before a question: it asserts (难道…吗)
  std::vector<std::string> units;
  std::vector<std::string> first_person;
  int window = 4;
};
RedLineDefaults BuiltInRedLineDefaults();

// What the decision may use besides the text (unknown: rules that need it pass).
struct RedLineContext {
  bool known = false;
  SentimentLabel sentiment = SentimentLabel::kNeutral;
  int intensity = 0;
};

// One candidate and what the rules made of it (hit.rule holds the reason it
// was confirmed, or "...: dropped: <why>").
struct RedLineExplanation {
  RedLineHit hit{};
  bool confirmed = false;
};

struct RedLineDecision {
  std::vector<RedLineHit> red_lines;  // level red_line
  std::vector<RedLineHit> watch;      // level watch
};

class RedLineList {
 public:
  // INVALID_ARGUMENT "<source>:<line>: <problem>" when the text does not
  // validate (LoadFile: also when the file cannot be read).
  static absl::StatusOr<std::shared_ptr<const RedLineList>> Parse(const std::string& yaml_text,
                                                                  const std::string& source);
  static absl::StatusOr<std::shared_ptr<const RedLineList>> LoadFile(const std::string& path);
  static std::shared_ptr<const RedLineList> FromTerms(std::vector<RedLineTerm> terms, std::string version,
                                                      RedLineDefaults defaults = BuiltInRedLineDefaults());
  // FromTerms, remembering the YAML it came from (its hash is the YAML's).
  static std::shared_ptr<const RedLineList> FromSource(std::vector<RedLineTerm> terms, std::string version,
                                                       const std::string& yaml_text, RedLineDefaults defaults,
                                                       std::string source);

  const std::string& version() const { return version_; }
  const std::string& content_hash() const { return content_hash_; }
  const std::string& source_yaml() const { return source_yaml_; }
  const std::vector<RedLineTerm>& terms() const { return terms_; }
  std::size_t MemoryBytes() const { return matcher_.MemoryBytes(); }

  // Every occurrence of every term in `normalized_text` (the candidates),
  // ordered by begin offset (then by category), before any context rule.
  std::vector<RedLineHit> Candidates(std::string_view normalized_text) const;

  // The candidates the context rules confirm, each with its level and the
  // rule that confirmed it. Spans are byte offsets into `normalized_text`.
  RedLineDecision Decide(std::string_view normalized_text, const RedLineContext& context = {}) const;

  // Every candidate with the decision on it and its reason (for analysts).
  std::vector<RedLineExplanation> Explain(std::string_view normalized_text, const RedLineContext& context = {}) const;

  // The confirmed red lines (level red_line) without sentiment: what the
  // preview and older callers use.
  std::vector<RedLineHit> Find(std::string_view normalized_text) const {
    return Decide(normalized_text).red_lines;
  }

 private:
  RedLineList() = default;
  void Compile();
  // Why the candidate counts ("" if it does not), and the level it gets.
  bool Confirm(const RedLineTerm& term, std::string_view text, std::size_t begin, std::size_t end,
               const RedLineContext& context, RedLineOutcome& outcome, std::string& why) const;

  std::string version_;
  std::string content_hash_;
  std::string source_yaml_;
  std::string source_ = "<red lines>";
  std::vector<RedLineTerm> terms_;
  RedLineDefaults defaults_;
  MultiPatternMatcher matcher_;
  std::vector<std::vector<std::uint32_t>> terms_by_pattern_;  // pattern id -> indices into terms_
};

// Parses "safety" | "legal" | "regulatory" | "pr_crisis"; false if unknown.
bool ParseRedLineCategory(std::string_view name, RedLineCategory& out);
const char* RedLineLevelName(RedLineLevel level);  // "red_line" | "watch"

// Fills analysis.red_lines and analysis.red_line_watch from the text and the
// sentiment already in `analysis` (call after sentiment, before priority).
void ApplyRedLines(const RedLineList& list, std::string_view normalized_text, Analysis& analysis);
// Raises analysis.priority to the most urgent watch hit's priority, naming it
// in the reason (call after the priority matrix graded the feedback).
void ApplyRedLineWatch(Analysis& analysis);

// The live red-line list of a running service. Update/ReloadFile validate
// first and keep the current list on error (INVALID_ARGUMENT).
class RedLineStore {
 public:
  explicit RedLineStore(std::shared_ptr<const RedLineList> initial) : holder_(std::move(initial)) {}
  std::shared_ptr<const RedLineList> Current() const { return holder_.Get(); }
  absl::StatusOr<std::shared_ptr<const RedLineList>> Update(const std::string& yaml_text,
                                                            const std::string& source = "<red-line update>");
  absl::StatusOr<std::shared_ptr<const RedLineList>> ReloadFile(const std::string& path);
  // Installs an already-built list.
  void Replace(std::shared_ptr<const RedLineList> next) { holder_.Replace(std::move(next)); }

 private:
  Reloadable<RedLineList> holder_;
};

// Number of `normalized_texts` with at least one hit per category under the
// current and the candidate list (index = RedLineCategory value), how many
// only the candidate flags (gained) and only the current one flags (lost),
// and up to `max_examples` of those texts each, in the order given.
struct RedLinePreview {
  std::size_t texts = 0;
  std::size_t current_matches[4] = {0, 0, 0, 0};
  std::size_t candidate_matches[4] = {0, 0, 0, 0};
  std::size_t gained[4] = {0, 0, 0, 0};
  std::size_t lost[4] = {0, 0, 0, 0};
  std::vector<std::string> gained_examples[4];
  std::vector<std::string> lost_examples[4];
  // Issue 10 item 4: texts flagged in any category under the current and
  // the candidate list, and flagged only by the candidate / only by the
  // current one.
  std::size_t any_current = 0, any_candidate = 0, any_gained = 0, any_lost = 0;
};
RedLinePreview PreviewRedLines(const RedLineList& current, const RedLineList& candidate,
                               const std::vector<std::string>& normalized_texts, std::size_t max_examples = 3);

}  // namespace voc::triage
