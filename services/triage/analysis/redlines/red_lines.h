// Red-line lists: words and phrases that must escalate a feedback whatever its
// sentiment (safety, legal, regulatory, PR crisis), matched in one pass over
// the normalised text by a single multi-pattern matcher.
//
// File format (config/redlines.yaml):
//
//   version: "2024.1"
//   categories:
//     safety:     [起火, 爆炸, 刹车失灵, "caught fire", explod*]
//     legal:      [起诉, 律师, lawsuit, sue]
//     regulatory: [12315, 市场监管, consumer protection]
//     pr_crisis:  [曝光, 媒体, 上热搜, go viral]
//
// Only those four category keys are allowed; each list must be non-empty; a
// term may not be listed twice in one category. Term syntax is that of
// MultiPatternMatcher (ASCII terms whole-word unless ending in '*').
// Errors are INVALID_ARGUMENT naming the source and line.
//
// Thread safety: a RedLineList is immutable; Find() may be called from any
// number of threads at once. RedLineStore swaps versions atomically.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/triage/analysis/analyzer.h"
#include "common/config/yaml_file.h"
#include "services/triage/analysis/shared/multi_pattern_matcher.h"
#include "services/triage/analysis/shared/reloadable.h"

namespace voc::triage {

struct RedLineTerm {
  RedLineCategory category;
  std::string term;  // as written in the list
};

class RedLineList {
 public:
  // INVALID_ARGUMENT "<source>:<line>: <problem>" when the text does not
  // validate (LoadFile: also when the file cannot be read).
  static absl::StatusOr<std::shared_ptr<const RedLineList>> Parse(const std::string& yaml_text,
                                                                  const std::string& source);
  static absl::StatusOr<std::shared_ptr<const RedLineList>> LoadFile(const std::string& path);
  static std::shared_ptr<const RedLineList> FromTerms(std::vector<RedLineTerm> terms, std::string version);
  // FromTerms, remembering the YAML it came from (its hash is the YAML's).
  static std::shared_ptr<const RedLineList> FromSource(std::vector<RedLineTerm> terms, std::string version,
                                                       const std::string& yaml_text);

  const std::string& version() const { return version_; }
  const std::string& content_hash() const { return content_hash_; }
  const std::string& source_yaml() const { return source_yaml_; }
  const std::vector<RedLineTerm>& terms() const { return terms_; }
  std::size_t MemoryBytes() const { return matcher_.MemoryBytes(); }

  // Every occurrence of every term in `normalized_text`, ordered by begin
  // offset (then by category). A term listed under two categories yields two
  // hits. Spans are byte offsets into `normalized_text`.
  std::vector<RedLineHit> Find(std::string_view normalized_text) const;

 private:
  RedLineList() = default;
  void Compile();

  std::string version_;
  std::string content_hash_;
  std::string source_yaml_;
  std::vector<RedLineTerm> terms_;
  MultiPatternMatcher matcher_;
  std::vector<std::vector<std::uint32_t>> terms_by_pattern_;  // pattern id -> indices into terms_
};

// Parses "safety" | "legal" | "regulatory" | "pr_crisis"; false if unknown.
bool ParseRedLineCategory(std::string_view name, RedLineCategory& out);

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
};
RedLinePreview PreviewRedLines(const RedLineList& current, const RedLineList& candidate,
                               const std::vector<std::string>& normalized_texts, std::size_t max_examples = 3);

}  // namespace voc::triage
