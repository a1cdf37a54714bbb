#include "services/triage/analysis/topics/taxonomy_store.h"

#include <unordered_map>

#include <yaml-cpp/yaml.h>

namespace voc::triage {

absl::StatusOr<std::shared_ptr<const Taxonomy>> TaxonomyStore::Update(const std::string& yaml_text,
                                                                       const std::string& source) {
  auto next = Taxonomy::Parse(yaml_text, source);
  if (next.ok()) holder_.Replace(*next);
  return next;
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> TaxonomyStore::ReloadFile(const std::string& path) {
  auto next = Taxonomy::LoadFile(path);
  if (next.ok()) holder_.Replace(*next);
  return next;
}

namespace {

// Per text, the set of matched topic ids of one taxonomy, as topic indices.
std::vector<std::vector<std::uint32_t>> MatchEach(const Taxonomy& t, const std::vector<std::string>& texts) {
  std::vector<std::vector<std::uint32_t>> out(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) t.MatchAll(texts[i], out[i]);
  return out;
}

}  // namespace

PreviewReport PreviewTaxonomy(const Taxonomy& current, const Taxonomy& candidate,
                              const std::vector<std::string>& texts) {
  PreviewReport report;
  report.texts = texts.size();
  std::unordered_map<std::string, std::size_t> row;
  auto row_for = [&](const std::string& id) -> TopicPreview& {
    auto [it, inserted] = row.try_emplace(id, report.topics.size());
    if (inserted) report.topics.push_back(TopicPreview{id});
    return report.topics[it->second];
  };
  for (const auto& t : candidate.topics()) row_for(t.id);
  for (const auto& t : current.topics()) row_for(t.id);

  const auto before = MatchEach(current, texts);
  const auto after = MatchEach(candidate, texts);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    // Both lists are ascending topic indices of their own taxonomy; compare by id.
    std::unordered_map<std::string_view, int> state;  // bit 1: current, bit 2: candidate
    for (std::uint32_t k : before[i]) state[current.topics()[k].id] |= 1;
    for (std::uint32_t k : after[i]) state[candidate.topics()[k].id] |= 2;
    for (const auto& [id, bits] : state) {
      TopicPreview& p = row_for(std::string(id));
      if (bits & 1) ++p.current_matches;
      if (bits & 2) ++p.candidate_matches;
      if (bits == 1) ++p.lost;
      if (bits == 2) ++p.gained;
    }
  }
  return report;
}

namespace {

PreviewReport PreviewTopicRuleOrThrow(const Taxonomy& current, const std::string& topic_yaml,
                                      const std::vector<std::string>& texts) {
  // Re-use the full validator: splice the rule into a one-topic document
  // together with every other topic of the current taxonomy.
  const YAML::Node rule = config::ParseYaml(topic_yaml, "<topic rule>");
  if (!rule.IsMap() || !rule["id"]) throw voc::ConfigError("<topic rule>: expected a topic map with an 'id'");
  const std::string id = rule["id"].Scalar();
  // Check the rule's own keys here so those errors carry the rule's lines.
  config::RequireMapWithKeys("<topic rule>", rule, "topic", {"id", "name", "department", "query"});
  if (rule["query"])
    config::RequireMapWithKeys("<topic rule>", rule["query"], "query", {"any", "all", "none", "near"});

  YAML::Node root = YAML::Load(current.source_yaml().empty() ? "{}" : current.source_yaml());
  YAML::Node replaced_list(YAML::NodeType::Sequence);
  bool replaced = false;
  if (root["topics"]) {
    for (const auto& node : root["topics"]) {
      if (node["id"] && node["id"].Scalar() == id) {
        replaced_list.push_back(rule);
        replaced = true;
      } else {
        replaced_list.push_back(node);
      }
    }
  }
  if (!replaced) replaced_list.push_back(rule);
  root["topics"] = replaced_list;
  if (!root["version"]) root["version"] = current.version();
  YAML::Emitter emitter;
  emitter << root;
  const auto parsed = Taxonomy::Parse(emitter.c_str(), "<topic rule " + id + ">");
  if (!parsed.ok()) throw voc::ConfigError(std::string(parsed.status().message()));
  const auto& candidate = *parsed;

  PreviewReport full = PreviewTaxonomy(current, *candidate, texts);
  PreviewReport one;
  one.texts = full.texts;
  for (auto& p : full.topics)
    if (p.topic_id == id) one.topics.push_back(std::move(p));
  return one;
}

}  // namespace

absl::StatusOr<PreviewReport> PreviewTopicRule(const Taxonomy& current, const std::string& topic_yaml,
                                               const std::vector<std::string>& texts) {
  return config::LoadYaml([&] { return PreviewTopicRuleOrThrow(current, topic_yaml, texts); });
}

}  // namespace voc::triage
