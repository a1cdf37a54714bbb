#include "services/triage/analysis/analyzer_impl.h"

#include "common/status/status.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <unordered_set>

#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/redlines/red_line_model.h"
#include "services/triage/analysis/shared/multi_pattern_matcher.h"
#include "services/triage/analysis/text/utf8.h"

#include "services/triage/analysis/sentiment/combined_model.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/linear_model.h"
#include "services/triage/analysis/text/clauses.h"
#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"

namespace voc::triage {

namespace {

struct SentimentOutcome {
  SentimentLabel label = SentimentLabel::kNeutral;
  double score = 0.0;
  int intensity = 0;
  std::vector<std::string> evidence;
};


}  // namespace

class TriageAnalyzer::Pipeline {
 public:
  explicit Pipeline(const AnalyzerOptions& options) {
    const std::string dir =
        options.lexicon_dir.empty() ? sentiment::DefaultLexiconDirectory() : options.lexicon_dir;
    lexicon_ = sentiment::LexiconModel::FromDirectory(dir, normalizer_);
    // The hot path segments Chinese by longest match over the lexicon: about
    // twice as fast as ICU's dictionary break, equally accurate for sentiment,
    // and what `voc triage train` trains models on (docs/triage.md, Speed).
    text::SegmenterOptions fast;
    fast.chinese = text::ChineseSegmentation::kLexiconMaxMatch;
    fast.lexicon = lexicon_->ChineseWords();
    segmenter_ = std::make_unique<text::Segmenter>(std::move(fast));
    model_ = lexicon_.get();
    name_ = "lexicon";
    if (!options.sentiment_model_path.empty()) {
      // The trained model decides label and score; the lexicon adds intensity and evidence.
      std::shared_ptr<sentiment::LinearModel> trained = sentiment::LinearModel::Load(options.sentiment_model_path);
      trained->AttachLexicon(lexicon_);
      combined_ = std::make_unique<sentiment::CombinedModel>(trained, lexicon_);
      model_ = combined_.get();
      name_ = "lexicon+trained";
    }
    if (!options.topic_model_path.empty()) {
      topic_model_ = sentiment::LinearModel::Load(options.topic_model_path);
      if (topic_model_->NeedsLexicon()) topic_model_->AttachLexicon(lexicon_);
    }
    if (!options.redline_model_path.empty()) {
      auto loaded = RedLineModel::Load(options.redline_model_path);
      if (!loaded.ok()) throw voc::ConfigError(std::string(loaded.status().message()));
      if (loaded.value()->linear().NeedsLexicon())
        throw voc::ConfigError(options.redline_model_path + ": a red-line model cannot use lexicon features");
      redline_model_ = *std::move(loaded);
      redline_threshold_ = options.redline_model_threshold;
    }
  }

  bool multi_label_topics() const { return topic_model_ && topic_model_->multi_label(); }
  const sentiment::LinearModel* topic_model() const { return topic_model_.get(); }
  // The multi-label topic probabilities of the text of the last Run() on this thread.
  const std::vector<double>& TopicProbabilities() const {
    Scratch& scratch = ThreadScratch();
    topic_model_->Probabilities(scratch.normalized, scratch.tokens, scratch.topic_probabilities);
    return scratch.topic_probabilities;
  }
  // The words of the last Run()'s text that decided the topic model's `label`.
  std::vector<std::string> ExplainTopic(int label) const {
    const Scratch& scratch = ThreadScratch();
    return topic_model_->Explain(scratch.normalized, scratch.tokens, label, -1, 4);
  }

  // The red-line second stage, if configured.
  void JudgeRedLines(const std::string& normalized, Analysis& a) const {
    if (redline_model_) ApplyRedLineModel(*redline_model_, redline_threshold_, normalized, *segmenter_, a);
  }

  const std::string& name() const { return name_; }

  std::string Normalize(std::string_view text) const { return normalizer_.Normalize(text).text; }

  std::vector<std::string> Terms(std::string_view text) const {
    const text::NormalizedText normalized = normalizer_.Normalize(text);
    std::vector<text::Token> tokens;
    // Drill-down wants whole words the lexicon may not know ("合格证"), so it
    // uses ICU's dictionary segmentation; it is not on the per-feedback path.
    word_segmenter_.SegmentInto(normalized.text, tokens);
    std::vector<std::string> out;
    for (const auto& t : tokens) {
      const bool wanted = (t.kind == text::TokenKind::kHan && voc::triage::text::CountCodePoints(t.text) >= 2) ||
                          (t.kind == text::TokenKind::kWord && t.text.size() >= 2);
      if (wanted && std::find(out.begin(), out.end(), t.text) == out.end()) out.emplace_back(t.text);
    }
    return out;
  }

  // The normalised text and tokens of the last Run() on this thread.
  struct Scratch {
    text::NormalizedText normalized;
    std::vector<text::Token> tokens;
    std::vector<text::ClauseSpan> clauses;             // of normalized.text (clause-level topics)
    std::vector<sentiment::ClauseReading> readings;    // the lexicon's reading of each clause
    std::vector<double> topic_probabilities;           // the multi-label topic model's, per label
  };
  static Scratch& ThreadScratch() {
    thread_local Scratch scratch;
    return scratch;
  }

  // The clauses of the last Run() on this thread and the lexicon's reading
  // of each (empty unless Run was asked for clauses).
  static const std::vector<text::ClauseSpan>& Clauses() { return ThreadScratch().clauses; }
  static const std::vector<sentiment::ClauseReading>& Readings() { return ThreadScratch().readings; }

  // Also returns the trained topic classifier's label, if one is configured
  // and confident (probability >= kTopicModelMinProbability).
  // With `clauses`, also cuts the text into clauses and reads each one's
  // sentiment (Clauses(), Readings()): in the lexicon's own pass when it is
  // the model, in a second lexicon pass next to a trained model.
  SentimentOutcome Run(std::string_view text, std::string& normalized_out, std::string* model_topic,
                       bool clauses) const {
    Scratch& scratch = ThreadScratch();
    text::NormalizedText& normalized = scratch.normalized;
    std::vector<text::Token>& tokens = scratch.tokens;
    normalizer_.NormalizeInto(text, normalized);
    segmenter_->SegmentInto(normalized.text, tokens);
    sentiment::SentimentResult r;
    scratch.clauses.clear();
    scratch.readings.clear();
    if (clauses) text::SplitClauses(normalized.text, scratch.clauses);
    if (clauses && model_ == lexicon_.get()) {
      r = lexicon_->ScoreWithClauses(normalized, tokens, scratch.clauses, scratch.readings);
    } else {
      r = model_->Score(normalized, tokens);
      if (clauses) lexicon_->ScoreWithClauses(normalized, tokens, scratch.clauses, scratch.readings);
    }
    // A multi-label model is asked lazily (TopicProbabilities), only for
    // feedback the combination rule can change.
    if (topic_model_ && model_topic && !topic_model_->multi_label()) {
      const auto p = topic_model_->Predict(normalized, tokens);
      if (p.probability >= kTopicModelMinProbability) *model_topic = topic_model_->labels()[p.label];
    }
    normalized_out = normalized.text;
    return SentimentOutcome{r.label, r.score, r.intensity, std::move(r.evidence)};
  }

 private:
  static constexpr double kTopicModelMinProbability = 0.5;
  text::Normalizer normalizer_;
  std::unique_ptr<text::Segmenter> segmenter_;  // longest match over the lexicon (hot path)
  text::Segmenter word_segmenter_;              // ICU dictionary words (drill-down terms)
  std::shared_ptr<const sentiment::LexiconModel> lexicon_;
  std::unique_ptr<sentiment::CombinedModel> combined_;
  std::unique_ptr<sentiment::LinearModel> topic_model_;
  std::shared_ptr<const RedLineModel> redline_model_;
  double redline_threshold_ = 0.5;
  const sentiment::SentimentModel* model_ = nullptr;
  std::string name_;
};

namespace {

// The loaders return statuses; the constructor stops at the first one, and
// MakeTriageAnalyzer turns that back into a status.
template <typename T>
T OrThrow(absl::StatusOr<T> loaded) {
  if (!loaded.ok()) throw voc::ConfigError(std::string(loaded.status().message()));
  return *std::move(loaded);
}

}  // namespace

TriageAnalyzer::TriageAnalyzer(const AnalyzerOptions& options) {
  if (options.taxonomy_path.empty()) throw voc::ConfigError("analyzer: taxonomy_path is not set");
  if (options.redlines_path.empty()) throw voc::ConfigError("analyzer: redlines_path is not set");
  taxonomy_ = std::make_unique<TaxonomyStore>(OrThrow(Taxonomy::LoadFile(options.taxonomy_path)));
  red_lines_ = std::make_unique<RedLineStore>(OrThrow(RedLineList::LoadFile(options.redlines_path)));
  priority_ = std::make_unique<PriorityStore>(OrThrow(PriorityMatrix::LoadFileOrDefault(options.priority_path)));
  pipeline_ = std::make_unique<Pipeline>(options);
  sentiment_model_name_ = pipeline_->name();
  clause_topics_ = options.clause_topics;
  topic_model_add_ = options.topic_model_add;
  topic_model_extra_ = options.topic_model_extra;
  topic_model_veto_ = options.topic_model_veto;
}

TriageAnalyzer::~TriageAnalyzer() = default;

Analysis TriageAnalyzer::Analyze(const AnalysisInput& input) const {
  thread_local std::string normalized;
  return AnalyzeWithText(input, normalized);
}

std::string TriageAnalyzer::Normalize(std::string_view text) const { return pipeline_->Normalize(text); }

std::vector<std::string> TriageAnalyzer::Terms(std::string_view text) const { return pipeline_->Terms(text); }

namespace {

// Whether some evidence term of a complaint-term topic is not negated.
bool ComplaintTermStands(const std::string& normalized, text::ClauseSpan clause, const ClauseTopic& found) {
  return std::any_of(found.evidence.begin(), found.evidence.end(), [&](const auto& span) {
    return !text::InNegationScope(normalized, clause, span.first);
  });
}

}  // namespace

void TriageAnalyzer::ReadTopics(const Taxonomy& taxonomy, const std::string& normalized, Analysis& a) const {
  thread_local std::vector<ClauseTopic> found;
  thread_local std::vector<std::uint32_t> complaint_indices;
  if (!clause_topics_) {
    // The whole text as one clause, every topic with the feedback's sentiment.
    a.topics = taxonomy.Match(normalized);
    for (auto& t : a.topics) t.sentiment = a.sentiment;
    a.topic_mentions = a.topics;
    return;
  }
  const std::vector<text::ClauseSpan>& clauses = Pipeline::Clauses();
  const std::vector<sentiment::ClauseReading>& readings = Pipeline::Readings();
  taxonomy.MatchClauses(normalized, clauses, found);
  complaint_indices.clear();
  // A negative feedback whose negativity the lexicon finds in no clause of its
  // own ("送了俩小时!") is negative throughout: its neutral clauses inherit it.
  // Where some clause is negative, that is where the complaint is, and the
  // neutral clauses only mention their topics.
  const bool neutral_clauses_inherit =
      a.sentiment == SentimentLabel::kNegative &&
      std::none_of(readings.begin(), readings.end(),
                   [](const sentiment::ClauseReading& r) { return r.label == SentimentLabel::kNegative; });
  // Within one sentence, a clause without sentiment of its own takes the
  // sentence's when that is negative and nowhere positive ("the cashier threw
  // the receipt at my mother and told her 'if you don't understand, don't
  // ask'."): the opinion words of a complaint often sit in a neighbouring clause.
  thread_local std::vector<std::uint8_t> sentence_negative;  // per clause: its sentence is negative only
  sentence_negative.assign(clauses.size(), 0);
  for (std::size_t first = 0; first < clauses.size();) {
    std::size_t last = first;
    bool negative = false, positive = false;
    while (true) {
      negative |= readings[last].label == SentimentLabel::kNegative;
      positive |= readings[last].label == SentimentLabel::kPositive;
      const std::size_t gap_end = last + 1 < clauses.size() ? clauses[last + 1].begin : normalized.size();
      const std::string_view gap = std::string_view(normalized).substr(clauses[last].end, gap_end - clauses[last].end);
      if (last + 1 == clauses.size() || gap.find_first_of(".!?;\n") != std::string_view::npos ||
          gap.find("。") != std::string_view::npos)
        break;
      ++last;
    }
    for (std::size_t c = first; c <= last; ++c) sentence_negative[c] = negative && !positive;
    first = last + 1;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    const ClauseTopic& f = found[i];
    const sentiment::ClauseReading& clause_sentiment = readings[f.clause];
    const TopicDefinition& topic = taxonomy.topics()[f.topic];
    // A topic whose terms are complaints in themselves ("少给了一根烤肠",
    // "时间太长") is a complaint wherever a term is not negated, whatever the
    // lexicon makes of the clause ("太长快一小时" is not praise for 快). Other
    // topics take their clause's sentiment; a clause with none of its own is
    // negative when it inherits the feedback's negativity, else a mention.
    // A clause that leans toward praise without reaching it (a praise word
    // weakened or half cancelled: "服务还行吧") inherits nothing: only a clause
    // with no praise in it takes its feedback's or sentence's negativity.
    SentimentLabel label = clause_sentiment.label;
    if (topic.complaint_terms && ComplaintTermStands(normalized, clauses[f.clause], f)) {
      label = SentimentLabel::kNegative;
    } else if (label == SentimentLabel::kNeutral && clause_sentiment.raw <= 0.0 &&
               (neutral_clauses_inherit || sentence_negative[f.clause])) {
      label = SentimentLabel::kNegative;
    }
    auto mention = std::find_if(a.topic_mentions.begin(), a.topic_mentions.end(), [&](const TopicMatch& m) {
      return m.path == topic.id && m.sentiment == label;
    });
    if (mention == a.topic_mentions.end()) {
      a.topic_mentions.push_back(TopicMatch{topic.id, topic.department, label, {}});
      mention = a.topic_mentions.end() - 1;
    }
    const auto add_evidence = [&](std::string word) {
      if (std::find(mention->evidence.begin(), mention->evidence.end(), word) == mention->evidence.end())
        mention->evidence.push_back(std::move(word));
    };
    for (const auto& [begin, end] : f.evidence) add_evidence(normalized.substr(begin, end - begin));
    for (const auto& word : clause_sentiment.evidence) add_evidence(word);
    if (label == SentimentLabel::kNegative) complaint_indices.push_back(f.topic);
  }
  // Complaint topics: the most specific over all negative clauses, each once.
  for (std::uint32_t i : complaint_indices) {
    const bool has_more_specific = std::any_of(complaint_indices.begin(), complaint_indices.end(),
                                               [&](std::uint32_t j) { return taxonomy.IsAncestor(i, j); });
    const TopicDefinition& topic = taxonomy.topics()[i];
    if (has_more_specific || std::any_of(a.topics.begin(), a.topics.end(),
                                         [&](const TopicMatch& t) { return t.path == topic.id; }))
      continue;
    const auto mention = std::find_if(a.topic_mentions.begin(), a.topic_mentions.end(), [&](const TopicMatch& m) {
      return m.path == topic.id && m.sentiment == SentimentLabel::kNegative;
    });
    a.topics.push_back(*mention);
  }
}

namespace {

std::string_view TopLevel(std::string_view id) { return id.substr(0, id.find('.')); }
bool IsAncestorId(std::string_view ancestor, std::string_view id) {
  return id.size() > ancestor.size() && id.starts_with(ancestor) && id[ancestor.size()] == '.';
}

}  // namespace

void TriageAnalyzer::CombineTopicModel(const Taxonomy& taxonomy, Analysis& a) const {
  const sentiment::LinearModel& model = *pipeline_->topic_model();
  const bool none = a.topics.empty();
  const bool positive = a.sentiment == SentimentLabel::kPositive;
  // Only feedback the rule below can change pays for the model.
  const bool may_veto = topic_model_veto_ > 0 && !none;
  const bool may_add = !positive && (none ? topic_model_add_ <= 1.0 : topic_model_extra_ <= 1.0);
  if (!may_veto && !may_add) return;
  const std::vector<double>& p = pipeline_->TopicProbabilities();
  if (p.size() != model.labels().size()) return;
  const auto probability_of = [&](std::string_view id) {
    const int index = model.LabelIndex(id);
    return index < 0 ? -1.0 : p[index];
  };
  // The rules' own verdict (`none`, before the veto) decides whether the
  // model may add: a feedback whose rule topics were all vetoed is not one
  // the rules left without any.
  // Veto: a rule topic whose top level the model finds unlikely.
  if (topic_model_veto_ > 0) {
    std::erase_if(a.topics, [&](const TopicMatch& t) {
      const double q = probability_of(TopLevel(t.path));
      return q >= 0 && q < topic_model_veto_;
    });
  }
  if (positive || (!none && a.topics.empty())) return;
  const double threshold = none ? topic_model_add_ : topic_model_extra_;
  std::vector<int> chosen;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] < threshold) continue;
    const std::string& id = model.labels()[i];
    // With rule topics, only a top level they do not cover.
    if (!none && std::any_of(a.topics.begin(), a.topics.end(),
                             [&](const TopicMatch& t) { return TopLevel(t.path) == TopLevel(id); }))
      continue;
    chosen.push_back(static_cast<int>(i));
  }
  for (const int i : chosen) {
    const std::string& id = model.labels()[i];
    // The most specific chosen ids only.
    if (std::any_of(chosen.begin(), chosen.end(), [&](int j) { return IsAncestorId(id, model.labels()[j]); }))
      continue;
    const TopicDefinition* known = taxonomy.Find(id);
    TopicMatch match{id, known ? known->department : std::string(), SentimentLabel::kNegative,
                     pipeline_->ExplainTopic(i)};
    a.topic_mentions.push_back(match);
    a.topics.push_back(std::move(match));
  }
}

Analysis TriageAnalyzer::AnalyzeWithText(const AnalysisInput& input, std::string& normalized) const {
  Analysis a;
  std::string model_topic;
  SentimentOutcome s = pipeline_->Run(input.text, normalized, &model_topic, clause_topics_);
  a.sentiment = s.label;
  a.sentiment_score = s.score;
  a.intensity = s.intensity;
  a.evidence = std::move(s.evidence);

  const auto taxonomy = taxonomy_->Current();
  ReadTopics(*taxonomy, normalized, a);
  if (pipeline_->multi_label_topics()) CombineTopicModel(*taxonomy, a);
  if (!model_topic.empty() && a.sentiment == SentimentLabel::kNegative &&
      std::none_of(a.topics.begin(), a.topics.end(), [&](const TopicMatch& t) { return t.path == model_topic; })) {
    // A label of the trained topic classifier: routed by its taxonomy
    // department when the label is a taxonomy id, else left unrouted.
    const TopicDefinition* known = taxonomy->Find(model_topic);
    a.topics.push_back(TopicMatch{model_topic, known ? known->department : std::string()});
  }
  // Red lines (issue 10, redlines): candidates decided by their context
  // rules, with the sentiment just computed; watch hits raise the priority.
  ApplyRedLines(*red_lines_->Current(), normalized, a);
  pipeline_->JudgeRedLines(normalized, a);

  a.nps_category = NpsCategoryFor(input.nps);
  PriorityFacts facts;
  facts.red_lines.reserve(a.red_lines.size());
  for (const auto& h : a.red_lines) facts.red_lines.push_back(h.category);
  facts.sentiment = a.sentiment;
  facts.sentiment_score = a.sentiment_score;
  facts.intensity = a.intensity;
  facts.customer_tier = input.customer_tier;
  facts.nps = a.nps_category;
  facts.channel = input.channel;
  facts.reach = input.reach;
  PriorityDecision decision = priority_->Current()->Grade(facts);
  a.priority = decision.priority;
  a.priority_reason = std::move(decision.reason);
  ApplyRedLineWatch(a);
  return a;
}

std::vector<TermGroup> DefaultSignalGroups(const Taxonomy& taxonomy) {
  TermGroup key{"key", {}};
  std::unordered_set<std::string> parents, seen;
  for (const auto& t : taxonomy.topics())
    if (!t.parent_id.empty()) parents.insert(t.parent_id);
  for (const auto& t : taxonomy.topics()) {
    if (parents.count(t.id)) continue;
    for (const auto* list : {&t.query.any, &t.query.all})
      for (const auto& term : *list)
        if (seen.insert(term).second) key.terms.push_back(term);
  }
  return {key};
}

absl::StatusOr<std::unique_ptr<TriageAnalyzer>> MakeTriageAnalyzer(const AnalyzerOptions& options) {
  // The models' loaders (lexicons, trained weights) still report a bad file
  // with std::runtime_error; it is a configuration problem all the same.
  try {
    return std::make_unique<TriageAnalyzer>(options);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

absl::StatusOr<std::unique_ptr<Analyzer>> MakeAnalyzer(const AnalyzerOptions& options) {
  VOC_ASSIGN_OR_RETURN(auto analyzer, MakeTriageAnalyzer(options));
  return std::unique_ptr<Analyzer>(std::move(analyzer));
}

}  // namespace voc::triage
