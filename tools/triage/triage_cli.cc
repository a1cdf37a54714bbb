#include "tools/triage/triage_cli.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "services/triage/analysis/sentiment/combined_model.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "services/triage/analysis/sentiment/linear_model.h"
#include "services/triage/analysis/text/normalizer.h"
#include "services/triage/analysis/text/segmenter.h"
#include "services/triage/analysis/text/utf8.h"
#include "services/triage/analysis/factory.h"
#include "tools/triage/dataset.h"
#include "tools/triage/redline_eval.h"
#include "tools/triage/topic_eval.h"

namespace voc::triage::tools {
namespace {

using sentiment::Feature;
using sentiment::FeatureOptions;
using sentiment::LinearModel;
using sentiment::TrainingOptions;

constexpr const char* kUsage =
    "usage:\n"
    "  triage eval --data FILE.csv [--model PATH] [--topic-model PATH] [--holdout-only]\n"
    "              [--topic-labels FILE.tsv] [--taxonomy FILE] [--redlines FILE] [--topic-errors FILE.tsv]\n"
    "              [--whole-text-topics] [--topic-add P] [--topic-extra P] [--topic-veto P]\n"
    "              [--topic-cv K [--topic-train-labels FILE.tsv] [--data-root DIR]]\n"
    "              (a multi-label --topic-model is combined with the rules; --topic-cv trains one per fold)\n"
    "              (topic scores from a `topics` column or labels joined by row hash)\n"
    "              [--lexicon-dir DIR] [--holdout-percent N] [--training-part-only] [--errors FILE.tsv]\n"
    "              [--segmenter icu|maxmatch]   (train default maxmatch; eval default: the model's)\n"
    "  triage train --target topic (--data FILE.csv with a `topics` column | --topic-labels FILE.tsv --data-root DIR)\n"
    "              --out MODEL [--hash-bits N] [--char-ngrams MIN-MAX] [--word-ngrams N] [--epochs N] [--nb]\n"
    "              [--topic-spec SPEC]   (SPEC as for --members; eval --topic-cv takes it too)\n"
    "              (multi-label: one or more `;`-separated topic ids a row)\n"
    "  triage train --target redline (--data FILE.csv|.tsv | --devset TSV --data-root DIR) --out MODEL\n"
    "              [--redlines FILE.yaml] [--hash-bits N] [--epochs N] [--examples candidates|confirmed]\n"
    "              (label,text,category: the second stage; confirmed: learn only from the red lines the rules keep)\n"
    "  triage train --data FILE.csv --out MODEL [--target label|topic] [--epochs N] [--learning-rate X]\n"
    "              [--l2 X] [--hash-bits N] [--char-ngrams MIN-MAX] [--word-ngrams N] [--no-nb] [--no-average] [--no-normalize] [--balanced]\n"
    "              [--nb-alpha X] [--holdout-percent N] [--all-rows] [--validate] [--validate-fold 0-5]\n"
    "              [--last-clause] [--lexicon-features] [--softmax] [--lexicon-dir DIR]\n"
    "              [--members \"SPEC;SPEC...\"]   (an ensemble; SPEC = key=value settings:\n"
    "              char=MIN-MAX wchar=MIN-MAX word=N bits=N neg=0|1 mentions=0|1 lex=0|1 cues=0|1 cueweight=X last=0|1\n"
    "              nb=0|1 softmax=0|1 balanced=0|1 power=X epochs=N lr=X l2=X seed=N)\n"
    "  triage eval-redlines (--data FILE.csv|.tsv | --devset TSV --data-root DIR) [--redlines FILE.yaml]\n"
    "              [--raw-candidates] [--errors FILE.tsv]   (label=true/false, text, optional category)\n"
    "              [--redline-model MODEL | --cross-validate K [--examples confirmed|candidates]]\n"
    "              [--redline-threshold P]   (the second stage)\n"
    "  triage redlines-devset --devset TSV --data-root DIR --out FILE.csv   (joins labels to the data)\n"
    "  triage redlines-explain --text TEXT [--redlines FILE.yaml]   (each candidate, kept or dropped, and why)\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --name value pairs and bare --flags.
class Arguments {
 public:
  Arguments(int argc, char** argv, int first, const std::set<std::string>& flags) {
    for (int i = first; i < argc; ++i) {
      const std::string arg = argv[i];
      if (!arg.starts_with("--")) throw UsageError("unexpected argument '" + arg + "'");
      const std::string name = arg.substr(2);
      if (flags.count(name)) {
        values_[name] = "1";
      } else if (i + 1 < argc) {
        values_[name] = argv[++i];
      } else {
        throw UsageError("--" + name + " needs a value");
      }
    }
  }
  std::optional<std::string> Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    used_.insert(name);
    return it->second;
  }
  std::string Require(const std::string& name) const {
    auto value = Get(name);
    if (!value) throw UsageError("--" + name + " is required");
    return *value;
  }
  bool Flag(const std::string& name) const { return Get(name).has_value(); }
  double Number(const std::string& name, double fallback) const {
    auto value = Get(name);
    if (!value) return fallback;
    try {
      return std::stod(*value);
    } catch (...) {
      throw UsageError("--" + name + " needs a number, got '" + *value + "'");
    }
  }
  // Every --name and its value ("1" for a flag), for commands parsing their own.
  const std::map<std::string, std::string>& Raw() const {
    for (const auto& [name, value] : values_) used_.insert(name);
    return values_;
  }
  void RejectUnknown() const {
    for (const auto& [name, value] : values_) {
      if (!used_.count(name)) throw UsageError("unknown option --" + name);
    }
  }

 private:
  std::map<std::string, std::string> values_;
  mutable std::set<std::string> used_;
};

// Normalise and segment, reusing buffers across documents. `segmentation`:
// "icu" (ICU dictionary word break) or "maxmatch" (longest match over the
// lexicon's Chinese words: ~3x faster; the models lean on character n-grams).
// Max-match is ~3x faster than ICU and, because the models' main features are
// character n-grams, as accurate on the held-out splits (see docs/triage.md).
constexpr const char* kDefaultSegmentation = "maxmatch";

struct TextPipeline {
  text::Normalizer normalizer;
  std::unique_ptr<text::Segmenter> segmenter;
  text::NormalizedText normalized;
  std::vector<text::Token> tokens;

  TextPipeline(const std::string& segmentation, const std::string& lexicon_dir) {
    if (segmentation == "icu") {
      segmenter = std::make_unique<text::Segmenter>();
    } else if (segmentation == "maxmatch") {
      text::SegmenterOptions options;
      options.chinese = text::ChineseSegmentation::kLexiconMaxMatch;
      options.lexicon = sentiment::LexiconModel::FromDirectory(lexicon_dir, normalizer)->ChineseWords();
      segmenter = std::make_unique<text::Segmenter>(std::move(options));
    } else {
      throw UsageError("--segmenter must be icu or maxmatch");
    }
  }

  void Process(const std::string& raw) {
    normalizer.NormalizeInto(raw, normalized);
    segmenter->SegmentInto(normalized.text, tokens);
  }
};

struct ClassificationReport {
  std::vector<std::string> labels;
  std::vector<std::vector<long>> confusion;  // [gold][predicted]
  long n = 0, correct = 0;

  explicit ClassificationReport(std::vector<std::string> label_set) : labels(std::move(label_set)) {
    confusion.assign(labels.size(), std::vector<long>(labels.size(), 0));
  }
  int IndexOf(const std::string& label) {
    auto it = std::find(labels.begin(), labels.end(), label);
    if (it != labels.end()) return static_cast<int>(it - labels.begin());
    labels.push_back(label);  // a prediction outside the gold label set
    for (auto& row : confusion) row.push_back(0);
    confusion.emplace_back(labels.size(), 0);
    return static_cast<int>(labels.size()) - 1;
  }
  void Add(const std::string& gold, const std::string& predicted) {
    const int g = IndexOf(gold), p = IndexOf(predicted);
    ++confusion[g][p];
    ++n;
    correct += g == p;
  }
  double Accuracy() const { return n ? static_cast<double>(correct) / n : 0.0; }
  // Mean F1 over the labels that occur in the gold data.
  double MacroF1() const {
    double sum = 0.0;
    int classes = 0;
    for (std::size_t c = 0; c < labels.size(); ++c) {
      long gold = 0, predicted = 0;
      for (std::size_t k = 0; k < labels.size(); ++k) {
        gold += confusion[c][k];
        predicted += confusion[k][c];
      }
      if (gold == 0) continue;
      const double tp = confusion[c][c];
      const double precision = predicted ? tp / predicted : 0.0, recall = tp / gold;
      sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
      ++classes;
    }
    return classes ? sum / classes : 0.0;
  }
  nlohmann::json ToJson() const {
    nlohmann::json per_label = nlohmann::json::object();
    return {{"labels", labels}, {"rows_gold_columns_predicted", confusion}};
  }
};

std::vector<LabelledRow> SelectRows(std::vector<LabelledRow> rows, bool holdout_only, int percent) {
  if (!holdout_only) return rows;
  std::vector<LabelledRow> kept;
  for (auto& row : rows) {
    if (IsHeldOut(row.text, percent)) kept.push_back(std::move(row));
  }
  return kept;
}

// The corpora's label names (kept here so the tool does not depend on the analyser library).
std::string SentimentLabelString(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::kNegative: return "negative";
    case SentimentLabel::kNeutral: return "neutral";
    case SentimentLabel::kPositive: return "positive";
  }
  return "neutral";
}

// ---- Topics (issue 10): multi-label topic scores in `eval` ----------------

struct TopicEvalOptions {
  std::optional<std::string> labels;  // --topic-labels: a labels TSV joined by row hash
  std::string taxonomy, redlines;
  std::optional<std::string> errors;  // --topic-errors: rows whose topics differ
  bool whole_text = false;            // --whole-text-topics: the analyser before clause-level topics
  // A multi-label topic model next to the rules (--topic-model, or trained per
  // fold with --topic-cv K on --topic-train-labels rows from --data-root).
  std::string model;
  double add = 0.5, extra = 2.0, veto = 0.0;  // --topic-add, --topic-extra, --topic-veto
  int cv = 0;
  std::string cv_labels, data_root;
  std::string spec;  // --topic-spec: member settings for the per-fold models (see --members)
};

// The shipped config file `name` (config/<name>), from the working directory
// (the repository root) or else the source tree, for runs from a build dir.
std::string ShippedConfig(const std::string& name) {
  const std::string local = "config/" + name;
  if (std::ifstream(local)) return local;
  return std::string(VOC_SOURCE_CONFIG_DIR) + "/" + name;
}

TopicEvalOptions ReadTopicEvalOptions(const Arguments& args) {
  TopicEvalOptions o;
  o.labels = args.Get("topic-labels");
  o.taxonomy = args.Get("taxonomy").value_or(ShippedConfig("taxonomy.yaml"));
  o.redlines = args.Get("redlines").value_or(ShippedConfig("redlines.yaml"));
  o.errors = args.Get("topic-errors");
  o.whole_text = args.Flag("whole-text-topics");
  AnalyzerOptions defaults;
  o.add = args.Number("topic-add", defaults.topic_model_add);
  o.extra = args.Number("topic-extra", defaults.topic_model_extra);
  o.veto = args.Number("topic-veto", defaults.topic_model_veto);
  o.cv = static_cast<int>(args.Number("topic-cv", 0));
  if (o.cv == 1 || o.cv < 0) throw UsageError("--topic-cv needs at least 2 folds");
  o.cv_labels = args.Get("topic-train-labels").value_or(o.labels.value_or(""));
  o.data_root = args.Get("data-root").value_or("");
  o.spec = args.Get("topic-spec").value_or("");
  if (o.cv && o.cv_labels.empty()) throw UsageError("--topic-cv needs --topic-train-labels or --topic-labels");
  return o;
}

// ---- Trained multi-label topics (issue 10, topics item 4) -----------------

// "../shared/data/waimai_10k/train.csv" -> "../shared/data".
std::string DataRootOf(const std::string& data_path) {
  const std::size_t slash = data_path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return ".";
  const std::size_t before = data_path.find_last_of('/', slash - 1);
  return before == std::string::npos ? "." : data_path.substr(0, before);
}

// One or more labels files, comma-separated ("topics.tsv,topics_train.tsv"),
// read as one (a row hash in two files is an error).
TopicLabels ReadTopicLabelFiles(const std::string& list) {
  TopicLabels merged;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    const std::string path = list.substr(begin, end - begin);
    begin = end + 1;
    if (path.empty()) continue;
    TopicLabels one = ReadTopicLabels(path);
    merged.scored.insert(one.scored.begin(), one.scored.end());
    for (auto& [hash, topics] : one.by_hash) {
      if (!merged.by_hash.emplace(hash, topics).second) throw std::runtime_error(path + ": row hash " + hash + " is also in an earlier labels file");
      merged.source.emplace(hash, one.source.at(hash));
    }
  }
  return merged;
}

// Every row a labels file names, from DIR/<source>/train.csv of each source.
std::vector<LabelledRow> LabelledTopicRows(const TopicLabels& labels, const std::string& data_root) {
  std::set<std::string> sources;
  for (const auto& [hash, source] : labels.source) sources.insert(source);
  std::vector<LabelledRow> out;
  for (const auto& source : sources) {
    auto rows = JoinTopicLabels(labels, ReadLabelledCsv(data_root + "/" + source + "/train.csv"), source);
    for (auto& row : rows) out.push_back(std::move(row));
  }
  return out;
}

// The cross-validation fold of a row (by its text, so a text is in one fold).
int TopicFold(std::string_view text, int folds) {
  constexpr std::uint64_t kFoldSeed = 0xF01DF01Dull;
  return static_cast<int>(sentiment::StableHash(text, kFoldSeed) % static_cast<std::uint64_t>(folds));
}

// "a.b;c" -> {"a", "a.b", "c"}: a subtopic implies its parent, so the model
// learns every level.
std::vector<std::string> TopicIdsWithAncestors(const std::string& list) {
  std::set<std::string> ids;
  for (const auto& id : SplitTopicList(list)) {
    for (std::size_t dot = id.find('.'); dot != std::string::npos; dot = id.find('.', dot + 1)) ids.insert(id.substr(0, dot));
    ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

void ApplyMemberSpec(const std::string& spec, const std::string& lexicon_dir, FeatureOptions& features,
                     TrainingOptions& training);

// Chosen by 5-fold cross-validation on topics.tsv + topics_train.tsv
// (docs/triage.md, "The trained topic model"): character 1-2-grams and word
// unigrams in 2^16 buckets score as well as 1-3-grams, word bigrams and 2^18
// buckets (pooled F1 0.770 vs 0.768) and cost half as much per feedback.
void DefaultMultiLabelTopicSettings(FeatureOptions& features, TrainingOptions& training) {
  features.hash_bits = 16;
  features.char_ngram_min = 1;
  features.char_ngram_max = 2;
  features.word_ngram_max = 1;
  training.epochs = 10;
  training.naive_bayes_scaling = false;
  training.balance_classes = false;
}

// One sigmoid per topic id (and parent) over the rows' text.
std::unique_ptr<LinearModel> TrainTopicModel(const std::vector<const LabelledRow*>& rows, TextPipeline& pipeline,
                                             const std::string& segmentation, const FeatureOptions& features,
                                             const TrainingOptions& training) {
  std::vector<std::vector<std::string>> ids;
  std::set<std::string> names;
  for (const LabelledRow* row : rows) {
    ids.push_back(TopicIdsWithAncestors(row->topics));
    names.insert(ids.back().begin(), ids.back().end());
  }
  if (names.empty()) throw std::runtime_error("no row has a topic to learn");
  const std::vector<std::string> sorted(names.begin(), names.end());
  const sentiment::FeatureExtractor extractor(features);
  std::vector<std::vector<Feature>> examples(rows.size());
  std::vector<std::vector<int>> sets(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    pipeline.Process(rows[i]->text);
    extractor.Extract(pipeline.normalized, pipeline.tokens, examples[i]);
    for (const auto& id : ids[i])
      sets[i].push_back(static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), id) - sorted.begin()));
  }
  auto model = LinearModel::TrainMultiLabel(examples, sets, sorted, features, training);
  model->set_segmentation(segmentation);
  return model;
}

std::string TemporaryModelPath(const std::string& what, int fold) {
  return (std::filesystem::temp_directory_path() /
          ("voc-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(fold) + ".model"))
      .string();
}

// Runs the full analyser on every row that has topic labels and scores its
// complaint topics; empty JSON when no row has a `topics` label. With
// --topic-cv K, each fold's rows are scored by an analyser whose topic model
// was trained on the other folds' rows only.
nlohmann::json EvaluateTopics(const std::vector<LabelledRow>& rows, const TopicEvalOptions& o,
                              const std::set<std::string>& scored, const std::string& lexicon_dir,
                              const std::string& data_path, std::ostream& err) {
  const auto make_analyzer = [&](const std::string& model_path) {
    AnalyzerOptions options;
    options.taxonomy_path = o.taxonomy;
    options.redlines_path = o.redlines;
    options.priority_path = ShippedConfig("priority.yaml");
    options.lexicon_dir = lexicon_dir;
    options.clause_topics = !o.whole_text;
    options.topic_model_path = model_path;
    options.topic_model_add = o.add;
    options.topic_model_extra = o.extra;
    options.topic_model_veto = o.veto;
    auto analyzer = MakeTriageAnalyzer(options);
    if (!analyzer.ok()) throw std::runtime_error(std::string(analyzer.status().message()));
    return *std::move(analyzer);
  };
  TopicScorer scorer(scored);
  std::ofstream errors;
  if (o.errors) {
    errors.open(*o.errors);
    if (!errors) throw std::runtime_error("cannot write " + *o.errors);
    errors << "hash\tgold\tpredicted\tmentions\ttext\n";
  }
  const auto score = [&](const TriageAnalyzer& analyzer, const LabelledRow& row) {
    const Analysis a = analyzer.Analyze(AnalysisInput{.text = row.text});
    std::vector<std::string> predicted;
    for (const auto& t : a.topics) predicted.push_back(t.path);
    const auto gold = SplitTopicList(row.topics);
    scorer.Add(gold, predicted);
    if (errors.is_open()) {
      TopicScorer one(scored);
      one.Add(gold, predicted);
      if (!one.AllRight()) {
        std::string joined, mentions, text = row.text;
        for (const auto& p : predicted) joined += (joined.empty() ? "" : ";") + p;
        for (const auto& m : a.topic_mentions) {
          mentions += (mentions.empty() ? "" : " ") + m.path + "/" + SentimentLabelName(m.sentiment) + "[";
          for (std::size_t i = 0; i < m.evidence.size(); ++i) mentions += (i ? "," : "") + m.evidence[i];
          mentions += "]";
        }
        std::replace(text.begin(), text.end(), '\n', ' ');
        std::replace(text.begin(), text.end(), '\t', ' ');
        errors << TopicRowHash(row.text) << '\t' << row.topics << '\t' << joined << '\t' << mentions << '\t'
               << text << '\n';
      }
    }
  };
  nlohmann::json cv_report;
  if (o.cv > 0) {
    const std::string root = o.data_root.empty() ? DataRootOf(data_path) : o.data_root;
    const std::vector<LabelledRow> training_rows = LabelledTopicRows(ReadTopicLabelFiles(o.cv_labels), root);
    FeatureOptions features;
    TrainingOptions training;
    DefaultMultiLabelTopicSettings(features, training);
    ApplyMemberSpec(o.spec, lexicon_dir, features, training);
    TextPipeline pipeline(kDefaultSegmentation, lexicon_dir);
    cv_report = {{"folds", o.cv}, {"training_labels", o.cv_labels}, {"training_rows", training_rows.size()}};
    for (int fold = 0; fold < o.cv; ++fold) {
      std::vector<const LabelledRow*> train;
      for (const auto& row : training_rows)
        if (TopicFold(row.text, o.cv) != fold) train.push_back(&row);
      const std::string path = TemporaryModelPath("topic-cv", fold);
      TrainTopicModel(train, pipeline, kDefaultSegmentation, features, training)->Save(path);
      const auto analyzer = make_analyzer(path);
      std::filesystem::remove(path);
      for (const auto& row : rows)
        if (TopicFold(row.text, o.cv) == fold) score(*analyzer, row);
    }
  } else {
    const auto analyzer = make_analyzer(o.model);
    for (const auto& row : rows) score(*analyzer, row);
  }
  err << "eval: topics (top level, micro) precision " << scorer.TopMicroPrecision() << ", recall "
      << scorer.TopMicroRecall() << ", F1 " << scorer.TopMicroF1() << "\n";
  nlohmann::json report = scorer.ToJson();
  report["taxonomy"] = o.taxonomy;
  report["clause_topics"] = !o.whole_text;
  if (o.labels) report["labels"] = *o.labels;
  if (!o.model.empty() || o.cv > 0) {
    report["topic_model"] = o.cv > 0 ? nlohmann::json(cv_report) : nlohmann::json(o.model);
    report["topic_model_add"] = o.add;
    report["topic_model_extra"] = o.extra;
    report["topic_model_veto"] = o.veto;
  }
  return report;
}

// ---- end of the topic block ----------------------------------------------

int RunEval(const Arguments& args, std::ostream& out, std::ostream& err) {
  const std::string data = args.Require("data");
  const auto model_path = args.Get("model");
  const auto topic_model_path = args.Get("topic-model");
  const bool holdout_only = args.Flag("holdout-only");
  const int percent = static_cast<int>(args.Number("holdout-percent", kDefaultHoldoutPercent));
  const std::string lexicon_dir = args.Get("lexicon-dir").value_or(sentiment::DefaultLexiconDirectory());
  const auto errors_path = args.Get("errors");
  const auto segmenter_arg = args.Get("segmenter");
  const bool training_part_only = args.Flag("training-part-only");
  TopicEvalOptions topic_options = ReadTopicEvalOptions(args);
  args.RejectUnknown();
  if (holdout_only && training_part_only) throw UsageError("--holdout-only and --training-part-only exclude each other");

  auto rows = SelectRows(ReadLabelledCsv(data), holdout_only, percent);
  std::set<std::string> scored_topics;
  if (topic_options.labels) {
    // Topic labels are kept outside the data, by row hash: score only those rows.
    const TopicLabels labels = ReadTopicLabelFiles(*topic_options.labels);
    scored_topics = labels.scored;
    rows = JoinTopicLabels(labels, std::move(rows), SourceOfDataPath(data));
  }
  if (training_part_only) {
    // For error analysis while writing lexicons: never look at the held-out rows.
    std::erase_if(rows, [&](const LabelledRow& row) { return IsHeldOut(row.text, percent); });
  }
  err << "eval: " << rows.size() << " rows from " << data << (holdout_only ? " (held-out part)" : "") << "\n";
  // Segment as the model was trained (the lexicon model does not care).
  std::shared_ptr<LinearModel> trained;
  if (model_path) trained = LinearModel::Load(*model_path);
  const std::string segmentation = segmenter_arg.value_or(trained ? trained->segmentation() : kDefaultSegmentation);
  TextPipeline pipeline(segmentation, lexicon_dir);
  std::shared_ptr<const sentiment::LexiconModel> lexicon =
      sentiment::LexiconModel::FromDirectory(lexicon_dir, pipeline.normalizer);
  std::unique_ptr<sentiment::SentimentModel> combined;
  const sentiment::SentimentModel* model = lexicon.get();
  std::size_t model_bytes = 0;
  if (trained) {
    trained->AttachLexicon(lexicon);
    model_bytes = trained->MemoryBytes();
    combined = std::make_unique<sentiment::CombinedModel>(trained, lexicon);
    model = combined.get();
  }
  std::unique_ptr<LinearModel> topic_model;
  if (topic_model_path) {
    topic_model = LinearModel::Load(*topic_model_path);
    model_bytes += topic_model->MemoryBytes();
    // A multi-label model works next to the rules, in the topic scores.
    if (topic_model->multi_label()) {
      topic_options.model = *topic_model_path;
      topic_model.reset();
    }
  }

  // Corpora labelled only negative/positive are scored as binary tasks: a
  // neutral prediction is resolved by the sign of the score.
  std::set<std::string> gold_labels;
  for (const auto& row : rows) gold_labels.insert(row.label);
  const bool binary = !gold_labels.count("neutral");
  ClassificationReport report({gold_labels.begin(), gold_labels.end()});
  std::set<std::string> topic_labels;
  for (const auto& row : rows) {
    if (!row.topic.empty()) topic_labels.insert(row.topic);
  }
  ClassificationReport topic_report({topic_labels.begin(), topic_labels.end()});

  std::vector<std::string> predictions(rows.size()), topic_predictions(rows.size());
  std::vector<double> scores(rows.size());
  std::vector<std::string> evidence(errors_path ? rows.size() : 0);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    pipeline.Process(rows[i].text);
    const auto result = model->Score(pipeline.normalized, pipeline.tokens);
    SentimentLabel label = result.label;
    if (binary && label == SentimentLabel::kNeutral) {
      label = result.score > 0 ? SentimentLabel::kPositive : SentimentLabel::kNegative;
    }
    predictions[i] = SentimentLabelString(label);
    scores[i] = result.score;
    if (errors_path) {
      for (const auto& word : result.evidence) evidence[i].append(evidence[i].empty() ? "" : " | ").append(word);
    }
    if (topic_model && !rows[i].topic.empty()) {
      topic_predictions[i] = topic_model->labels()[topic_model->Predict(pipeline.normalized, pipeline.tokens).label];
    }
    if ((i + 1) % 10000 == 0) err << "eval: " << (i + 1) << " rows\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (errors_path) {
    std::ofstream errors(*errors_path);
    if (!errors) throw std::runtime_error("cannot write " + *errors_path);
    errors << "gold\tpredicted\tscore\ttext\tevidence\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (predictions[i] == rows[i].label) continue;
      std::string text = rows[i].text;
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::replace(text.begin(), text.end(), '\t', ' ');
      errors << rows[i].label << '\t' << predictions[i] << '\t' << scores[i] << '\t' << text << '\t' << evidence[i]
             << '\n';
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    report.Add(rows[i].label, predictions[i]);
    if (topic_model && !rows[i].topic.empty()) topic_report.Add(rows[i].topic, topic_predictions[i]);
  }

  nlohmann::json result = {
      {"data", data},
      {"model", model_path ? *model_path : std::string("lexicon")},
      {"holdout_only", holdout_only},
      {"segmentation", segmentation},
      {"n", report.n},
      {"accuracy", report.Accuracy()},
      {"macro_f1", report.MacroF1()},
      {"docs_per_s", seconds > 0 ? rows.size() / seconds : 0.0},
      {"model_bytes", model_bytes},
      {"confusion", report.ToJson()},
  };
  const bool has_topic_labels =
      topic_options.labels ||
      std::any_of(rows.begin(), rows.end(), [](const LabelledRow& row) { return !row.topics.empty(); });
  if (has_topic_labels) result["topics"] = EvaluateTopics(rows, topic_options, scored_topics, lexicon_dir, data, err);
  if (topic_model) {
    result["topic_n"] = topic_report.n;
    result["topic_accuracy"] = topic_report.Accuracy();
    result["topic_macro_f1"] = topic_report.MacroF1();
    result["topic_confusion"] = topic_report.ToJson();
  }
  err << "eval: accuracy " << report.Accuracy() << ", macro-F1 " << report.MacroF1() << ", "
      << static_cast<long>(rows.size() / std::max(seconds, 1e-9)) << " docs/s\n";
  out << result.dump() << "\n";
  return 0;
}

std::pair<int, int> ParseRange(const std::string& text) {
  const auto dash = text.find('-');
  try {
    if (dash == std::string::npos) return {std::stoi(text), std::stoi(text)};
    return {std::stoi(text.substr(0, dash)), std::stoi(text.substr(dash + 1))};
  } catch (...) {
    throw UsageError("expected MIN-MAX, got '" + text + "'");
  }
}

// One ensemble member's settings on top of the command's: space-separated
// key=value pairs, e.g. "char=1-4 word=2 nb=1 softmax=1 neg=1 wchar=3-5 epochs=5".
void ApplyMemberSpec(const std::string& spec, const std::string& lexicon_dir, FeatureOptions& features,
                     TrainingOptions& training) {
  std::istringstream in(spec);
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw UsageError("member setting '" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    const auto number = [&] {
      try {
        return std::stod(value);
      } catch (...) {
        throw UsageError("member setting " + key + " needs a number, got '" + value + "'");
      }
    };
    if (key == "char") {
      std::tie(features.char_ngram_min, features.char_ngram_max) = ParseRange(value);
    } else if (key == "wchar") {
      std::tie(features.word_char_ngram_min, features.word_char_ngram_max) = ParseRange(value);
    } else if (key == "word") {
      features.word_ngram_max = static_cast<int>(number());
    } else if (key == "bits") {
      features.hash_bits = static_cast<int>(number());
    } else if (key == "neg") {
      features.negation_scope = number() != 0;
    } else if (key == "mentions") {
      features.fold_mentions = number() != 0;
    } else if (key == "lex") {
      features.lexicon_score = number() != 0;
    } else if (key == "cues") {
      // The English topic cues shipped with the lexicons, or none.
      features.cues.clear();
      if (number() != 0) features.cues = sentiment::LoadKeywordCues(lexicon_dir + "/en_topic_cues.tsv");
    } else if (key == "cueweight") {
      features.cue_weight = static_cast<float>(number());
    } else if (key == "last") {
      features.last_clause_words = number() != 0;
    } else if (key == "nb") {
      training.naive_bayes_scaling = number() != 0;
    } else if (key == "softmax") {
      training.softmax = number() != 0;
    } else if (key == "balanced") {
      training.balance_classes = number() != 0;
    } else if (key == "power") {
      training.balance_power = number();
    } else if (key == "epochs") {
      training.epochs = static_cast<int>(number());
    } else if (key == "lr") {
      training.learning_rate = number();
    } else if (key == "l2") {
      training.l2 = number();
    } else if (key == "seed") {
      training.seed = static_cast<std::uint64_t>(number());
    } else {
      throw UsageError("unknown member setting '" + key + "'");
    }
  }
  if (features.hash_bits < 8 || features.hash_bits > 26) throw UsageError("hash bits must be in [8, 26]");
}

std::vector<std::string> SplitMembers(const std::string& text) {
  std::vector<std::string> specs;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const auto end = std::min(text.find(';', begin), text.size());
    specs.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return specs;
}

// Whether most letters of the training texts are Han characters (picks the default features).
bool MostlyChinese(const std::vector<LabelledRow>& rows) {
  long han = 0, latin = 0;
  for (std::size_t i = 0; i < rows.size(); i += std::max<std::size_t>(1, rows.size() / 2000)) {
    const std::string& t = rows[i].text;
    for (std::size_t pos = 0; pos < t.size();) {
      const char32_t cp = text::DecodeUtf8(t, pos);
      if (cp >= 0x3400 && cp <= 0x9FFF) ++han;
      else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) ++latin;
    }
  }
  return han > latin;
}

// Default ensembles, chosen on an inner split of the training part (never the held-out rows).
std::string DefaultMembers(const std::string& target, bool chinese) {
  // Topics: the base topic settings plus in-word character n-grams, averaged with
  // a softmax model over shorter n-grams (inner-validation macro-F1 0.475 -> 0.489).
  // 2^18 buckets score the same as 2^20 on the inner folds at a quarter of the memory.
  // Both members also get the keyword cues of config/lexicon/en_topic_cues.tsv (damaged
  // bag, long line, lost bag): inner-validation macro-F1 0.491 -> 0.525 (folds 0-2),
  // 0.495 -> 0.517 (folds 3-5), mostly from the rare Damaged Luggage and longlines.
  if (target == "topic") {
    return "wchar=3-5 bits=18 cues=1;char=1-3 wchar=3-5 softmax=1 epochs=10 balanced=1 nb=0 bits=18 cues=1";
  }
  // Chinese: NB-LR over character 1-3-grams and words, plus the lexicon score.
  if (chinese) return "lex=1";
  // English: in-word character n-grams and the lexicon score, averaged with a
  // softmax model over longer character n-grams (inner validation 0.811 -> 0.828).
  return "lex=1 wchar=3-5 bits=18;lex=1 char=2-5 softmax=1 nb=0 bits=18";
}

// `train --target topic` on rows with one or more topics: a multi-label model.
// Rows come from --data (a `topics` column) or from --topic-labels joined to
// --data-root/<source>/train.csv.
int RunTrainTopics(const Arguments& args, std::ostream& out, std::ostream& err) {
  const auto data = args.Get("data");
  const auto labels_path = args.Get("topic-labels");
  const std::string model_out = args.Require("out");
  args.Get("target");
  FeatureOptions features;
  TrainingOptions training;
  DefaultMultiLabelTopicSettings(features, training);
  features.hash_bits = static_cast<int>(args.Number("hash-bits", features.hash_bits));
  if (auto range = args.Get("char-ngrams")) std::tie(features.char_ngram_min, features.char_ngram_max) = ParseRange(*range);
  features.word_ngram_max = static_cast<int>(args.Number("word-ngrams", features.word_ngram_max));
  if (features.hash_bits < 8 || features.hash_bits > 26) throw UsageError("--hash-bits must be in [8, 26]");
  training.epochs = static_cast<int>(args.Number("epochs", training.epochs));
  training.learning_rate = args.Number("learning-rate", training.learning_rate);
  training.l2 = args.Number("l2", training.l2);
  if (args.Flag("nb")) training.naive_bayes_scaling = true;
  const std::string lexicon_dir = args.Get("lexicon-dir").value_or(sentiment::DefaultLexiconDirectory());
  if (auto spec = args.Get("topic-spec")) ApplyMemberSpec(*spec, lexicon_dir, features, training);
  const auto root_arg = args.Get("data-root");
  args.RejectUnknown();
  std::vector<LabelledRow> rows;
  if (labels_path) {
    const std::string root = root_arg ? *root_arg : (data ? DataRootOf(*data) : std::string());
    if (root.empty()) throw UsageError("--topic-labels needs --data-root DIR (e.g. ../shared/data)");
    rows = LabelledTopicRows(ReadTopicLabelFiles(*labels_path), root);
  } else {
    if (!data) throw UsageError("--data is required (or --topic-labels with --data-root)");
    rows = ReadLabelledCsv(*data);
    std::erase_if(rows, [](const LabelledRow& row) { return row.topics.empty(); });
  }
  std::vector<const LabelledRow*> train;
  for (const auto& row : rows) train.push_back(&row);
  err << "train: " << train.size() << " rows with topic labels (multi-label)\n";
  TextPipeline pipeline(kDefaultSegmentation, lexicon_dir);
  const auto start = std::chrono::steady_clock::now();
  auto model = TrainTopicModel(train, pipeline, kDefaultSegmentation, features, training);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  model->Save(model_out);
  out << nlohmann::json{{"data", data ? *data : *labels_path},
                        {"out", model_out},
                        {"target", "topic"},
                        {"multi_label", true},
                        {"examples", train.size()},
                        {"labels", model->labels()},
                        {"train_seconds", seconds},
                        {"model_bytes", model->MemoryBytes()}}
             .dump()
      << "\n";
  return 0;
}

// Whether a labelled CSV has a `topics` column with something in it.
bool HasTopicsColumn(const std::string& path) {
  const auto rows = ReadLabelledCsv(path);
  return std::any_of(rows.begin(), rows.end(), [](const LabelledRow& row) { return !row.topics.empty(); });
}

int RunTrain(const Arguments& args, std::ostream& out, std::ostream& err) {
  const std::string target_arg = args.Get("target").value_or("label");
  if (target_arg == "redline") return RunTrainRedline(args.Raw(), out, err);
  if (target_arg == "topic" && (args.Get("topic-labels") || (args.Get("data") && HasTopicsColumn(*args.Get("data")))))
    return RunTrainTopics(args, out, err);
  const std::string data = args.Require("data");
  const std::string model_out = args.Require("out");
  const std::string target = args.Get("target").value_or("label");
  if (target != "label" && target != "topic") throw UsageError("--target must be label, topic or redline");
  const int percent = static_cast<int>(args.Number("holdout-percent", kDefaultHoldoutPercent));
  const bool all_rows = args.Flag("all-rows");

  FeatureOptions features;
  TrainingOptions training;
  if (target == "topic") {
    // Tuned on the airline complaint reasons (macro-F1): longer English character
    // n-grams, no naive-Bayes scaling (its per-class ratios are noisy for rare
    // reasons), more epochs, and balanced classes because macro-F1 counts rare
    // reasons as much as common ones.
    features.char_ngram_min = 2;
    features.char_ngram_max = 5;
    training.naive_bayes_scaling = false;
    training.epochs = 10;
    training.balance_classes = true;
  }
  features.hash_bits = static_cast<int>(args.Number("hash-bits", features.hash_bits));
  if (auto range = args.Get("char-ngrams")) std::tie(features.char_ngram_min, features.char_ngram_max) = ParseRange(*range);
  features.word_ngram_max = static_cast<int>(args.Number("word-ngrams", features.word_ngram_max));
  if (features.hash_bits < 8 || features.hash_bits > 26) throw UsageError("--hash-bits must be in [8, 26]");

  training.epochs = static_cast<int>(args.Number("epochs", training.epochs));
  training.learning_rate = args.Number("learning-rate", training.learning_rate);
  training.l2 = args.Number("l2", training.l2);
  training.nb_alpha = args.Number("nb-alpha", training.nb_alpha);
  if (args.Flag("no-nb")) training.naive_bayes_scaling = false;
  if (args.Flag("no-average")) training.average_epochs = false;
  if (args.Flag("no-normalize")) features.l2_normalize = false;
  if (args.Flag("last-clause")) features.last_clause_words = true;
  if (args.Flag("lexicon-features")) features.lexicon_score = true;
  if (args.Flag("softmax")) training.softmax = true;
  if (args.Flag("balanced")) training.balance_classes = true;
  const bool unbalanced = args.Flag("unbalanced");
  const auto members_arg = args.Get("members");
  const std::string segmentation = args.Get("segmenter").value_or(kDefaultSegmentation);
  const bool validate = args.Flag("validate") || args.Get("validate-fold").has_value();
  const int validation_fold = static_cast<int>(args.Number("validate-fold", 0));
  const std::string lexicon_dir = args.Get("lexicon-dir").value_or(sentiment::DefaultLexiconDirectory());
  training.progress = [&](const std::string& line) { err << "train: " << line << "\n"; };
  args.RejectUnknown();

  const auto rows = ReadLabelledCsv(data);
  const bool chinese = MostlyChinese(rows);
  const std::vector<std::string> specs = SplitMembers(members_arg.value_or(DefaultMembers(target, chinese)));
  std::vector<FeatureOptions> member_features;
  std::vector<TrainingOptions> member_training;
  for (const auto& spec : specs) {
    member_features.push_back(features);
    member_training.push_back(training);
    ApplyMemberSpec(spec, lexicon_dir, member_features.back(), member_training.back());
    if (unbalanced) member_training.back().balance_classes = false;
  }

  TextPipeline pipeline(segmentation, lexicon_dir);
  std::shared_ptr<sentiment::LexiconModel> lexicon;
  for (const auto& f : member_features) {
    if (f.lexicon_score && !lexicon) lexicon = sentiment::LexiconModel::FromDirectory(lexicon_dir, pipeline.normalizer);
  }
  // Normalise and segment each training text once; every member extracts from that.
  std::vector<text::NormalizedText> texts;
  std::vector<int> labels;
  std::vector<std::string> label_names;
  std::map<std::string, int> label_index;
  long held_out = 0;
  std::vector<const LabelledRow*> validation_rows;
  for (const auto& row : rows) {
    const std::string& y = target == "topic" ? row.topic : row.label;
    if (y.empty()) continue;
    if (!all_rows && IsHeldOut(row.text, percent)) {
      ++held_out;
      continue;
    }
    if (validate && IsInnerValidation(row.text, validation_fold)) {
      validation_rows.push_back(&row);
      continue;
    }
    auto [it, inserted] = label_index.emplace(y, static_cast<int>(label_names.size()));
    if (inserted) label_names.push_back(y);
    texts.push_back(pipeline.normalizer.Normalize(row.text));
    labels.push_back(it->second);
  }
  // Sorted labels make model files independent of row order.
  std::vector<std::string> sorted = label_names;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> remap(label_names.size());
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    remap[i] = static_cast<int>(std::find(sorted.begin(), sorted.end(), label_names[i]) - sorted.begin());
  }
  for (auto& y : labels) y = remap[y];

  err << "train: " << texts.size() << " examples, " << sorted.size() << " labels, " << held_out
      << " rows held out for eval --holdout-only, " << specs.size() << " member(s)\n";
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<LinearModel>> parts;
  std::vector<text::Token> tokens;
  for (std::size_t m = 0; m < specs.size(); ++m) {
    err << "train: member " << (m + 1) << ": " << specs[m] << "\n";
    const sentiment::FeatureExtractor extractor(member_features[m]);
    std::vector<std::vector<Feature>> examples(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      pipeline.segmenter->SegmentInto(texts[i].text, tokens);
      const double lexicon_raw =
          member_features[m].lexicon_score ? lexicon->RawScore(texts[i], tokens) : 0.0;
      extractor.Extract(texts[i], tokens, examples[i], lexicon_raw);
    }
    parts.push_back(LinearModel::Train(examples, labels, sorted, member_features[m], member_training[m]));
  }
  auto model = LinearModel::Ensemble(std::move(parts));
  model->set_segmentation(segmentation);
  if (model->NeedsLexicon()) model->AttachLexicon(lexicon);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  model->Save(model_out);
  nlohmann::json summary = {{"data", data},
                            {"out", model_out},
                            {"target", target},
                            {"examples", texts.size()},
                            {"held_out", held_out},
                            {"labels", sorted},
                            {"members", specs},
                            {"segmentation", segmentation},
                            {"train_seconds", seconds},
                            {"model_bytes", model->MemoryBytes()}};
  if (validate) {
    ClassificationReport report({sorted.begin(), sorted.end()});
    for (const LabelledRow* row : validation_rows) {
      pipeline.Process(row->text);
      const auto prediction = model->Predict(pipeline.normalized, pipeline.tokens);
      report.Add(target == "topic" ? row->topic : row->label, model->labels()[prediction.label]);
    }
    summary["validation_n"] = report.n;
    summary["validation_accuracy"] = report.Accuracy();
    summary["validation_macro_f1"] = report.MacroF1();
    summary["validation_confusion"] = report.ToJson();
  }
  out << summary.dump() << "\n";
  return 0;
}

}  // namespace

int RunTriageCommand(int argc, char** argv, std::ostream& out, std::ostream& err) {
  try {
    if (argc < 2) throw UsageError("missing subcommand");
    const std::string command = argv[1];
    if (command == "eval")
      return RunEval(Arguments(argc, argv, 2, {"holdout-only", "training-part-only", "whole-text-topics"}), out, err);
    if (command == "train") return RunTrain(Arguments(argc, argv, 2, {"no-nb", "no-average", "no-normalize", "balanced", "unbalanced", "all-rows", "last-clause", "lexicon-features", "softmax", "validate", "nb"}), out, err);
    // Red lines (issue 10, redlines): tools/triage/redline_eval.h.
    if (command == "eval-redlines") return RunEvalRedlines(argc, argv, 2, out, err);
    if (command == "redlines-devset") return RunRedlinesDevset(argc, argv, 2, out, err);
    if (command == "redlines-explain") return RunRedlinesExplain(argc, argv, 2, out, err);
    if (command == "help" || command == "--help") {
      out << kUsage;
      return 0;
    }
    throw UsageError("unknown subcommand '" + command + "'");
  } catch (const UsageError& e) {
    err << "triage: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    err << "triage: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace voc::triage::tools
