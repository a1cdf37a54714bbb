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
  config::RequireMapWithKeys(source, node, "query", {"any", "all", "none", "none_in_text", "near", "not_in", "negation"});
  TopicQuery q;
  if (node["any"]) q.any = config::StringList(source, node["any"], "query.any");
  if (node["all"]) q.all = config::StringList(source, node["all"], "query.all");
  if (node["none"]) q.none = config::StringList(source, node["none"], "query.none");
  if (node["none_in_text"]) q.none_in_text = config::StringList(source, node["none_in_text"], "query.none_in_text");
  if (node["not_in"]) q.not_in = config::StringList(source, node["not_in"], "query.not_in");
  if (const YAML::Node negation = node["negation"]) {
    const std::string mode = config::ScalarString(source, negation, "query.negation");
    if (mode != "keep" && mode != "skip")
      config::FailAt(source, negation, "query.negation must be 'keep' or 'skip', got '" + mode + "'");
    q.skip_negated = mode == "skip";
  }
  if (const YAML::Node near = node["near"]) {
    if (near.IsSequence()) {
      for (const auto& item : near) q.near.push_back(ParseNear(source, item));
    } else {
      q.near.push_back(ParseNear(source, near));
    }
  }
  return q;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// A not_in word must contain one of the topic's own terms, else it can never
// mask an occurrence: most likely a typo or a word meant for `none`.
void CheckNotIn(const std::string& source, const YAML::Node& query, const TopicDefinition& t) {
  std::vector<std::string> terms = t.query.any;
  terms.insert(terms.end(), t.query.all.begin(), t.query.all.end());
  for (const auto& n : t.query.near) {
    terms.push_back(n.first);
    terms.push_back(n.second);
  }
  const YAML::Node list = query["not_in"];
  for (std::size_t i = 0; i < t.query.not_in.size(); ++i) {
    const std::string word = Lower(t.query.not_in[i]);
    const bool masks_a_term = std::any_of(terms.begin(), terms.end(), [&](std::string term) {
      term = Lower(term);
      if (!term.empty() && term.back() == '*') term.pop_back();
      return !term.empty() && word.find(term) != std::string::npos && word != term;
    });
    if (!masks_a_term)
      config::FailAt(source, list[i],
                     "topic '" + t.id + "': not_in word '" + t.query.not_in[i] +
                         "' contains none of the topic's terms (it could never mask an occurrence)");
  }
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
    config::RequireMapWithKeys(source, node, "topic", {"id", "name", "department", "query", "polarity"});
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
    if (const YAML::Node polarity = node["polarity"]) {
      const std::string value = config::ScalarString(source, polarity, "polarity");
      if (value != "negative" && value != "aspect")
        config::FailAt(source, polarity, "topic '" + t.id + "': polarity must be 'negative' or 'aspect', got '" + value + "'");
      t.complaint_terms = value == "negative";
    }
    if (node["query"]) {
      t.query = ParseQuery(source, node["query"]);
      CheckNotIn(source, node["query"], t);
    }
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
    for (const auto& s : t.query.none_in_text) q.none_in_text.push_back(add(s, i, false));
    for (const auto& s : t.query.not_in) q.not_in.push_back(add(s, i, false));
    q.skip_negated = t.query.skip_negated;
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

bool Taxonomy::Occurs(const CompiledQuery& q, std::uint32_t pattern, const std::vector<Hit>& hits,
                      std::size_t first, std::size_t last, std::string_view text, text::ClauseSpan clause) const {
  for (std::size_t i = first; i < last; ++i) {
    const Hit& h = hits[i];
    if (h.pattern != pattern) continue;
    bool masked = false;
    for (std::uint32_t word : q.not_in) {
      for (std::size_t k = first; k < last && !masked; ++k)
        masked = hits[k].pattern == word && hits[k].begin <= h.begin && h.end <= hits[k].end;
      if (masked) break;
    }
    if (masked) continue;
    if (q.skip_negated && text::InNegationScope(text, clause, h.begin)) continue;
    return true;
  }
  return false;
}

bool Taxonomy::Evaluates(const CompiledQuery& q, const std::vector<Hit>& hits, std::size_t first, std::size_t last,
                         std::string_view text, text::ClauseSpan clause, const std::vector<std::uint8_t>& in_text) const {
  if (q.any.empty() && q.all.empty() && q.near.empty()) return false;
  const auto present = [&](std::uint32_t p) {
    for (std::size_t i = first; i < last; ++i)
      if (hits[i].pattern == p) return true;
    return false;
  };
  for (std::uint32_t p : q.none)
    if (present(p)) return false;
  for (std::uint32_t p : q.none_in_text)
    if (in_text[p]) return false;
  for (std::uint32_t p : q.all)
    if (!Occurs(q, p, hits, first, last, text, clause)) return false;
  if (!q.any.empty() &&
      std::none_of(q.any.begin(), q.any.end(), [&](std::uint32_t p) { return Occurs(q, p, hits, first, last, text, clause); }))
    return false;
  for (const CompiledNear& n : q.near) {
    if (!Occurs(q, n.first, hits, first, last, text, clause) || !Occurs(q, n.second, hits, first, last, text, clause))
      return false;
    bool close = false;
    for (std::size_t i = first; i < last && !close; ++i) {
      const Hit& a = hits[i];
      if (a.pattern != n.first) continue;
      for (std::size_t k = first; k < last; ++k) {
        const Hit& b = hits[k];
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
    }
    if (!close) return false;
  }
  return true;
}

namespace {

// Per-thread scratch so concurrent callers never share state and the hot
// path does not allocate once warmed up.
struct MatchScratch {
  std::vector<std::uint8_t> seen;           // pattern id -> seen in the current clause
  std::vector<std::uint8_t> in_text;        // pattern id -> seen anywhere in the text (none_in_text)
  std::vector<std::uint32_t> candidates;
  std::vector<std::uint32_t> matched;
};

}  // namespace

void Taxonomy::MatchAll(std::string_view text, std::vector<std::uint32_t>& topic_indices) const {
  topic_indices.clear();
  thread_local std::vector<Hit> hits;
  thread_local MatchScratch scratch;
  hits.clear();
  scratch.candidates.clear();
  if (scratch.seen.size() < matcher_.pattern_count()) scratch.seen.resize(matcher_.pattern_count(), 0);
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    hits.push_back(Hit{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)});
    if (!scratch.seen[id]) {
      scratch.seen[id] = 1;
      scratch.candidates.insert(scratch.candidates.end(), topics_by_pattern_[id].begin(), topics_by_pattern_[id].end());
    }
  });
  std::sort(scratch.candidates.begin(), scratch.candidates.end());
  scratch.candidates.erase(std::unique(scratch.candidates.begin(), scratch.candidates.end()), scratch.candidates.end());
  const text::ClauseSpan whole{0, text.size()};
  for (std::uint32_t topic : scratch.candidates)
    if (Evaluates(compiled_[topic], hits, 0, hits.size(), text, whole, scratch.seen)) topic_indices.push_back(topic);
  for (const Hit& h : hits) scratch.seen[h.pattern] = 0;
}

bool Taxonomy::IsAncestor(std::uint32_t ancestor, std::uint32_t topic) const {
  for (std::int32_t p = parent_index_[topic]; p >= 0; p = parent_index_[p])
    if (static_cast<std::uint32_t>(p) == ancestor) return true;
  return false;
}

void Taxonomy::KeepMostSpecific(std::vector<std::uint32_t>& matched) const {
  std::erase_if(matched, [&](std::uint32_t i) {
    return std::any_of(matched.begin(), matched.end(), [&](std::uint32_t j) { return IsAncestor(i, j); });
  });
}

std::vector<TopicMatch> Taxonomy::Match(std::string_view text) const {
  thread_local std::vector<std::uint32_t> matched;
  MatchAll(text, matched);
  KeepMostSpecific(matched);
  std::vector<TopicMatch> out;
  for (std::uint32_t i : matched) out.push_back(TopicMatch{topics_[i].id, topics_[i].department});
  return out;
}

void Taxonomy::MatchClauses(std::string_view text, const std::vector<text::ClauseSpan>& clauses,
                            std::vector<ClauseTopic>& out) const {
  out.clear();
  if (clauses.empty()) return;
  thread_local std::vector<Hit> hits;
  thread_local std::vector<std::uint32_t> clause_of;
  thread_local MatchScratch scratch;
  hits.clear();
  if (scratch.seen.size() < matcher_.pattern_count()) {
    scratch.seen.resize(matcher_.pattern_count(), 0);
    scratch.in_text.resize(matcher_.pattern_count(), 0);
  }
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    hits.push_back(Hit{id, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)});
    scratch.in_text[id] = 1;
  });
  if (hits.empty()) return;
  // Hits arrive ordered by end; group them by the clause their start lies in.
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.begin < b.begin; });
  std::size_t first = 0;
  while (first < hits.size()) {
    const std::uint32_t clause = static_cast<std::uint32_t>(text::ClauseIndexAt(clauses, hits[first].begin));
    const std::size_t clause_end = clauses[clause].end;
    std::size_t last = first;
    while (last < hits.size() && (hits[last].begin < clause_end || clause + 1 == clauses.size() ||
                                  hits[last].begin < clauses[clause + 1].begin))
      ++last;
    scratch.candidates.clear();
    for (std::size_t i = first; i < last; ++i) {
      const std::uint32_t id = hits[i].pattern;
      if (scratch.seen[id]) continue;
      scratch.seen[id] = 1;
      scratch.candidates.insert(scratch.candidates.end(), topics_by_pattern_[id].begin(), topics_by_pattern_[id].end());
    }
    for (std::size_t i = first; i < last; ++i) scratch.seen[hits[i].pattern] = 0;
    std::sort(scratch.candidates.begin(), scratch.candidates.end());
    scratch.candidates.erase(std::unique(scratch.candidates.begin(), scratch.candidates.end()),
                             scratch.candidates.end());
    scratch.matched.clear();
    for (std::uint32_t topic : scratch.candidates)
      if (Evaluates(compiled_[topic], hits, first, last, text, clauses[clause], scratch.in_text))
        scratch.matched.push_back(topic);
    KeepMostSpecific(scratch.matched);
    for (std::uint32_t topic : scratch.matched) {
      ClauseTopic found;
      found.topic = topic;
      found.clause = clause;
      const CompiledQuery& q = compiled_[topic];
      for (std::size_t i = first; i < last; ++i) {
        const std::uint32_t p = hits[i].pattern;
        const bool positive = std::find(q.any.begin(), q.any.end(), p) != q.any.end() ||
                              std::find(q.all.begin(), q.all.end(), p) != q.all.end() ||
                              std::any_of(q.near.begin(), q.near.end(),
                                          [&](const CompiledNear& n) { return n.first == p || n.second == p; });
        if (positive && Occurs(q, p, hits, i, i + 1, text, clauses[clause]) &&
            std::none_of(q.not_in.begin(), q.not_in.end(), [&](std::uint32_t w) {
              for (std::size_t k = first; k < last; ++k)
                if (hits[k].pattern == w && hits[k].begin <= hits[i].begin && hits[i].end <= hits[k].end) return true;
              return false;
            }))
          found.evidence.emplace_back(hits[i].begin, hits[i].end);
      }
      out.push_back(std::move(found));
    }
    first = last;
  }
  for (const Hit& h : hits) scratch.in_text[h.pattern] = 0;
}

}  // namespace voc::triage
