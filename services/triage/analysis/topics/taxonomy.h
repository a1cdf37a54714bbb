// Topic taxonomy: a hierarchy of topics, each a boolean keyword query in
// Chinese and English owned by one department, compiled into one
// multi-pattern matcher so that a text is scanned once for all topics.
//
// File format (config/taxonomy.yaml):
//
//   version: "2024.1"                 # required, any scalar
//   departments: [logistics, ...]     # optional; if given, every topic's
//                                     # department must be listed here
//   topics:
//     - id: logistics                 # ASCII path [a-z0-9_]+(.[a-z0-9_]+)*
//       name: {zh: 物流, en: Logistics}
//       department: logistics         # children inherit it when omitted
//       query: {any: [物流, 快递, courier*]}
//     - id: logistics.delivery_delay  # parent "logistics" must exist
//       name: {zh: 配送延迟, en: Delivery delay}
//       query:
//         any:  [送得慢, 迟到, late, delay*]   # at least one must occur
//         all:  []                            # every one must occur
//         none: [不慢]                        # none may occur (in the clause)
//         none_in_text: [酒店, 入住]          # none may occur anywhere in the
//                                             # feedback: a sense that the whole
//                                             # text rules out (a hotel guest's
//                                             # "等了一个小时" is no delivery delay)
//         near: {terms: [等, 小时], within: 6} # both within 6 characters
//                                             # (a map or a list of maps)
//         not_in: [送餐, 餐具]                # senses: an occurrence inside one
//                                             # of these longer words does not count
//         negation: skip                      # an occurrence in a negation scope
//                                             # (没有破损, not damaged) does not
//                                             # count; default keep
//       polarity: negative                    # the terms are complaints in
//                                             # themselves (太慢, 少给): a clause
//                                             # with no sentiment of its own reads
//                                             # negative; default aspect (the
//                                             # terms name what is talked about)
//
// Term syntax is that of MultiPatternMatcher: ASCII terms match whole words
// unless they end in '*'. A topic matches when (any is empty or one `any`
// term occurs) and every `all` term occurs and every `near` pair occurs close
// enough and no `none` term occurs (in the clause) and no `none_in_text` term
// occurs (anywhere in the text); at least one of any/all/near is required
// unless the topic has children (a pure grouping node). "Occurs" respects the
// context rules: not inside a `not_in` word, and with `negation: skip` not in
// a negation scope (text/clauses.h). Every `not_in` word must contain one of
// the topic's own terms (else it could never mask anything: a mistake).
//
// The analyser evaluates queries per clause (MatchClauses): "便宜,送餐快,难吃"
// is three clauses, and `none`, `all` and `near` look only within a clause, so
// "送餐快" in one clause does not veto "慢" in another.
//
// Loading is strict: unknown keys, a missing department, duplicate ids, a
// missing parent, an empty query or a YAML syntax error are INVALID_ARGUMENT
// naming the source and line.
//
// Thread safety: a Taxonomy is immutable after construction; all const
// methods may be called concurrently.
#pragma once

#include <absl/status/statusor.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "common/config/yaml_file.h"
#include "services/triage/analysis/shared/multi_pattern_matcher.h"
#include "services/triage/analysis/text/clauses.h"

namespace voc::triage {

struct NearClause {
  std::string first;
  std::string second;
  int within_chars = 0;  // code points between the two occurrences
};

struct TopicQuery {
  std::vector<std::string> any;
  std::vector<std::string> all;
  std::vector<std::string> none;
  std::vector<std::string> none_in_text;  // vetoes the topic in every clause when found anywhere
  std::vector<NearClause> near;
  std::vector<std::string> not_in;  // longer words inside which a term does not count
  bool skip_negated = false;        // negation: skip
  bool HasPositivePart() const { return !any.empty() || !all.empty() || !near.empty(); }
};

struct TopicDefinition {
  std::string id;           // e.g. "logistics.delivery_delay"
  std::string parent_id;    // "" for a top-level topic
  std::string name_zh;
  std::string name_en;
  std::string department;   // resolved (inherited from the parent if omitted)
  TopicQuery query;
  bool complaint_terms = false;  // polarity: negative
  int line = 0;             // 1-based line in the source, for messages
};

// One topic found in one clause, with the byte spans of the terms that made
// it match (evidence), as returned by Taxonomy::MatchClauses.
struct ClauseTopic {
  std::uint32_t topic = 0;   // index into Taxonomy::topics()
  std::uint32_t clause = 0;  // index into the clauses given
  std::vector<std::pair<std::uint32_t, std::uint32_t>> evidence;  // [begin, end) in the text
};

class Taxonomy {
 public:
  // Parses and compiles YAML text. `source` names it in error messages
  // (a file path, or the request field, "yaml"). INVALID_ARGUMENT
  // "<source>:<line>: <problem>" when the text does not validate.
  static absl::StatusOr<std::shared_ptr<const Taxonomy>> Parse(const std::string& yaml_text,
                                                               const std::string& source);
  // Reads and parses a file. INVALID_ARGUMENT also for a missing file.
  static absl::StatusOr<std::shared_ptr<const Taxonomy>> LoadFile(const std::string& path);
  // Builds from definitions (already validated by the caller or by Parse);
  // used to derive a candidate taxonomy with one rule changed. Throws
  // voc::ConfigError for duplicate ids (loaders catch it).
  static std::shared_ptr<const Taxonomy> FromDefinitions(std::vector<TopicDefinition> topics,
                                                         std::string version, std::string source_yaml,
                                                         const std::string& source);

  const std::string& version() const { return version_; }
  // Fingerprint of the source text (ContentHash), changes with any edit.
  const std::string& content_hash() const { return content_hash_; }
  // The YAML this taxonomy was parsed from (for a "get taxonomy" RPC).
  const std::string& source_yaml() const { return source_yaml_; }
  const std::vector<TopicDefinition>& topics() const { return topics_; }
  // nullptr if there is no such id.
  const TopicDefinition* Find(std::string_view id) const;
  std::size_t MemoryBytes() const { return matcher_.MemoryBytes(); }

  // Indices (into topics()) of every topic whose own query matches
  // `normalized_text`, ascending. `normalized_text` should be lower-case,
  // simplified Chinese, half-width (the normaliser's output).
  void MatchAll(std::string_view normalized_text, std::vector<std::uint32_t>& topic_indices) const;

  // The most specific matching topics: MatchAll minus every topic that has a
  // matching descendant (its ancestry is implied by the id path).
  std::vector<TopicMatch> Match(std::string_view normalized_text) const;

  // The most specific topics of each clause of `normalized_text` (cut by
  // text::SplitClauses), in clause order; the text is scanned once. A topic
  // whose descendant matched in the same clause is left out.
  void MatchClauses(std::string_view normalized_text, const std::vector<text::ClauseSpan>& clauses,
                    std::vector<ClauseTopic>& out) const;

  // Whether topic index `ancestor` is a proper ancestor of topic index `topic`.
  bool IsAncestor(std::uint32_t ancestor, std::uint32_t topic) const;

 private:
  Taxonomy() = default;
  void Compile(const std::string& source);

  struct Hit {
    std::uint32_t pattern;
    std::uint32_t begin;
    std::uint32_t end;
  };
  struct CompiledNear {
    std::uint32_t first;
    std::uint32_t second;
    int within_chars;
  };
  struct CompiledQuery {
    std::vector<std::uint32_t> any, all, none, none_in_text, not_in;
    std::vector<CompiledNear> near;
    bool skip_negated = false;
  };
  // Whether `pattern` has an occurrence among hits[first, last) that counts
  // under q's context rules (not inside a not_in word, not negated if skipped).
  bool Occurs(const CompiledQuery& q, std::uint32_t pattern, const std::vector<Hit>& hits, std::size_t first,
              std::size_t last, std::string_view text, text::ClauseSpan clause) const;
  // Evaluates q on the hits [first, last) of one clause; in_text[pattern] says
  // whether the pattern occurs anywhere in the text (for none_in_text).
  bool Evaluates(const CompiledQuery& q, const std::vector<Hit>& hits, std::size_t first, std::size_t last,
                 std::string_view text, text::ClauseSpan clause, const std::vector<std::uint8_t>& in_text) const;
  // Indices of matched topics minus those with a matched descendant.
  void KeepMostSpecific(std::vector<std::uint32_t>& matched) const;

  std::string version_;
  std::string content_hash_;
  std::string source_yaml_;
  std::vector<TopicDefinition> topics_;
  std::unordered_map<std::string, std::uint32_t> index_by_id_;
  std::vector<std::int32_t> parent_index_;        // -1 for top level
  std::vector<CompiledQuery> compiled_;
  MultiPatternMatcher matcher_;
  // pattern id -> topics whose any/all/near use it (candidates to evaluate)
  std::vector<std::vector<std::uint32_t>> topics_by_pattern_;
};

}  // namespace voc::triage
