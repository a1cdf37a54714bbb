#include "services/triage/analysis/redlines/red_lines.h"

#include <algorithm>
#include <unordered_map>

#include "services/triage/analysis/redlines/red_line_context.h"
#include "services/triage/analysis/text/utf8.h"

namespace voc::triage {

bool ParseRedLineCategory(std::string_view name, RedLineCategory& out) {
  if (name == "safety") out = RedLineCategory::kSafety;
  else if (name == "legal") out = RedLineCategory::kLegal;
  else if (name == "regulatory") out = RedLineCategory::kRegulatory;
  else if (name == "pr_crisis") out = RedLineCategory::kPrCrisis;
  else return false;
  return true;
}

const char* RedLineLevelName(RedLineLevel level) {
  return level == RedLineLevel::kWatch ? "watch" : "red_line";
}

RedLineDefaults BuiltInRedLineDefaults() {
  RedLineDefaults d;
  d.negation = {"没有", "没", "未", "并没有", "并未", "不会", "不是", "无", "从未", "从没", "never", "no", "not",
                "nobody", "wasn't", "didn't", "without"};
  d.hypothetical = {"怕", "担心", "万一", "如果", "要是", "假如", "如有", "差点", "差一点", "险些", "会不会",
                    "想让我", "if", "almost", "nearly", "could have", "might"};
  d.units = {"元", "块", "号", "房", "室", "楼", "万", "公里", "米", "像素", "次", "个", "天", "分", "km", "mm"};
  d.first_person = {"我", "俺", "本人", "孩子", "老公", "老婆", "宝宝", "i", "my", "me", "we", "our", "us"};
  d.question = {"吗", "了么"};
  d.rhetorical = {"难道", "岂不是"};
  return d;
}

namespace {

using config::FailAt;

bool ParsePriorityName(std::string_view name, Priority& out) {
  if (name == "P1") out = Priority::kP1;
  else if (name == "P2") out = Priority::kP2;
  else if (name == "P3") out = Priority::kP3;
  else if (name == "P4") out = Priority::kP4;
  else return false;
  return true;
}

bool ParseBool(const std::string& source, const YAML::Node& node, std::string_view what) {
  const std::string v = config::ScalarString(source, node, what);
  if (v == "true" || v == "yes") return true;
  if (v == "false" || v == "no") return false;
  FailAt(source, node, std::string(what) + " must be true or false");
}

int ParseInt(const std::string& source, const YAML::Node& node, std::string_view what, int lo, int hi) {
  const std::string v = config::ScalarString(source, node, what);
  int n = 0;
  try {
    std::size_t used = 0;
    n = std::stoi(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
  } catch (const std::exception&) {
    FailAt(source, node, std::string(what) + " must be a whole number");
  }
  if (n < lo || n > hi)
    FailAt(source, node, std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return n;
}

RedLineOutcome ParseOutcome(const std::string& source, const YAML::Node& node, const YAML::Node& level_node,
                            const std::string& what) {
  RedLineOutcome out;
  const std::string level = level_node ? config::ScalarString(source, level_node, what + ".level") : "red_line";
  if (level == "red_line") {
    out.level = RedLineLevel::kRedLine;
    out.priority = Priority::kP1;
  } else if (level == "watch") {
    out.level = RedLineLevel::kWatch;
    out.priority = Priority::kP2;
  } else {
    FailAt(source, level_node, what + ": unknown level '" + level + "' (allowed: red_line, watch)");
  }
  if (const YAML::Node p = node["priority"]) {
    if (out.level != RedLineLevel::kWatch) FailAt(source, p, what + ": 'priority' is only for level watch (a red line is P1)");
    if (!ParsePriorityName(config::ScalarString(source, p, what + ".priority"), out.priority))
      FailAt(source, p, what + ": priority must be one of P1, P2, P3, P4");
  }
  if (const YAML::Node d = node["department"]) out.department = config::ScalarString(source, d, what + ".department");
  return out;
}

SentimentRequirement ParseSentiment(const std::string& source, const YAML::Node& node, const std::string& what) {
  const std::string v = config::ScalarString(source, node, what);
  if (v == "any") return SentimentRequirement::kAny;
  if (v == "not_positive") return SentimentRequirement::kNotPositive;
  if (v == "negative") return SentimentRequirement::kNegative;
  FailAt(source, node, what + " must be one of any, not_positive, negative");
}

struct ParseState {
  std::string source;
  std::unordered_map<std::string, std::vector<std::string>> contexts;
};

// `with` / `without`: a context's name or a list of words.
std::vector<std::string> WordsOrContext(const ParseState& st, const YAML::Node& node, const std::string& what,
                                        std::string* name) {
  if (node.IsScalar()) {
    auto it = st.contexts.find(node.Scalar());
    if (it == st.contexts.end())
      FailAt(st.source, node, what + ": unknown context '" + node.Scalar() + "' (define it under 'contexts', or give a list)");
    if (name) *name = node.Scalar();
    return it->second;
  }
  return config::StringList(st.source, node, what);
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

RedLineRule ParseTermRule(const ParseState& st, const YAML::Node& node, const std::string& term,
                          const std::string& what, const RedLineRule& category_rule) {
  RedLineRule rule = category_rule;
  rule.line = static_cast<int>(node.Mark().line) + 1;
  if (!node.IsMap()) return rule;
  config::RequireMapWithKeys(st.source, node, what,
                             {"term", "level", "priority", "department", "except", "compounds", "boundary", "number",
                              "with", "without", "near", "negation", "hypothetical", "question", "own_experience",
                              "sentiment", "min_intensity", "otherwise", "second_stage"});
  rule.outcome = ParseOutcome(st.source, node, node["level"], what);
  const std::string bare = term.ends_with("*") ? term.substr(0, term.size() - 1) : term;
  if (const YAML::Node n = node["except"]) {
    rule.except = config::StringList(st.source, n, what + ".except");
    for (std::size_t i = 0; i < rule.except.size(); ++i)
      if (redline_context::LowerAscii(rule.except[i]).find(redline_context::LowerAscii(bare)) == std::string::npos)
        FailAt(st.source, n.IsSequence() ? n[i] : n,
               what + ": except '" + rule.except[i] + "' does not contain the term '" + bare + "'");
  }
  if (const YAML::Node n = node["compounds"]) {
    rule.compounds = config::StringList(st.source, n, what + ".compounds");
    for (std::size_t i = 0; i < rule.compounds.size(); ++i)
      if (rule.compounds[i].find(bare) == std::string::npos)
        FailAt(st.source, n.IsSequence() ? n[i] : n,
               what + ": compound '" + rule.compounds[i] + "' does not contain the term '" + bare + "'");
  }
  if (const YAML::Node n = node["boundary"]) rule.boundary = ParseBool(st.source, n, what + ".boundary");
  if (const YAML::Node n = node["number"]) {
    rule.number = ParseBool(st.source, n, what + ".number");
    if (rule.number && !HasDigit(term)) FailAt(st.source, n, what + ": 'number: true' needs a term with digits");
  }
  if (const YAML::Node n = node["with"]) rule.with = WordsOrContext(st, n, what + ".with", &rule.with_name);
  if (const YAML::Node n = node["without"]) rule.without = WordsOrContext(st, n, what + ".without", nullptr);
  if (const YAML::Node n = node["near"]) {
    rule.near = ParseInt(st.source, n, what + ".near", 0, 200);
    if (!node["with"] && !node["without"]) FailAt(st.source, n, what + ": 'near' needs 'with' or 'without'");
  }
  if (const YAML::Node n = node["negation"]) rule.negation = ParseBool(st.source, n, what + ".negation");
  if (const YAML::Node n = node["hypothetical"]) rule.hypothetical = ParseBool(st.source, n, what + ".hypothetical");
  if (const YAML::Node n = node["question"]) rule.question = ParseBool(st.source, n, what + ".question");
  if (const YAML::Node n = node["own_experience"]) rule.own_experience = ParseBool(st.source, n, what + ".own_experience");
  if (const YAML::Node n = node["sentiment"]) rule.sentiment = ParseSentiment(st.source, n, what + ".sentiment");
  if (const YAML::Node n = node["min_intensity"]) rule.min_intensity = ParseInt(st.source, n, what + ".min_intensity", 0, 3);
  if (const YAML::Node n = node["second_stage"]) rule.second_stage = ParseBool(st.source, n, what + ".second_stage");
  if (const YAML::Node n = node["otherwise"]) {
    if (!node["with"]) FailAt(st.source, n, what + ": 'otherwise' needs 'with' (it is the level when 'with' fails)");
    config::RequireMapWithKeys(st.source, n, what + ".otherwise", {"level", "priority", "department"});
    if (!n["level"]) FailAt(st.source, n, what + ".otherwise: missing 'level'");
    rule.otherwise = ParseOutcome(st.source, n, n["level"], what + ".otherwise");
  }
  return rule;
}

RedLineDefaults ParseDefaults(const std::string& source, const YAML::Node& node) {
  RedLineDefaults d = BuiltInRedLineDefaults();
  if (!node) return d;
  config::RequireMapWithKeys(source, node, "defaults", {"negation", "hypothetical", "question", "rhetorical", "units", "first_person", "window"});
  if (node["negation"]) d.negation = config::StringList(source, node["negation"], "defaults.negation");
  if (node["hypothetical"]) d.hypothetical = config::StringList(source, node["hypothetical"], "defaults.hypothetical");
  if (node["question"]) d.question = config::StringList(source, node["question"], "defaults.question");
  if (node["rhetorical"]) d.rhetorical = config::StringList(source, node["rhetorical"], "defaults.rhetorical");
  if (node["units"]) d.units = config::StringList(source, node["units"], "defaults.units");
  if (node["first_person"]) d.first_person = config::StringList(source, node["first_person"], "defaults.first_person");
  if (node["window"]) d.window = ParseInt(source, node["window"], "defaults.window", 1, 50);
  for (auto* list : {&d.negation, &d.hypothetical, &d.question, &d.rhetorical, &d.units, &d.first_person})
    for (auto& w : *list) w = redline_context::LowerAscii(w);
  return d;
}

// Throws voc::ConfigError at the first problem; Parse returns it as a status.
std::shared_ptr<const RedLineList> ParseOrThrow(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = config::ParseYaml(yaml_text, source);
  if (!root || root.IsNull()) throw voc::ConfigError(source + ": empty red-line file");
  config::RequireMapWithKeys(source, root, "red-line file", {"version", "defaults", "contexts", "categories"});
  if (!root["version"]) config::FailAt(source, root, "missing 'version'");
  const std::string version = config::ScalarString(source, root["version"], "version");
  const RedLineDefaults defaults = ParseDefaults(source, root["defaults"]);
  ParseState st{source, {}};
  if (const YAML::Node contexts = root["contexts"]) {
    if (!contexts.IsMap()) FailAt(source, contexts, "'contexts' must be a map of name: [words]");
    for (const auto& entry : contexts) {
      auto words = config::StringList(source, entry.second, "contexts." + entry.first.Scalar());
      if (words.empty()) FailAt(source, entry.second, "context '" + entry.first.Scalar() + "' is empty");
      st.contexts[entry.first.Scalar()] = std::move(words);
    }
  }
  const YAML::Node categories = root["categories"];
  if (!categories) config::FailAt(source, root, "missing 'categories'");
  config::RequireMapWithKeys(source, categories, "categories", {"safety", "legal", "regulatory", "pr_crisis"});
  if (categories.size() == 0) config::FailAt(source, categories, "'categories' is empty");

  std::vector<RedLineTerm> terms;
  for (const auto& entry : categories) {
    const std::string name = entry.first.Scalar();
    RedLineCategory category{};
    ParseRedLineCategory(name, category);
    RedLineRule category_rule;
    YAML::Node list = entry.second;
    if (list.IsMap()) {
      // {sentiment: ..., min_intensity: ..., own_experience: ..., terms: [...]}
      config::RequireMapWithKeys(source, list, name, {"sentiment", "min_intensity", "own_experience", "terms"});
      if (list["sentiment"]) category_rule.sentiment = ParseSentiment(source, list["sentiment"], name + ".sentiment");
      if (list["min_intensity"]) category_rule.min_intensity = ParseInt(source, list["min_intensity"], name + ".min_intensity", 0, 3);
      if (list["own_experience"]) category_rule.own_experience = ParseBool(source, list["own_experience"], name + ".own_experience");
      if (!list["terms"]) FailAt(source, list, "category '" + name + "' needs 'terms'");
      list = list["terms"];
    }
    if (!list.IsSequence()) FailAt(source, list, "category '" + name + "' must be a list of terms");
    if (list.size() == 0) config::FailAt(source, list, "category '" + name + "' has no terms");
    std::unordered_map<std::string, int> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string what = name + "[" + std::to_string(i) + "]";
      std::string term;
      if (item.IsScalar()) {
        term = item.Scalar();
      } else if (item.IsMap()) {
        if (!item["term"]) FailAt(source, item, what + ": missing 'term'");
        term = config::ScalarString(source, item["term"], what + ".term");
      } else {
        FailAt(source, item, what + " must be a term or a map with 'term'");
      }
      if (term.empty() || term == "*") FailAt(source, item, what + ": empty term");
      RedLineRule rule = ParseTermRule(st, item, term, what + " ('" + term + "')", category_rule);
      // The same term twice is allowed only with different `with` (a
      // co-occurrence and its fallback are written as separate entries).
      const std::string key = term + "\x1f" + rule.with_name + "\x1f" + std::to_string(rule.with.size());
      if (!seen.emplace(key, rule.line).second)
        config::FailAt(source, item, "term '" + term + "' listed twice in '" + name + "'");
      terms.push_back(RedLineTerm{category, term, std::move(rule)});
    }
  }
  return RedLineList::FromSource(std::move(terms), version, yaml_text, defaults, source);
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
                                                           const std::string& yaml_text, RedLineDefaults defaults,
                                                           std::string source) {
  auto result = FromTerms(std::move(terms), std::move(version), std::move(defaults));
  auto mutable_result = std::const_pointer_cast<RedLineList>(result);
  mutable_result->source_yaml_ = yaml_text;
  mutable_result->source_ = std::move(source);
  mutable_result->content_hash_ = config::ContentHash(yaml_text);
  return result;
}

std::shared_ptr<const RedLineList> RedLineList::FromTerms(std::vector<RedLineTerm> terms, std::string version,
                                                          RedLineDefaults defaults) {
  std::shared_ptr<RedLineList> list(new RedLineList());
  list->terms_ = std::move(terms);
  list->version_ = std::move(version);
  list->defaults_ = std::move(defaults);
  std::string fingerprint = list->version_;
  for (const auto& t : list->terms_) fingerprint += "\n" + std::to_string(static_cast<int>(t.category)) + t.term;
  list->content_hash_ = config::ContentHash(fingerprint);
  list->Compile();
  return list;
}

void RedLineList::Compile() {
  MultiPatternMatcher::Builder builder;
  for (auto& t : terms_) {
    // Matching is on the normalised (lower-cased) text.
    for (auto* words : {&t.rule.except, &t.rule.compounds, &t.rule.with, &t.rule.without})
      for (auto& w : *words) w = redline_context::LowerAscii(w);
  }
  for (std::uint32_t i = 0; i < terms_.size(); ++i) {
    const std::uint32_t id = builder.Add(terms_[i].term);
    if (terms_by_pattern_.size() <= id) terms_by_pattern_.resize(id + 1);
    terms_by_pattern_[id].push_back(i);
  }
  matcher_ = builder.Build();
}

std::vector<RedLineHit> RedLineList::Candidates(std::string_view text) const {
  std::vector<RedLineHit> hits;
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    for (std::uint32_t t : terms_by_pattern_[id])
      hits.push_back(RedLineHit{terms_[t].category, terms_[t].term, begin, end, RedLineLevel::kRedLine, {}, Priority::kP1,
                                {}, terms_[t].rule.second_stage});
  });
  std::sort(hits.begin(), hits.end(), [](const RedLineHit& a, const RedLineHit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.category != b.category) return a.category < b.category;
    return a.end < b.end;
  });
  return hits;
}

bool RedLineList::Confirm(const RedLineTerm& term, std::string_view text, std::size_t begin, std::size_t end,
                          const RedLineContext& context, RedLineOutcome& outcome, std::string& why) const {
  using namespace redline_context;
  const RedLineRule& rule = term.rule;
  std::vector<std::string> passed;
  const auto drop = [&](const std::string& reason) {
    why = source_ + ":" + std::to_string(rule.line) + ": dropped: " + reason;
    return false;
  };
  if (AnyCovers(text, begin, end, rule.except)) return drop("an excepted longer phrase");
  if (rule.number) {
    if (!IsStandaloneNumber(text, begin, end, defaults_.units)) return drop("part of a longer number, an id or an amount");
    passed.push_back("whole number");
  }
  if (rule.boundary && StartsOrEndsWithHan(term.term)) {
    if (!StartsOnWordBoundary(text, begin, end) && !AnyCovers(text, begin, end, rule.compounds))
      return drop("inside a longer word");
    passed.push_back("whole word");
  }
  // A question particle right after the term, in its clause (冷库着火了吗, 是我买到变质的了吗), asks;
  // after a negation or a rhetorical cue it asserts (这不是欺诈吗 is "this is fraud", 难道过敏了吗
  // "surely an allergy"): the rhetorical question counts. Only within 3 units: in 卖假货不怕被查吗
  // the question is about something else.
  constexpr int kQuestionWindow = 3;
  const bool asked = rule.question && CueAfter(text, end, defaults_.question, kQuestionWindow);
  const bool rhetorical =
      asked && CueBefore(text, begin, defaults_.rhetorical, defaults_.window, /*stop_at_comma=*/true);
  const bool negated =
      rule.negation && CueBefore(text, begin, defaults_.negation, defaults_.window, /*stop_at_comma=*/true);
  if (negated && !asked) return drop("negated");
  if (asked && !negated && !rhetorical) return drop("a question");
  if (asked) {
    passed.push_back("rhetorical question");
  } else if (rule.negation) {
    passed.push_back("not negated");
  }
  if (rule.hypothetical) {
    if (CueBefore(text, begin, defaults_.hypothetical, defaults_.window * 2, /*stop_at_comma=*/true))
      return drop("hypothetical");
  }
  if (rule.own_experience) {
    if (!ContainsAnyWord(text, 0, text.size(), defaults_.first_person)) return drop("not the customer's own experience");
    passed.push_back("first person");
  }
  if (context.known) {
    if (rule.sentiment == SentimentRequirement::kNegative && context.sentiment != SentimentLabel::kNegative)
      return drop("sentiment not negative");
    if (rule.sentiment == SentimentRequirement::kNotPositive && context.sentiment == SentimentLabel::kPositive)
      return drop("sentiment positive");
    if (context.intensity < rule.min_intensity) return drop("intensity below " + std::to_string(rule.min_intensity));
    if (rule.sentiment != SentimentRequirement::kAny) passed.push_back(std::string("sentiment ") + SentimentLabelName(context.sentiment));
    if (rule.min_intensity > 0) passed.push_back("intensity " + std::to_string(context.intensity));
  }
  const auto [from, to] = rule.near > 0 ? NearSpan(text, begin, end, rule.near)
                                        : std::pair<std::size_t, std::size_t>{0, text.size()};
  if (!rule.without.empty() && ContainsAnyWord(text, from, to, rule.without)) return drop("an excluded context word");
  outcome = rule.outcome;
  if (!rule.with.empty()) {
    const std::string* found = FirstWordIn(text, from, to, rule.with);
    if (found) {
      passed.push_back("with \"" + *found + "\"" + (rule.with_name.empty() ? "" : " (" + rule.with_name + ")"));
    } else if (rule.otherwise) {
      outcome = *rule.otherwise;
      passed.push_back("without " + (rule.with_name.empty() ? std::string("its context words") : rule.with_name));
    } else {
      return drop("no context word" + (rule.with_name.empty() ? std::string() : " (" + rule.with_name + ")"));
    }
  }
  why = source_ + ":" + std::to_string(rule.line) + ": ";
  for (std::size_t i = 0; i < passed.size(); ++i) why += (i ? "; " : "") + passed[i];
  if (passed.empty()) why += "listed term";
  return true;
}

RedLineDecision RedLineList::Decide(std::string_view text, const RedLineContext& context) const {
  RedLineDecision decision;
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    for (std::uint32_t t : terms_by_pattern_[id]) {
      const RedLineTerm& term = terms_[t];
      RedLineOutcome outcome;
      std::string why;
      if (!Confirm(term, text, begin, end, context, outcome, why)) continue;
      RedLineHit hit{term.category, term.term, begin, end, outcome.level, std::move(why), outcome.priority,
                     outcome.department, term.rule.second_stage};
      (outcome.level == RedLineLevel::kWatch ? decision.watch : decision.red_lines).push_back(std::move(hit));
    }
  });
  const auto by_span = [](const RedLineHit& a, const RedLineHit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.category != b.category) return a.category < b.category;
    return a.end < b.end;
  };
  std::sort(decision.red_lines.begin(), decision.red_lines.end(), by_span);
  std::sort(decision.watch.begin(), decision.watch.end(), by_span);
  // A term listed twice (a co-occurrence and its fallback) gives one hit per
  // span: the red line wins over the watch.
  std::erase_if(decision.watch, [&](const RedLineHit& w) {
    return std::any_of(decision.red_lines.begin(), decision.red_lines.end(), [&](const RedLineHit& r) {
      return r.begin == w.begin && r.end == w.end && r.term == w.term;
    });
  });
  const auto same = [](const RedLineHit& a, const RedLineHit& b) {
    return a.begin == b.begin && a.end == b.end && a.term == b.term && a.category == b.category;
  };
  decision.red_lines.erase(std::unique(decision.red_lines.begin(), decision.red_lines.end(), same),
                           decision.red_lines.end());
  decision.watch.erase(std::unique(decision.watch.begin(), decision.watch.end(), same), decision.watch.end());
  return decision;
}

std::vector<RedLineExplanation> RedLineList::Explain(std::string_view text, const RedLineContext& context) const {
  std::vector<RedLineExplanation> out;
  matcher_.ForEachMatch(text, [&](std::uint32_t id, std::size_t begin, std::size_t end) {
    for (std::uint32_t t : terms_by_pattern_[id]) {
      const RedLineTerm& term = terms_[t];
      RedLineOutcome outcome;
      RedLineExplanation e;
      e.confirmed = Confirm(term, text, begin, end, context, outcome, e.hit.rule);
      e.hit.category = term.category;
      e.hit.term = term.term;
      e.hit.begin = begin;
      e.hit.end = end;
      e.hit.level = outcome.level;
      e.hit.priority = outcome.priority;
      e.hit.department = outcome.department;
      e.hit.second_stage = term.rule.second_stage;
      out.push_back(std::move(e));
    }
  });
  return out;
}

void ApplyRedLines(const RedLineList& list, std::string_view normalized_text, Analysis& analysis) {
  RedLineContext context;
  context.known = true;
  context.sentiment = analysis.sentiment;
  context.intensity = analysis.intensity;
  RedLineDecision decision = list.Decide(normalized_text, context);
  analysis.red_lines = std::move(decision.red_lines);
  analysis.red_line_watch = std::move(decision.watch);
}

void ApplyRedLineWatch(Analysis& analysis) {
  const RedLineHit* most_urgent = nullptr;
  for (const auto& w : analysis.red_line_watch)
    if (!most_urgent || w.priority < most_urgent->priority) most_urgent = &w;
  if (!most_urgent || most_urgent->priority >= analysis.priority) return;
  analysis.priority = most_urgent->priority;
  analysis.priority_reason = std::string("red-line watch: ") + RedLineCategoryName(most_urgent->category) + " \"" +
                             most_urgent->term + "\"";
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
    const bool any_now = now[0] || now[1] || now[2] || now[3];
    const bool any_next = next[0] || next[1] || next[2] || next[3];
    preview.any_current += any_now;
    preview.any_candidate += any_next;
    preview.any_gained += any_next && !any_now;
    preview.any_lost += any_now && !any_next;
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
