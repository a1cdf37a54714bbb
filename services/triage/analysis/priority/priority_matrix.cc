#include "services/triage/analysis/priority/priority_matrix.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "common/config/yaml_file.h"

namespace voc::triage {
namespace {

// The built-in matrix, in the file format, so the default is readable and
// goes through the same validator as a user's file.
constexpr const char* kDefaultMatrix = R"(
version: builtin-1
default: {priority: P4, reason: "no escalation criteria met"}
rules:
  - when: {red_line: [safety]}
    priority: P1
  - when: {red_line: [legal, regulatory]}
    priority: P1
  - when: {red_line: [pr_crisis], reach_at_least: 10000}
    priority: P1
  - when: {red_line: [pr_crisis]}
    priority: P2
  - when: {intensity_at_least: 3, reach_at_least: 10000}
    priority: P1
  - when: {sentiment: [negative], reach_at_least: 100000}
    priority: P1
  - when: {intensity_at_least: 3}
    priority: P2
  - when: {nps: [detractor], tier: [vip]}
    priority: P2
  - when: {sentiment: [negative], tier: [vip]}
    priority: P2
  - when: {sentiment: [negative], reach_at_least: 10000}
    priority: P2
  - when: {nps: [detractor], tier: [high]}
    priority: P3
  - when: {nps: [detractor]}
    priority: P3
  - when: {sentiment: [negative]}
    priority: P3
)";

Priority ParsePriority(const std::string& source, const YAML::Node& node) {
  const std::string s = config::ScalarString(source, node, "priority");
  if (s == "P1" || s == "p1" || s == "1") return Priority::kP1;
  if (s == "P2" || s == "p2" || s == "2") return Priority::kP2;
  if (s == "P3" || s == "p3" || s == "3") return Priority::kP3;
  if (s == "P4" || s == "p4" || s == "4") return Priority::kP4;
  config::FailAt(source, node, "priority must be one of P1, P2, P3, P4 (got '" + s + "')");
}

SentimentLabel ParseSentiment(const std::string& source, const YAML::Node& node, const std::string& s) {
  if (s == "negative") return SentimentLabel::kNegative;
  if (s == "neutral") return SentimentLabel::kNeutral;
  if (s == "positive") return SentimentLabel::kPositive;
  config::FailAt(source, node, "unknown sentiment '" + s + "' (negative | neutral | positive)");
}

NpsCategory ParseNps(const std::string& source, const YAML::Node& node, const std::string& s) {
  if (s == "detractor") return NpsCategory::kDetractor;
  if (s == "passive") return NpsCategory::kPassive;
  if (s == "promoter") return NpsCategory::kPromoter;
  if (s == "none") return NpsCategory::kNone;
  config::FailAt(source, node, "unknown nps category '" + s + "' (detractor | passive | promoter | none)");
}

template <typename T>
T ScalarAs(const std::string& source, const YAML::Node& node, const char* what) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    config::FailAt(source, node, std::string(what) + " must be a number");
  }
}

PriorityCondition ParseCondition(const std::string& source, const YAML::Node& node) {
  config::RequireMapWithKeys(source, node, "when",
                     {"red_line", "sentiment", "score_at_most", "intensity_at_least", "tier", "nps", "channel",
                      "reach_at_least"});
  if (node.size() == 0) config::FailAt(source, node, "'when' has no condition");
  PriorityCondition c;
  if (const YAML::Node n = node["red_line"]) {
    if (n.IsScalar() && n.Scalar() == "any") {
      c.any_red_line = true;
    } else {
      const auto names = config::StringList(source, n, "red_line");
      for (std::size_t i = 0; i < names.size(); ++i) {
        RedLineCategory cat{};
        bool known = names[i] == "safety" || names[i] == "legal" || names[i] == "regulatory" || names[i] == "pr_crisis";
        if (!known) config::FailAt(source, n, "unknown red-line category '" + names[i] + "'");
        cat = names[i] == "safety" ? RedLineCategory::kSafety
              : names[i] == "legal" ? RedLineCategory::kLegal
              : names[i] == "regulatory" ? RedLineCategory::kRegulatory
                                         : RedLineCategory::kPrCrisis;
        c.red_lines.push_back(cat);
      }
    }
  }
  if (const YAML::Node n = node["sentiment"])
    for (const auto& s : config::StringList(source, n, "sentiment")) c.sentiments.push_back(ParseSentiment(source, n, s));
  if (const YAML::Node n = node["score_at_most"]) c.score_at_most = ScalarAs<double>(source, n, "score_at_most");
  if (const YAML::Node n = node["intensity_at_least"])
    c.intensity_at_least = ScalarAs<int>(source, n, "intensity_at_least");
  if (const YAML::Node n = node["tier"]) c.tiers = config::StringList(source, n, "tier");
  if (const YAML::Node n = node["nps"])
    for (const auto& s : config::StringList(source, n, "nps")) c.nps.push_back(ParseNps(source, n, s));
  if (const YAML::Node n = node["channel"]) c.channels = config::StringList(source, n, "channel");
  if (const YAML::Node n = node["reach_at_least"])
    c.reach_at_least = ScalarAs<std::int64_t>(source, n, "reach_at_least");
  return c;
}

const char* NpsName(NpsCategory c) {
  switch (c) {
    case NpsCategory::kDetractor: return "detractor";
    case NpsCategory::kPassive: return "passive";
    case NpsCategory::kPromoter: return "promoter";
    case NpsCategory::kNone: break;
  }
  return "no NPS";
}

const char* IntensityName(int level) {
  switch (level) {
    case 0: return "calm";
    case 1: return "grumble";
    case 2: return "complaint";
    default: return "anger/threat";
  }
}

std::string TierName(const std::string& tier) {
  if (tier == "vip") return "VIP customer";
  return tier + "-value customer";
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Returns true (and the generated reason) if every condition holds.
bool Holds(const PriorityCondition& c, const PriorityFacts& f, std::string& reason) {
  std::vector<std::string> parts;
  if (c.any_red_line || !c.red_lines.empty()) {
    std::vector<std::string> hit;
    for (RedLineCategory cat : f.red_lines) {
      if (!c.any_red_line && !Contains(c.red_lines, cat)) continue;
      std::string name = RedLineCategoryName(cat);
      if (!Contains(hit, name)) hit.push_back(name);
    }
    if (hit.empty()) return false;
    std::string joined;
    for (const auto& h : hit) joined += (joined.empty() ? "" : ", ") + h;
    parts.push_back("red line: " + joined);
  }
  if (!c.sentiments.empty()) {
    if (!Contains(c.sentiments, f.sentiment)) return false;
    parts.push_back(std::string(SentimentLabelName(f.sentiment)) + " sentiment");
  }
  if (c.score_at_most) {
    if (f.sentiment_score > *c.score_at_most) return false;
    std::ostringstream s;
    s.precision(2);
    s << std::fixed << "sentiment score " << f.sentiment_score;
    parts.push_back(s.str());
  }
  if (c.intensity_at_least) {
    if (f.intensity < *c.intensity_at_least) return false;
    parts.push_back("intensity " + std::to_string(f.intensity) + " (" + IntensityName(f.intensity) + ")");
  }
  if (!c.nps.empty()) {
    if (!Contains(c.nps, f.nps)) return false;
    parts.push_back(NpsName(f.nps));
  }
  if (!c.tiers.empty()) {
    if (!Contains(c.tiers, f.customer_tier)) return false;
    parts.push_back(TierName(f.customer_tier));
  }
  if (!c.channels.empty()) {
    if (!Contains(c.channels, f.channel)) return false;
    parts.push_back("channel " + f.channel);
  }
  if (c.reach_at_least) {
    if (f.reach < *c.reach_at_least) return false;
    parts.push_back("public post reaching " + std::to_string(f.reach) + " followers");
  }
  reason.clear();
  for (const auto& p : parts) reason += (reason.empty() ? "" : " + ") + p;
  return true;
}

}  // namespace

const char* PriorityName(Priority p) {
  switch (p) {
    case Priority::kP1: return "P1";
    case Priority::kP2: return "P2";
    case Priority::kP3: return "P3";
    case Priority::kP4: break;
  }
  return "P4";
}

absl::StatusOr<std::shared_ptr<const PriorityMatrix>> PriorityMatrix::Parse(const std::string& yaml_text,
                                                                             const std::string& source) {
  return config::LoadYaml([&] { return ParseOrThrow(yaml_text, source); });
}

std::shared_ptr<const PriorityMatrix> PriorityMatrix::ParseOrThrow(const std::string& yaml_text,
                                                                   const std::string& source) {
  const YAML::Node root = config::ParseYaml(yaml_text, source);
  if (!root || root.IsNull()) throw voc::ConfigError(source + ": empty priority file");
  config::RequireMapWithKeys(source, root, "priority file", {"version", "default", "rules"});
  std::shared_ptr<PriorityMatrix> m(new PriorityMatrix());
  m->source_yaml_ = yaml_text;
  m->content_hash_ = config::ContentHash(yaml_text);
  if (root["version"]) m->version_ = config::ScalarString(source, root["version"], "version");
  if (const YAML::Node d = root["default"]) {
    config::RequireMapWithKeys(source, d, "default", {"priority", "reason"});
    if (!d["priority"]) config::FailAt(source, d, "default needs a 'priority'");
    m->default_.priority = ParsePriority(source, d["priority"]);
    if (d["reason"]) m->default_.reason = config::ScalarString(source, d["reason"], "reason");
  }
  const YAML::Node rules = root["rules"];
  if (!rules) config::FailAt(source, root, "missing 'rules'");
  if (!rules.IsSequence()) config::FailAt(source, rules, "'rules' must be a list");
  for (const auto& node : rules) {
    config::RequireMapWithKeys(source, node, "rule", {"when", "priority", "reason"});
    if (!node["when"]) config::FailAt(source, node, "rule without 'when'");
    if (!node["priority"]) config::FailAt(source, node, "rule without 'priority'");
    PriorityRule r;
    r.line = node.Mark().line + 1;
    r.when = ParseCondition(source, node["when"]);
    r.priority = ParsePriority(source, node["priority"]);
    if (node["reason"]) r.reason = config::ScalarString(source, node["reason"], "reason");
    m->rules_.push_back(std::move(r));
  }
  return m;
}

absl::StatusOr<std::shared_ptr<const PriorityMatrix>> PriorityMatrix::LoadFile(const std::string& path) {
  return config::LoadYaml([&] { return ParseOrThrow(config::ReadFile(path), path); });
}

std::shared_ptr<const PriorityMatrix> PriorityMatrix::Default() {
  static const std::shared_ptr<const PriorityMatrix> kDefault = ParseOrThrow(kDefaultMatrix, "<built-in priority matrix>");
  return kDefault;
}

absl::StatusOr<std::shared_ptr<const PriorityMatrix>> PriorityMatrix::LoadFileOrDefault(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return Default();
  return LoadFile(path);
}

absl::StatusOr<std::shared_ptr<const PriorityMatrix>> PriorityStore::Update(const std::string& yaml_text,
                                                                           const std::string& source) {
  auto parsed = PriorityMatrix::Parse(yaml_text, source);
  if (parsed.ok()) holder_.Replace(*parsed);
  return parsed;
}

PriorityDecision PriorityMatrix::Grade(const PriorityFacts& facts) const {
  const PriorityRule* best = nullptr;
  std::string best_reason;
  std::string reason;
  for (const PriorityRule& rule : rules_) {
    if (best && static_cast<int>(rule.priority) >= static_cast<int>(best->priority)) continue;
    if (!Holds(rule.when, facts, reason)) continue;
    best = &rule;
    best_reason = rule.reason.empty() ? reason : rule.reason;
  }
  if (!best) return default_;
  return PriorityDecision{best->priority, std::move(best_reason)};
}

}  // namespace voc::triage
