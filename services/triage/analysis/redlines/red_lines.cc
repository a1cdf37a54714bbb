#include "services/triage/analysis/redlines/red_lines.h"

#include <algorithm>
#include <unordered_map>

namespace voc::triage {

bool ParseRedLineCategory(std::string_view name, RedLineCategory& out) {
  if (name == "safety") out = RedLineCategory::kSafety;
  else if (name == "legal") out = RedLineCategory::kLegal;
  else if (name == "regulatory") out = RedLineCategory::kRegulatory;
  else if (name == "pr_crisis") out = RedLineCategory::kPrCrisis;
  else return false;
  return true;
}

namespace {

// Throws voc::ConfigError at the first problem; Parse returns it as a status.
std::shared_ptr<const RedLineList> ParseOrThrow(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = config::ParseYaml(yaml_text, source);
  if (!root || root.IsNull()) throw voc::ConfigError(source + ": empty red-line file");
  config::RequireMapWithKeys(source, root, "red-line file", {"version", "categories"});
  if (!root["version"]) config::FailAt(source, root, "missing 'version'");
  const std::string version = config::ScalarString(source, root["version"], "version");
  const YAML::Node categories = root["categories"];
  if (!categories) config::FailAt(source, root, "missing 'categories'");
  config::RequireMapWithKeys(source, categories, "categories", {"safety", "legal", "regulatory", "pr_crisis"});
  if (categories.size() == 0) config::FailAt(source, categories, "'categories' is empty");

  std::vector<RedLineTerm> terms;
  for (const auto& entry : categories) {
    RedLineCategory category{};
    ParseRedLineCategory(entry.first.Scalar(), category);
    const auto list = config::StringList(source, entry.second, entry.first.Scalar());
    if (list.empty()) config::FailAt(source, entry.second, "category '" + entry.first.Scalar() + "' has no terms");
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!seen.emplace(list[i], i).second)
        config::FailAt(source, entry.second[i], "term '" + list[i] + "' listed twice in '" + entry.first.Scalar() + "'");
      terms.push_back(RedLineTerm{category, list[i]});
    }
  }
  return RedLineList::FromSource(std::move(terms), version, yaml_text);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RedLineList>> RedLineList::Parse(const std::string& yaml_text,
                                                                      const std::string& source) {
  return config::LoadYaml([&] { return ParseOrThrow(yaml_text, source); });
}

absl::StatusOr<std::shared_ptr<const RedLineList>> RedLineList::LoadFile(const std::string& path) {
  return config::LoadYaml([&] { return ParseOrThrow(config::ReadFile(path), path); });
}

std::shared_ptr<const RedLineList> RedLineList::FromSource(std::vector<RedLineTerm> terms, std::string version,
                                                           const std::string& yaml_text) {
  auto result = FromTerms(std::move(terms), std::move(version));
  auto mutable_result = std::const_pointer_cast<RedLineList>(result);
  mutable_result->source_yaml_ = yaml_text;
  mutable_result->content_hash_ = config::ContentHash(yaml_text);
  return result;
}

std::shared_ptr<const RedLineList> RedLineList::FromTerms(std::vector<RedLineTerm> terms, std::string version) {
  std::shared_ptr<RedLineList> list(new RedLineList());
  list->terms_ = std::move(terms);
  list->version_ = std::move(version);
  std::string fingerprint = list->version_;
  for (const auto& t : list->terms_) fingerprint += "\n" + std::to_string(static_cast<int>(t.category)) + t.term;
  list->content_hash_ = config::ContentHash(fingerprint);
  list->Compile();
  return list;
}

void RedLineList::Compile() {
  MultiPatternMatcher::Builder builder;
  for (std::uint32_t i = 0; i < terms_.size(); ++i) {
    const std::uint32_t id = builder.Add(terms_[i].term);
    if (terms_by_pattern_.size() <= id) terms_by_pattern_.resize(id + 1);
    terms_by_pattern_[id].push_back(i);
  }
  matcher_ = builder.Build();
}

std::vector<RedLineHit> RedLineList::Find(std::string_view text) const {
  std::vector<RedLineHit> hits;
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    for (std::uint32_t t : terms_by_pattern_[id])
      hits.push_back(RedLineHit{terms_[t].category, terms_[t].term, begin, end});
  });
  std::sort(hits.begin(), hits.end(), [](const RedLineHit& a, const RedLineHit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.category != b.category) return a.category < b.category;
    return a.end < b.end;
  });
  return hits;
}

absl::StatusOr<std::shared_ptr<const RedLineList>> RedLineStore::Update(const std::string& yaml_text,
                                                                        const std::string& source) {
  auto next = RedLineList::Parse(yaml_text, source);
  if (next.ok()) holder_.Replace(*next);
  return next;
}

absl::StatusOr<std::shared_ptr<const RedLineList>> RedLineStore::ReloadFile(const std::string& path) {
  auto next = RedLineList::LoadFile(path);
  if (next.ok()) holder_.Replace(*next);
  return next;
}

RedLinePreview PreviewRedLines(const RedLineList& current, const RedLineList& candidate,
                               const std::vector<std::string>& texts, std::size_t max_examples) {
  RedLinePreview preview;
  preview.texts = texts.size();
  for (const auto& text : texts) {
    bool now[4] = {}, next[4] = {};
    for (const auto& h : current.Find(text)) now[static_cast<int>(h.category)] = true;
    for (const auto& h : candidate.Find(text)) next[static_cast<int>(h.category)] = true;
    for (int c = 0; c < 4; ++c) {
      preview.current_matches[c] += now[c];
      preview.candidate_matches[c] += next[c];
      if (next[c] && !now[c]) {
        ++preview.gained[c];
        if (preview.gained_examples[c].size() < max_examples) preview.gained_examples[c].push_back(text);
      }
      if (now[c] && !next[c]) {
        ++preview.lost[c];
        if (preview.lost_examples[c].size() < max_examples) preview.lost_examples[c].push_back(text);
      }
    }
  }
  return preview;
}

}  // namespace voc::triage
