#include "services/triage/analysis/sentiment/lexicon_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::sentiment {
namespace {

// What one lexicon word or phrase means to the rules. A word may play several
// roles: "垃圾" is negative and an insult, "好" is positive and a degree word.
struct Entry {
  float weight = 0.0f;
  bool has_weight = false;
  float degree = 0.0f;  // multiplier for the next sentiment word; 0 = not a degree word
  bool negator = false;
  bool contrast = false;    // "但是", "but": what follows outweighs what came before
  bool concession = false;  // "虽然", "although": this clause weighs less
  bool summary = false;     // "总的来说", "overall": the verdict, outweighs the details before it
  bool question = false;    // "吗", "why": positive words in the clause are doubtful
  bool threat = false;      // to leave, complain to regulators, go to the media
  bool insult = false;
  bool anger = false;       // other anger cues ("气死", "furious")
};

constexpr int kNegationScopeZh = 3;  // units (characters or lexicon words) a negator reaches
constexpr int kNegationScopeEn = 4;  // words
constexpr int kDegreeScope = 3;
constexpr double kNegatedPositiveFactor = -0.8;  // "不好": clearly negative
constexpr double kNegatedNegativeFactor = 0.5;   // "不差", "not bad": mildly positive
constexpr double kSoftenedByNegationDegree = 0.6;  // "不太好": weaker than "不好"
constexpr double kQuestionPositiveFactor = 0.2;  // "好吃吗?" is not praise
constexpr double kContrastEarlierFactor = 0.5;   // what came before "但是"
constexpr double kContrastLaterWeight = 1.4;     // what comes after it
constexpr double kConcessionWeight = 0.5;        // the "虽然" clause
constexpr double kSummaryEarlierFactor = 0.5;    // details listed before "总的来说"
constexpr double kSummaryWeight = 2.5;           // the verdict after it
// A longer review usually opens with its overall impression ("酒店不错，..."), then
// lists details, small faults included: the first opinionated clause counts
// this much extra once the text has at least kMinClausesForOpening of them.
constexpr double kOpeningClauseExtra = 1.5;
constexpr int kMinClausesForOpening = 3;
constexpr double kExclamationFactor = 1.2;
constexpr double kStrongNegative = -2.5;         // a word this negative is a complaint on its own
// An English negation that finds no sentiment word ("can't check in", "still haven't
// received", "no reply") is itself a mild complaint in customer feedback.
constexpr double kUnresolvedNegationEn = -1.0;
constexpr double kUnresolvedNegationZh = 0.0;
// Emoticons typed as punctuation (":(", ":-)"), found in the normalised text.
constexpr double kEmoticonWeight = 1.5;

bool IsClauseBreak(std::string_view punct) {
  static constexpr std::string_view kBreaks[] = {",", ".", "!", "?", ";", ":", "~", "。", "、", "…", "—", "｡", "､"};
  for (const auto b : kBreaks) {
    if (punct == b) return true;
  }
  return false;
}

bool IsAdjacent(std::string_view a, std::string_view b) { return a.data() + a.size() == b.data(); }

}  // namespace

class LexiconModel::Lexicon {
 public:
  void Load(const std::string& sentiment_path, const std::string& rules_path, const text::Normalizer& normalizer) {
    ReadTsv(sentiment_path, normalizer, [&](const std::vector<std::string>& f, const std::string& key, int line) {
      if (f.size() != 2) Fail(sentiment_path, line, "expected: word<TAB>weight");
      Entry& e = entries_[key];
      e.weight = ParseNumber(f[1], sentiment_path, line);
      if (e.weight < -3 || e.weight > 3) Fail(sentiment_path, line, "weight must be in [-3, 3]");
      e.has_weight = true;
    });
    ReadTsv(rules_path, normalizer, [&](const std::vector<std::string>& f, const std::string& key, int line) {
      const std::string& kind = f[0];
      Entry& e = entries_[key];
      if (kind == "degree") {
        if (f.size() != 3) Fail(rules_path, line, "expected: degree<TAB>word<TAB>multiplier");
        e.degree = ParseNumber(f[2], rules_path, line);
      } else if (f.size() != 2) {
        Fail(rules_path, line, "expected: kind<TAB>word");
      } else if (kind == "negator") {
        e.negator = true;
      } else if (kind == "contrast") {
        e.contrast = true;
      } else if (kind == "concession") {
        e.concession = true;
      } else if (kind == "summary") {
        e.summary = true;
      } else if (kind == "question") {
        e.question = true;
      } else if (kind == "threat") {
        e.threat = true;
      } else if (kind == "insult") {
        e.insult = true;
      } else if (kind == "anger") {
        e.anger = true;
      } else {
        Fail(rules_path, line, "unknown kind '" + kind + "'");
      }
    }, /*key_field=*/1);
    for (const auto& [word, entry] : entries_) {
      const std::size_t length = text::CountCodePoints(word);
      max_codepoints_ = std::max(max_codepoints_, length);
      max_words_ = std::max<std::size_t>(max_words_, 1 + std::count(word.begin(), word.end(), ' '));
      std::size_t pos = 0;
      const char32_t first = text::DecodeUtf8(word, pos);
      if (first >= kHanFirst && first <= kHanLast) {
        auto& longest = longest_by_first_han_[first - kHanFirst];
        longest = static_cast<std::uint8_t>(std::min<std::size_t>(std::max<std::size_t>(longest, length), 255));
      }
    }
  }

  // The longest entry starting with `first` (in code points): most characters
  // start no entry or only short ones, so the longest match tries few lengths.
  std::size_t LongestStartingWith(char32_t first) const {
    if (first >= kHanFirst && first <= kHanLast) return longest_by_first_han_[first - kHanFirst];
    return max_codepoints_;
  }

  const Entry* Find(std::string_view word) const {
    auto it = entries_.find(word);
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::size_t max_codepoints() const { return max_codepoints_; }
  static constexpr char32_t kHanFirst = 0x3400, kHanLast = 0x9FFF;
  std::size_t max_words() const { return max_words_; }
  std::vector<std::string> Words() const {
    std::vector<std::string> words;
    for (const auto& [word, entry] : entries_) words.push_back(word);
    return words;
  }

 private:
  template <typename OnFields>
  static void ReadTsv(const std::string& path, const text::Normalizer& normalizer, OnFields on_fields,
                      int key_field = 0) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open lexicon file " + path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (const auto hash = line.find('#'); hash != std::string::npos && (hash == 0 || line[hash - 1] == '\t' ||
                                                                             line[hash - 1] == ' ')) {
        line.resize(hash);  // a comment; '#' inside a word ("#fail") is kept
      }
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
      if (line.empty()) continue;
      std::vector<std::string> fields;
      std::stringstream stream(line);
      for (std::string field; std::getline(stream, field, '\t');) {
        if (!field.empty()) fields.push_back(field);
      }
      if (static_cast<int>(fields.size()) <= key_field) Fail(path, number, "missing word");
      const std::string key = normalizer.Normalize(fields[key_field]).text;
      if (key.empty()) Fail(path, number, "word is empty after normalisation");
      on_fields(fields, key, number);
    }
  }

  static float ParseNumber(const std::string& field, const std::string& path, int line) {
    char* end = nullptr;
    const float value = std::strtof(field.c_str(), &end);
    if (end == field.c_str() || *end != '\0') Fail(path, line, "not a number: '" + field + "'");
    return value;
  }

  [[noreturn]] static void Fail(const std::string& path, int line, const std::string& what) {
    throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
  }

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
  std::size_t max_codepoints_ = 1;
  std::size_t max_words_ = 1;
  std::vector<std::uint8_t> longest_by_first_han_ = std::vector<std::uint8_t>(kHanLast - kHanFirst + 1, 0);
};

namespace {

// The text as the rules see it: lexicon hits, filler (unknown words, which
// still use up a negation's reach) and clause breaks.
struct Unit {
  std::string_view text;
  const Entry* entry = nullptr;
  bool clause_break = false;
  bool question_mark = false;
  bool exclamation = false;
  bool chinese = false;
};

void AppendHanUnits(std::string_view span, const LexiconModel::Lexicon& lexicon, std::vector<Unit>& units) {
  std::size_t pos = 0;
  std::size_t ends[16];
  while (pos < span.size()) {
    std::size_t first_end = pos;
    const std::size_t limit = std::min<std::size_t>(lexicon.LongestStartingWith(text::DecodeUtf8(span, first_end)), 16);
    std::size_t count = 0, scan = pos;
    while (count < limit && scan < span.size()) {
      text::DecodeUtf8(span, scan);
      ends[count++] = scan;
    }
    if (count == 0) ends[0] = first_end;  // no entry starts with this character: a unit of its own
    Unit unit{span.substr(pos, ends[0] - pos), nullptr};
    unit.chinese = true;
    for (std::size_t n = count; n >= 1; --n) {
      if (const Entry* e = lexicon.Find(span.substr(pos, ends[n - 1] - pos))) {
        unit.text = span.substr(pos, ends[n - 1] - pos);
        unit.entry = e;
        break;
      }
    }
    pos += unit.text.size();
    units.push_back(unit);
  }
}

// English words: the longest phrase first ("not bad", "waste of time"), then the
// word, then forms without a leading #/@ or with doubled letters undone ("baad").
std::size_t AppendWordUnit(const std::vector<Token>& tokens, std::size_t i, const LexiconModel::Lexicon& lexicon,
                           std::vector<Unit>& units) {
  std::size_t words = 1;
  while (words < lexicon.max_words() && i + words < tokens.size() &&
         tokens[i + words].kind == text::TokenKind::kWord) {
    ++words;
  }
  for (std::size_t n = words; n >= 2; --n) {
    std::string phrase(tokens[i].text);
    for (std::size_t k = 1; k < n; ++k) phrase.append(" ").append(tokens[i + k].text);
    if (const Entry* e = lexicon.Find(phrase)) {
      const char* begin = tokens[i].text.data();
      const char* end = tokens[i + n - 1].text.data() + tokens[i + n - 1].text.size();
      units.push_back({std::string_view(begin, end - begin), e});
      return n;
    }
  }
  std::string_view word = tokens[i].text;
  const Entry* e = lexicon.Find(word);
  if (!e && (word.front() == '#' || word.front() == '@') && word.size() > 1) {
    if (word.front() == '@') {
      units.push_back({word, nullptr});  // a mention names someone; it carries no sentiment
      return 1;
    }
    word.remove_prefix(1);
    e = lexicon.Find(word);
  }
  if (!e && word.size() > 2) {
    std::string undoubled;
    for (const char c : word) {
      if (undoubled.empty() || undoubled.back() != c) undoubled.push_back(c);
    }
    if (undoubled.size() != word.size()) e = lexicon.Find(undoubled);
  }
  if (!e && word.size() > 2 && word.ends_with("'s")) e = lexicon.Find(word.substr(0, word.size() - 2));
  units.push_back({tokens[i].text, e});
  return 1;
}

std::vector<Unit> BuildUnits(const std::vector<Token>& tokens, const LexiconModel::Lexicon& zh,
                             const LexiconModel::Lexicon& en) {
  std::vector<Unit> units;
  units.reserve(tokens.size() * 2);
  for (std::size_t i = 0; i < tokens.size();) {
    const Token& token = tokens[i];
    switch (token.kind) {
      case text::TokenKind::kHan: {
        // Re-join the segmenter's words: the lexicon knows phrases that cross them ("没有问题").
        std::size_t j = i + 1;
        while (j < tokens.size() && tokens[j].kind == text::TokenKind::kHan && IsAdjacent(tokens[j - 1].text, tokens[j].text)) ++j;
        const char* begin = token.text.data();
        const char* end = tokens[j - 1].text.data() + tokens[j - 1].text.size();
        AppendHanUnits(std::string_view(begin, end - begin), zh, units);
        i = j;
        continue;
      }
      case text::TokenKind::kWord:
        i += AppendWordUnit(tokens, i, en, units);
        continue;
      case text::TokenKind::kEmoji: {
        const Entry* e = en.Find(token.text);
        units.push_back({token.text, e ? e : zh.Find(token.text)});
        break;
      }
      case text::TokenKind::kPunct:
        if (IsClauseBreak(token.text)) {
          Unit unit{token.text, nullptr, true};
          unit.question_mark = token.text == "?";
          unit.exclamation = token.text == "!";
          units.push_back(unit);
        }
        break;
      case text::TokenKind::kUrl:
        break;
      default:
        units.push_back({token.text, nullptr});
    }
    ++i;
  }
  return units;
}

struct Contribution {
  std::string words;
  double value = 0.0;
};

}  // namespace

struct LexiconModel::Evaluation {
  double raw = 0.0;
  int threats = 0;
  int insults = 0;
  int anger_cues = 0;
  double most_negative_word = 0.0;
  std::vector<Contribution> contributions;
  std::vector<std::string> cue_words;
};

LexiconModel::LexiconModel(std::unique_ptr<Lexicon> zh, std::unique_ptr<Lexicon> en, LexiconModelOptions options)
    : zh_(std::move(zh)), en_(std::move(en)), options_(options) {}
LexiconModel::~LexiconModel() = default;

std::unique_ptr<LexiconModel> LexiconModel::FromDirectory(const std::string& directory,
                                                          const text::Normalizer& normalizer,
                                                          LexiconModelOptions options) {
  auto zh = std::make_unique<Lexicon>();
  zh->Load(directory + "/zh_sentiment.tsv", directory + "/zh_rules.tsv", normalizer);
  auto en = std::make_unique<Lexicon>();
  en->Load(directory + "/en_sentiment.tsv", directory + "/en_rules.tsv", normalizer);
  return std::unique_ptr<LexiconModel>(new LexiconModel(std::move(zh), std::move(en), options));
}

std::vector<std::string> LexiconModel::ChineseWords() const { return zh_->Words(); }

void LexiconModel::Evaluate(const NormalizedText& text, const std::vector<Token>& tokens, Evaluation& out,
                            bool want_evidence, const std::vector<text::ClauseSpan>* clauses,
                            std::vector<ClauseReading>* readings) const {
  const std::vector<Unit> units = BuildUnits(tokens, *zh_, *en_);
  // Per-clause attribution (ScoreWithClauses): each weighted word and each
  // unresolved negation counts for the clause it stands in.
  const bool per_clause = clauses && readings && !clauses->empty();
  if (per_clause) readings->assign(clauses->size(), ClauseReading{});
  const auto clause_of = [&](std::string_view unit_text) {
    return text::ClauseIndexAt(*clauses, static_cast<std::size_t>(unit_text.data() - text.text.data()));
  };
  std::size_t negator_clause = 0;

  double total = 0.0;           // closed clauses
  double clause_positive = 0.0, clause_negative = 0.0;
  double clause_weight = 1.0;   // 1, or more after a contrast word
  double after_contrast_weight = 1.0;
  bool clause_question = false;
  int negation_left = 0;
  bool negated = false;
  std::string_view negator_text;
  double degree = 1.0;
  int degree_left = 0;
  bool degree_after_negator = false;
  std::string_view degree_text;
  double pending_negation = 0.0;  // the unresolved-negation penalty currently counted
  double first_clause = 0.0;  // the opening impression
  int opinion_clauses = 0;    // clauses with any sentiment

  const auto close_clause = [&](bool question_mark, bool exclamation) {
    double positive = clause_positive;
    if (question_mark || clause_question) positive *= kQuestionPositiveFactor;
    double clause = positive + clause_negative;
    if (exclamation) clause *= kExclamationFactor;
    total += clause_weight * clause;
    if (clause != 0.0) {
      if (opinion_clauses == 0) first_clause = clause_weight * clause;
      ++opinion_clauses;
    }
    clause_positive = clause_negative = 0.0;
    clause_question = false;
    clause_weight = after_contrast_weight;
    negation_left = degree_left = 0;
    negated = false;
    degree = 1.0;
    pending_negation = 0.0;
  };

  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& unit = units[i];
    if (unit.clause_break) {
      close_clause(unit.question_mark, unit.exclamation);
      if (unit.text == "." || unit.text == "。") after_contrast_weight = 1.0;  // a new sentence
      continue;
    }
    const Entry* e = unit.entry;
    const bool had_negation = negation_left > 0;
    const bool had_degree = degree_left > 0;
    if (negation_left > 0) --negation_left;
    if (degree_left > 0) --degree_left;
    if (!had_negation) {
      negated = false;
      pending_negation = 0.0;  // the penalty stays: nothing it could negate came
    }
    if (!had_degree) degree = 1.0;
    if (e == nullptr) continue;

    if (e->threat) {
      ++out.threats;
      if (want_evidence) out.cue_words.emplace_back(unit.text);
      if (per_clause) ++(*readings)[clause_of(unit.text)].threats;
    }
    if (e->insult) {
      ++out.insults;
      if (want_evidence) out.cue_words.emplace_back(unit.text);
    }
    if (e->anger) ++out.anger_cues;
    if (e->question) clause_question = true;
    if (e->contrast) {
      total *= kContrastEarlierFactor;
      clause_positive *= kContrastEarlierFactor;
      clause_negative *= kContrastEarlierFactor;
      clause_weight = after_contrast_weight = kContrastLaterWeight;
      continue;
    }
    if (e->concession) {
      clause_weight = kConcessionWeight;
      continue;
    }
    if (e->summary) {
      total *= kSummaryEarlierFactor;
      clause_positive *= kSummaryEarlierFactor;
      clause_negative *= kSummaryEarlierFactor;
      clause_weight = after_contrast_weight = kSummaryWeight;
      continue;
    }
    if (e->negator) {
      const double unresolved = unit.chinese ? kUnresolvedNegationZh : kUnresolvedNegationEn;
      if (!(had_negation && negated)) {
        clause_negative += unresolved;  // taken back if a sentiment word follows within reach
        pending_negation = unresolved;
        if (per_clause) {
          negator_clause = clause_of(unit.text);
          (*readings)[negator_clause].raw += unresolved;
        }
      }
      negated = !(had_negation && negated);
      negation_left = unit.chinese ? kNegationScopeZh : kNegationScopeEn;
      negator_text = unit.text;
      degree_after_negator = false;
      continue;
    }
    // "好" before a sentiment word is a degree word ("好慢"), elsewhere it is praise.
    const bool next_is_sentiment = i + 1 < units.size() && units[i + 1].entry && units[i + 1].entry->has_weight &&
                                   units[i + 1].entry->weight != 0 && IsAdjacent(unit.text, units[i + 1].text);
    if (e->degree != 0 && (!e->has_weight || next_is_sentiment)) {
      degree = had_degree ? degree * e->degree : e->degree;
      degree_left = kDegreeScope;
      degree_text = unit.text;
      degree_after_negator = negation_left > 0;
      continue;
    }
    if (!e->has_weight || e->weight == 0) continue;

    double value = e->weight;
    if (had_negation && negated) {
      clause_negative -= pending_negation;
      if (per_clause) (*readings)[negator_clause].raw -= pending_negation;
      pending_negation = 0.0;
      const double strength = (had_degree && degree_after_negator) ? kSoftenedByNegationDegree
                                                                   : (had_degree ? degree : 1.0);
      value = value > 0 ? kNegatedPositiveFactor * value * strength : kNegatedNegativeFactor * -value;
    } else if (had_degree) {
      value *= degree;
    }
    if (value < 0) {
      clause_negative += value;
      out.most_negative_word = std::min<double>(out.most_negative_word, e->weight);
    } else {
      clause_positive += value;
    }
    if (want_evidence || per_clause) {
      std::string words;
      if (had_degree && !degree_text.empty()) words.append(degree_text).append(" ");
      if (had_negation && negated) words.append(negator_text).append(" ");
      words.append(unit.text);
      if (per_clause) {
        ClauseReading& reading = (*readings)[clause_of(unit.text)];
        reading.raw += value;
        reading.evidence.push_back(words);
      }
      if (want_evidence) out.contributions.push_back({std::move(words), value});
    }
    negation_left = degree_left = 0;
    negated = false;
    degree = 1.0;
  }
  close_clause(false, false);
  if (opinion_clauses >= kMinClausesForOpening) total += kOpeningClauseExtra * first_clause;
  // Emoticons are split into punctuation by the segmenter: look for them in the
  // text, standing alone (not inside "http://" or "10:30").
  if (text.text.find(':') != std::string::npos || text.text.find(';') != std::string::npos) {
    static constexpr std::pair<std::string_view, double> kEmoticons[] = {
        {":(", -1}, {":-(", -1}, {":'(", -1}, {":)", 1}, {":-)", 1}, {":d", 1}, {":-d", 1}, {";)", 1}, {";-)", 1}, {"<3", 1}, {"&lt;3", 1}};
    const std::string& t = text.text;
    for (const auto& [emoticon, sign] : kEmoticons) {
      for (std::size_t at = t.find(emoticon); at != std::string::npos; at = t.find(emoticon, at + 1)) {
        const std::size_t end = at + emoticon.size();
        const bool alone_before = at == 0 || t[at - 1] == ' ';
        const bool alone_after = end == t.size() || !std::isalnum(static_cast<unsigned char>(t[end]));
        if (!alone_before || !alone_after) continue;
        total += sign * kEmoticonWeight;
        if (want_evidence) out.contributions.push_back({std::string(emoticon), sign * kEmoticonWeight});
        break;
      }
    }
  }
  out.raw = total;
  if (per_clause) {
    for (ClauseReading& r : *readings) {
      r.label = (r.raw < -options_.neutral_band || r.threats > 0) ? SentimentLabel::kNegative
                : r.raw > options_.neutral_band                     ? SentimentLabel::kPositive
                                                                    : SentimentLabel::kNeutral;
      constexpr std::size_t kMaxClauseEvidence = 4;
      if (r.evidence.size() > kMaxClauseEvidence) r.evidence.resize(kMaxClauseEvidence);
    }
  }
}

double LexiconModel::RawScore(const NormalizedText& text, const std::vector<Token>& tokens) const {
  Evaluation evaluation;
  Evaluate(text, tokens, evaluation, /*want_evidence=*/false);
  return evaluation.raw;
}

SentimentResult LexiconModel::Score(const NormalizedText& text, const std::vector<Token>& tokens) const {
  return Score(text, tokens, nullptr);
}

SentimentResult LexiconModel::Score(const NormalizedText& text, const std::vector<Token>& tokens,
                                    double* raw_out) const {
  Evaluation ev;
  Evaluate(text, tokens, ev, /*want_evidence=*/true);
  if (raw_out) *raw_out = ev.raw;
  return Finish(text, ev);
}

SentimentResult LexiconModel::ScoreWithClauses(const NormalizedText& text, const std::vector<Token>& tokens,
                                               const std::vector<text::ClauseSpan>& clauses,
                                               std::vector<ClauseReading>& readings, double* raw_out) const {
  Evaluation ev;
  Evaluate(text, tokens, ev, /*want_evidence=*/true, &clauses, &readings);
  if (raw_out) *raw_out = ev.raw;
  return Finish(text, ev);
}

SentimentResult LexiconModel::Finish(const NormalizedText& text, Evaluation& ev) const {
  SentimentResult result;
  result.score = std::tanh(ev.raw / 2.0);
  if (ev.raw > options_.neutral_band) {
    result.label = SentimentLabel::kPositive;
  } else if (ev.raw < -options_.neutral_band || ev.threats > 0) {
    result.label = SentimentLabel::kNegative;
  } else {
    result.label = SentimentLabel::kNeutral;
  }

  // Intensity grows with how negative the text is and with the cues of anger.
  int intensity = kIntensityCalm;
  if (result.label == SentimentLabel::kNegative) {
    intensity = kIntensityGrumble;
    if (ev.raw <= -3.0 || ev.most_negative_word <= kStrongNegative || ev.insults > 0) intensity = kIntensityComplaint;
    const bool shouting = text.exclamations >= 2 || text.elongations > 0 || ev.anger_cues > 0;
    if (shouting && intensity == kIntensityComplaint) intensity = kIntensityAnger;
    else if (shouting) intensity = kIntensityComplaint;
  }
  if (ev.threats > 0) intensity = kIntensityAnger;
  result.intensity = intensity;

  std::stable_sort(ev.contributions.begin(), ev.contributions.end(),
                   [](const Contribution& a, const Contribution& b) { return std::abs(a.value) > std::abs(b.value); });
  constexpr std::size_t kMaxEvidence = 6;
  for (auto& cue : ev.cue_words) {
    if (result.evidence.size() < kMaxEvidence) result.evidence.push_back(std::move(cue));
  }
  for (auto& c : ev.contributions) {
    if (result.evidence.size() >= kMaxEvidence) break;
    if (std::find(result.evidence.begin(), result.evidence.end(), c.words) == result.evidence.end()) {
      result.evidence.push_back(std::move(c.words));
    }
  }
  return result;
}

std::string DefaultLexiconDirectory() {
  if (const char* configured = std::getenv("VOC_LEXICON_DIR"); configured && *configured) return configured;
  if (std::filesystem::exists("config/lexicon/zh_sentiment.tsv")) return "config/lexicon";
#ifdef VOC_SOURCE_LEXICON_DIR
  return VOC_SOURCE_LEXICON_DIR;
#else
  return "config/lexicon";
#endif
}

}  // namespace voc::triage::sentiment
