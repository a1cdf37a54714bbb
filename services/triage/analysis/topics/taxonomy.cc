#include "services/triage/analysis/topics/taxonomy.h"

#include <algorithm>
#include <regex>
#include <unordered_set>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage {
namespace {

bool IsValidTopicId(const std::string& id) {
  static const std::regex kPattern("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  return std::regex_match(id, kPattern);
}

std::string ParentOf(const std::string& id) {
  const auto dot = id.rfind('.');
  return dot == std::string::npos ? std::string() : id.substr(0, dot);
}

NearClause ParseNear(const std::string& source, const YAML::Node& node) {
  config::RequireMapWithKeys(source, node, "near", {"terms", "within"});
  if (!node["terms"]) config::FailAt(source, node, "near needs 'terms: [a, b]'");
  if (!node["within"]) config::FailAt(source, node, "near needs 'within: N' (characters)");
  const auto terms = config::StringList(source, node["terms"], "near.terms");
  if (terms.size() != 2) config::FailAt(source, node["terms"], "near.terms must list exactly two terms");
  int within = 0;
  try {
    within = node["within"].as<int>();
  } catch (const YAML::Exception&) {
    config::FailAt(source, node["within"], "near.within must be an integer");
  }
  if (within < 0) config::FailAt(source, node["within"], "near.within must not be negative");
  return NearClause{terms[0], terms[1], within};
}

TopicQuery ParseQuery(const std::string& source, const YAML::Node& node) {
  config::RequireMapWithKeys(source, node, "query", {"any", "all", "none", "near"});
  TopicQuery q;
  if (node["any"]) q.any = config::StringList(source, node["any"], "query.any");
  if (node["all"]) q.all = config::StringList(source, node["all"], "query.all");
  if (node["none"]) q.none = config::StringList(source, node["none"], "query.none");
  if (const YAML::Node near = node["near"]) {
    if (near.IsSequence()) {
      for (const auto& item : near) q.near.push_back(ParseNear(source, item));
    } else {
      q.near.push_back(ParseNear(source, near));
    }
  }
  return q;
}

}  // namespace

namespace {

// Throws voc::ConfigError at the first problem; Parse returns it as a status.
std::shared_ptr<const Taxonomy> ParseOrThrow(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = config::ParseYaml(yaml_text, source);
  if (!root || root.IsNull()) throw voc::ConfigError(source + ": empty taxonomy file");
  config::RequireMapWithKeys(source, root, "taxonomy", {"version", "departments", "topics"});
  if (!root["version"]) config::FailAt(source, root, "missing 'version'");
  const std::string version = config::ScalarString(source, root["version"], "version");
  if (version.empty()) config::FailAt(source, root["version"], "'version' must not be empty");

  std::unordered_set<std::string> departments;
  const bool departments_declared = static_cast<bool>(root["departments"]);
  if (departments_declared) {
    for (auto& d : config::StringList(source, root["departments"], "departments")) departments.insert(d);
  }

  const YAML::Node list = root["topics"];
  if (!list) config::FailAt(source, root, "missing 'topics'");
  if (!list.IsSequence() || list.size() == 0) config::FailAt(source, list, "'topics' must be a non-empty list");

  std::vector<TopicDefinition> topics;
  std::vector<YAML::Node> nodes;
  std::unordered_map<std::string, std::size_t> seen;
  for (const auto& node : list) {
    config::RequireMapWithKeys(source, node, "topic", {"id", "name", "department", "query"});
    TopicDefinition t;
    t.line = node.Mark().line + 1;
    if (!node["id"]) config::FailAt(source, node, "topic without 'id'");
    t.id = config::ScalarString(source, node["id"], "id");
    if (!IsValidTopicId(t.id))
      config::FailAt(source, node["id"], "topic id '" + t.id + "' must be lower-case ASCII words joined by dots");
    if (auto it = seen.find(t.id); it != seen.end())
      config::FailAt(source, node["id"], "duplicate topic id '" + t.id + "' (first defined at line " +
                                     std::to_string(topics[it->second].line) + ")");
    const YAML::Node name = node["name"];
    if (!name) config::FailAt(source, node, "topic '" + t.id + "' has no 'name: {zh: ..., en: ...}'");
    config::RequireMapWithKeys(source, name, "name", {"zh", "en"});
    if (!name["zh"] || !name["en"])
      config::FailAt(source, name, "topic '" + t.id + "' needs both a Chinese (zh) and an English (en) name");
    t.name_zh = config::ScalarString(source, name["zh"], "name.zh");
    t.name_en = config::ScalarString(source, name["en"], "name.en");
    if (node["department"]) t.department = config::ScalarString(source, node["department"], "department");
    if (node["query"]) t.query = ParseQuery(source, node["query"]);
    t.parent_id = ParentOf(t.id);
    seen.emplace(t.id, topics.size());
    topics.push_back(std::move(t));
    nodes.push_back(node);
  }

  // Cross-topic checks: parents exist, departments resolve, queries non-empty.
  std::unordered_set<std::string> has_children;
  for (const auto& t : topics)
    if (!t.parent_id.empty()) has_children.insert(t.parent_id);
  // Resolve in order of depth so a child sees its parent's department.
  std::vector<std::size_t> order(topics.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::count(topics[a].id.begin(), topics[a].id.end(), '.') <
           std::count(topics[b].id.begin(), topics[b].id.end(), '.');
  });
  for (std::size_t i : order) {
    TopicDefinition& t = topics[i];
    if (!t.parent_id.empty()) {
      auto it = seen.find(t.parent_id);
      if (it == seen.end())
        config::FailAt(source, nodes[i]["id"], "topic '" + t.id + "' has no parent topic '" + t.parent_id + "'");
      if (t.department.empty()) t.department = topics[it->second].department;
    }
    if (t.department.empty())
      config::FailAt(source, nodes[i], "topic '" + t.id + "' has no 'department' (and no parent to inherit one from)");
    if (departments_declared && !departments.count(t.department))
      config::FailAt(source, nodes[i]["department"] ? nodes[i]["department"] : nodes[i],
             "topic '" + t.id + "': department '" + t.department + "' is not in 'departments'");
    if (!t.query.HasPositivePart() && !has_children.count(t.id))
      config::FailAt(source, nodes[i]["query"] ? nodes[i]["query"] : nodes[i],
             "topic '" + t.id + "' has an empty query: give at least one of any / all / near");
  }
  return Taxonomy::FromDefinitions(std::move(topics), version, yaml_text, source);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::Parse(const std::string& yaml_text,
                                                                const std::string& source) {
  return config::LoadYaml([&] { return ParseOrThrow(yaml_text, source); });
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::LoadFile(const std::string& path) {
  return config::LoadYaml([&] { return ParseOrThrow(config::ReadFile(path), path); });
}

std::shared_ptr<const Taxonomy> Taxonomy::FromDefinitions(std::vector<TopicDefinition> topics,
                                                          std::string version, std::string source_yaml,
                                                          const std::string& source) {
  std::shared_ptr<Taxonomy> t(new Taxonomy());
  t->topics_ = std::move(topics);
  t->version_ = std::move(version);
  t->source_yaml_ = std::move(source_yaml);
  t->content_hash_ = config::ContentHash(t->source_yaml_.empty() ? t->version_ : t->source_yaml_);
  t->Compile(source);
  return t;
}

const TopicDefinition* Taxonomy::Find(std::string_view id) const {
  auto it = index_by_id_.find(std::string(id));
  return it == index_by_id_.end() ? nullptr : &topics_[it->second];
}

void Taxonomy::Compile(const std::string& source) {
  MultiPatternMatcher::Builder builder;
  compiled_.resize(topics_.size());
  std::vector<std::vector<std::uint32_t>> refs;
  auto add = [&](const std::string& term, std::uint32_t topic, bool candidate) {
    const std::uint32_t id = builder.Add(term);
    if (refs.size() <= id) refs.resize(id + 1);
    if (candidate && (refs[id].empty() || refs[id].back() != topic)) refs[id].push_back(topic);
    return id;
  };
  for (std::uint32_t i = 0; i < topics_.size(); ++i) {
    const TopicDefinition& t = topics_[i];
    if (!index_by_id_.emplace(t.id, i).second)
      throw voc::ConfigError(source + ": duplicate topic id '" + t.id + "'");
    CompiledQuery& q = compiled_[i];
    for (const auto& s : t.query.any) q.any.push_back(add(s, i, true));
    for (const auto& s : t.query.all) q.all.push_back(add(s, i, true));
    for (const auto& s : t.query.none) q.none.push_back(add(s, i, false));
    for (const auto& n : t.query.near)
      q.near.push_back(CompiledNear{add(n.first, i, true), add(n.second, i, true), n.within_chars});
  }
  parent_index_.assign(topics_.size(), -1);
  for (std::uint32_t i = 0; i < topics_.size(); ++i) {
    if (topics_[i].parent_id.empty()) continue;
    auto it = index_by_id_.find(topics_[i].parent_id);
    if (it != index_by_id_.end()) parent_index_[i] = static_cast<std::int32_t>(it->second);
  }
  matcher_ = builder.Build();
  refs.resize(builder.size());
  topics_by_pattern_ = std::move(refs);
}

bool Taxonomy::Evaluates(const CompiledQuery& q, const std::vector<std::uint8_t>& hit,
                         const std::vector<Hit>& hits, std::string_view text) const {
  if (q.any.empty() && q.all.empty() && q.near.empty()) return false;
  for (std::uint32_t p : q.none)
    if (hit[p]) return false;
  for (std::uint32_t p : q.all)
    if (!hit[p]) return false;
  if (!q.any.empty() && std::none_of(q.any.begin(), q.any.end(), [&](std::uint32_t p) { return hit[p] != 0; }))
    return false;
  for (const CompiledNear& n : q.near) {
    if (!hit[n.first] || !hit[n.second]) return false;
    bool close = false;
    for (const Hit& a : hits) {
      if (a.pattern != n.first) continue;
      for (const Hit& b : hits) {
        if (b.pattern != n.second) continue;
        const std::uint32_t gap_begin = std::min(a.end, b.end);
        const std::uint32_t gap_end = std::max(a.begin, b.begin);
        const std::size_t gap =
            gap_end > gap_begin ? voc::triage::text::CountCodePoints(text.substr(gap_begin, gap_end - gap_begin)) : 0;
        if (gap <= static_cast<std::size_t>(n.within_chars)) {
          close = true;
          break;
        }
      }
      if (close) break;
    }
    if (!close) return false;
  }
  return true;
}

void Taxonomy::MatchAll(std::string_view text, std::vector<std::uint32_t>& topic_indices) const {
  topic_indices.clear();
  // Per-thread scratch so concurrent callers never share state and the hot
  // path does not allocate once warmed up.
  thread_local std::vector<std::uint8_t> hit;
  thread_local std::vector<Hit> hits;
  thread_local std::vector<std::uint32_t> candidates;
  if (hit.size() < matcher_.pattern_count()) hit.resize(matcher_.pattern_count(), 0);
  hits.clear();
  candidates.clear();
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    hits.push_back(Hit{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)});
    if (!hit[id]) {
      hit[id] = 1;
      candidates.insert(candidates.end(), topics_by_pattern_[id].begin(), topics_by_pattern_[id].end());
    }
  });
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (std::uint32_t topic : candidates)
    if (Evaluates(compiled_[topic], hit, hits, text)) topic_indices.push_back(topic);
  for (const Hit& h : hits) hit[h.pattern] = 0;
}

std::vector<TopicMatch> Taxonomy::Match(std::string_view text) const {
  thread_local std::vector<std::uint32_t> matched;
  MatchAll(text, matched);
  std::vector<TopicMatch> out;
  for (std::uint32_t i : matched) {
    // Drop i if some other matched topic descends from it.
    bool has_matched_descendant = false;
    for (std::uint32_t j : matched) {
      for (std::int32_t p = parent_index_[j]; p >= 0; p = parent_index_[p]) {
        if (static_cast<std::uint32_t>(p) == i) {
          has_matched_descendant = true;
          break;
        }
      }
      if (has_matched_descendant) break;
    }
    if (!has_matched_descendant) out.push_back(TopicMatch{topics_[i].id, topics_[i].department});
  }
  return out;
}

}  // namespace voc::triage
