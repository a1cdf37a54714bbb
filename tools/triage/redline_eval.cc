#include "tools/triage/redline_eval.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "common/config/yaml_file.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/priority/priority_matrix.h"
#include "services/triage/analysis/redlines/red_line_model.h"
#include "services/triage/analysis/redlines/red_lines.h"
#include "services/triage/analysis/sentiment/features.h"
#include "services/triage/analysis/sentiment/lexicon_model.h"
#include "tools/triage/dataset.h"

#include <filesystem>
#include <unistd.h>

namespace voc::triage::tools {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Tab-separated, one row a line, no quoting; lines starting with '#' are comments.
std::vector<std::vector<std::string>> ParseTsv(std::string_view content) {
  std::vector<std::vector<std::string>> rows;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    while (true) {
      const std::size_t tab = line.find('\t', start);
      cells.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::vector<std::vector<std::string>> ReadTable(const std::string& path) {
  const std::string content = ReadAll(path);
  return path.ends_with(".tsv") ? ParseTsv(content) : ParseCsv(content);
}

int Column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

bool ParseLabel(const std::string& value, const std::string& where) {
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  throw std::runtime_error(where + ": label must be true or false, got '" + value + "'");
}

// --name value pairs and bare --flags.
std::map<std::string, std::string> ParseArguments(int argc, char** argv, int first, const std::set<std::string>& values,
                                                  const std::set<std::string>& flags) {
  std::map<std::string, std::string> out;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.starts_with("--")) throw std::invalid_argument("unexpected argument '" + arg + "'");
    const std::string name = arg.substr(2);
    if (flags.count(name)) {
      out[name] = "1";
    } else if (values.count(name)) {
      if (i + 1 >= argc) throw std::invalid_argument("--" + name + " needs a value");
      out[name] = argv[++i];
    } else {
      throw std::invalid_argument("unknown option --" + name);
    }
  }
  return out;
}

std::vector<RedLineLabelledRow> LoadRows(const std::map<std::string, std::string>& args) {
  if (args.count("devset")) {
    if (!args.count("data-root")) throw std::invalid_argument("--devset needs --data-root (e.g. ../shared/data)");
    return JoinRedLineDevset(args.at("devset"), args.at("data-root"));
  }
  if (!args.count("data")) throw std::invalid_argument("missing --data FILE (or --devset TSV --data-root DIR)");
  return ReadRedLineRows(args.at("data"));
}

double Ratio(std::size_t a, std::size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

constexpr const char* kCategories[] = {"safety", "legal", "regulatory", "pr_crisis"};

// Normalises and segments as the analyser does (max-match over the lexicon's
// Chinese words), so the second stage sees the tokens it will see in service.
struct AnalyserText {
  text::Normalizer normalizer;
  std::unique_ptr<text::Segmenter> segmenter;
  AnalyserText() {
    text::SegmenterOptions options;
    options.chinese = text::ChineseSegmentation::kLexiconMaxMatch;
    options.lexicon =
        sentiment::LexiconModel::FromDirectory(sentiment::DefaultLexiconDirectory(), normalizer)->ChineseWords();
    segmenter = std::make_unique<text::Segmenter>(std::move(options));
  }
};

std::vector<RedLineTrainingRow> TrainingRows(const std::vector<RedLineLabelledRow>& rows) {
  std::vector<RedLineTrainingRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.label, r.text, r.label ? r.category : std::string()});
  return out;
}

int Integer(const std::map<std::string, std::string>& args, const std::string& name, int fallback) {
  auto it = args.find(name);
  if (it == args.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (...) {
    throw std::invalid_argument("--" + name + " needs a whole number, got '" + it->second + "'");
  }
}

double Real(const std::map<std::string, std::string>& args, const std::string& name, double fallback) {
  auto it = args.find(name);
  if (it == args.end()) return fallback;
  try {
    return std::stod(it->second);
  } catch (...) {
    throw std::invalid_argument("--" + name + " needs a number, got '" + it->second + "'");
  }
}

std::shared_ptr<const RedLineList> ListFor(const std::map<std::string, std::string>& args) {
  AnalyzerOptions shipped = ShippedAnalyzerOptions();
  const std::string path = args.count("redlines") ? args.at("redlines") : shipped.redlines_path;
  auto list = RedLineList::LoadFile(path);
  if (!list.ok()) throw std::runtime_error(std::string(list.status().message()));
  return *list;
}

// The cross-validation fold of a row, by its text.
int RedLineFold(std::string_view text, int folds) {
  constexpr std::uint64_t kFoldSeed = 0x4ED11E5Eull;
  return static_cast<int>(sentiment::StableHash(text, kFoldSeed) % static_cast<std::uint64_t>(folds));
}

// --examples candidates (default) | confirmed: what the second stage learns from.
RedLineExamples ExamplesOption(const std::map<std::string, std::string>& args) {
  if (!args.count("examples") || args.at("examples") == "candidates") return RedLineExamples::kCandidates;
  if (args.at("examples") == "confirmed") return RedLineExamples::kConfirmed;
  throw std::invalid_argument("--examples must be 'confirmed' or 'candidates', not '" + args.at("examples") + "'");
}

}  // namespace

int RunTrainRedline(const std::map<std::string, std::string>& args, std::ostream& out, std::ostream& err) {
  static const std::set<std::string> kKnown = {"target", "out", "data", "devset", "data-root", "redlines", "hash-bits",
                                               "epochs", "examples"};
  for (const auto& [name, value] : args)
    if (!kKnown.count(name)) throw std::invalid_argument("unknown option --" + name + " for --target redline");
  if (!args.count("out")) throw std::invalid_argument("--out MODEL is required");
  const auto rows = LoadRows(args);
  const auto list = ListFor(args);
  sentiment::FeatureOptions features = DefaultRedLineFeatures();
  sentiment::TrainingOptions training = DefaultRedLineTraining();
  features.hash_bits = Integer(args, "hash-bits", features.hash_bits);
  if (features.hash_bits < 8 || features.hash_bits > 26) throw std::invalid_argument("--hash-bits must be in [8, 26]");
  training.epochs = Integer(args, "epochs", training.epochs);
  AnalyserText text;
  RedLineTrainingSummary summary;
  auto model = TrainRedLineModel(TrainingRows(rows), *list, text.normalizer, *text.segmenter, features, training, &summary,
                                 ExamplesOption(args));
  model->Save(args.at("out"));
  err << "train: " << summary.examples << " candidates (" << summary.incident_examples << " incidents) from "
      << summary.rows << " rows; " << summary.rows_without_candidate << " rows have no candidate\n";
  out << nlohmann::json{{"out", args.at("out")},
                        {"target", "redline"},
                        {"rows", summary.rows},
                        {"examples", summary.examples},
                        {"incident_examples", summary.incident_examples},
                        {"rows_without_candidate", summary.rows_without_candidate},
                        {"labels", summary.labels},
                        {"redlines_version", list->version()},
                        {"model_bytes", model->MemoryBytes()}}
             .dump()
      << "\n";
  return 0;
}

std::vector<RedLineLabelledRow> ReadRedLineRows(const std::string& path) {
  const auto table = ReadTable(path);
  if (table.empty()) throw std::runtime_error(path + " is empty");
  const int label = Column(table[0], "label"), text = Column(table[0], "text");
  const int category = Column(table[0], "category"), source = Column(table[0], "source"), set = Column(table[0], "set");
  if (label < 0 || text < 0) throw std::runtime_error(path + ": header needs 'label' and 'text' columns");
  std::vector<RedLineLabelledRow> rows;
  for (std::size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    const auto cell = [&](int c) { return c >= 0 && c < static_cast<int>(row.size()) ? row[c] : std::string(); };
    if (cell(label).empty() && cell(text).empty()) continue;
    rows.push_back(RedLineLabelledRow{ParseLabel(cell(label), path + ":" + std::to_string(r + 1)), cell(text),
                                      cell(category), cell(source), cell(set)});
  }
  return rows;
}

std::vector<RedLineLabelledRow> JoinRedLineDevset(const std::string& devset_path, const std::string& data_root) {
  const auto table = ParseTsv(ReadAll(devset_path));
  if (table.empty()) throw std::runtime_error(devset_path + " is empty");
  const int file = Column(table[0], "file"), hash = Column(table[0], "hash"), label = Column(table[0], "label");
  const int category = Column(table[0], "category"), set = Column(table[0], "set");
  if (file < 0 || hash < 0 || label < 0)
    throw std::runtime_error(devset_path + ": header needs 'file', 'hash' and 'label' columns");
  // Each source file is read once and indexed by the hash of its texts.
  std::map<std::string, std::unordered_map<std::string, std::string>> texts_by_file;
  std::vector<RedLineLabelledRow> rows;
  for (std::size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    const auto cell = [&](int c) { return c >= 0 && c < static_cast<int>(row.size()) ? row[c] : std::string(); };
    const std::string name = cell(file);
    auto it = texts_by_file.find(name);
    if (it == texts_by_file.end()) {
      const auto data = ParseCsv(ReadAll(data_root + "/" + name));
      if (data.empty()) throw std::runtime_error(data_root + "/" + name + " is empty");
      const int text = Column(data[0], "text");
      if (text < 0) throw std::runtime_error(data_root + "/" + name + ": no 'text' column");
      std::unordered_map<std::string, std::string> index;
      for (std::size_t i = 1; i < data.size(); ++i)
        if (text < static_cast<int>(data[i].size())) index.emplace(config::ContentHash(data[i][text]), data[i][text]);
      it = texts_by_file.emplace(name, std::move(index)).first;
    }
    auto text = it->second.find(cell(hash));
    if (text == it->second.end())
      throw std::runtime_error(devset_path + ":" + std::to_string(r) + ": no row of " + name + " has hash " + cell(hash) + " (" +
                               std::to_string(it->second.size()) + " rows read)");
    rows.push_back(RedLineLabelledRow{ParseLabel(cell(label), devset_path + ":" + std::to_string(r)), text->second,
                                      cell(category), name, cell(set)});
  }
  return rows;
}

int RunEvalRedlines(int argc, char** argv, int first, std::ostream& out, std::ostream& err) {
  const auto args = ParseArguments(argc, argv, first,
                                   {"data", "devset", "data-root", "redlines", "errors", "redline-model",
                                    "redline-threshold", "cross-validate", "examples"},
                                   {"raw-candidates"});
  const auto rows = LoadRows(args);
  AnalyzerOptions options = ShippedAnalyzerOptions();
  if (args.count("redlines")) options.redlines_path = args.at("redlines");
  options.redline_model_threshold = Real(args, "redline-threshold", options.redline_model_threshold);
  const int folds = Integer(args, "cross-validate", 0);
  if (folds == 1 || folds < 0) throw std::invalid_argument("--cross-validate needs at least 2 folds");
  if (folds && args.count("redline-model"))
    throw std::invalid_argument("--cross-validate trains its own second stage per fold; drop --redline-model");
  if (args.count("redline-model")) options.redline_model_path = args.at("redline-model");
  // The second stage, cross-validated: fold k's rows are read by an analyser
  // whose model was trained on the other folds' rows only.
  std::vector<std::unique_ptr<TriageAnalyzer>> analyzers;
  std::size_t cv_examples = 0;
  const RedLineExamples examples = ExamplesOption(args);
  if (folds) {
    const auto list = ListFor(args);
    AnalyserText text;
    for (int fold = 0; fold < folds; ++fold) {
      std::vector<RedLineLabelledRow> train;
      for (const auto& row : rows)
        if (RedLineFold(row.text, folds) != fold) train.push_back(row);
      RedLineTrainingSummary summary;
      auto model = TrainRedLineModel(TrainingRows(train), *list, text.normalizer, *text.segmenter,
                                     DefaultRedLineFeatures(), DefaultRedLineTraining(), &summary, examples);
      cv_examples += summary.examples;
      const std::string path = (std::filesystem::temp_directory_path() /
                                ("voc-redline-cv-" + std::to_string(::getpid()) + "-" + std::to_string(fold) + ".model"))
                                   .string();
      model->Save(path);
      AnalyzerOptions fold_options = options;
      fold_options.redline_model_path = path;
      auto made = MakeTriageAnalyzer(fold_options);
      std::filesystem::remove(path);
      if (!made.ok()) throw std::runtime_error(std::string(made.status().message()));
      analyzers.push_back(*std::move(made));
    }
  } else {
    auto made = MakeTriageAnalyzer(options);
    if (!made.ok()) throw std::runtime_error(std::string(made.status().message()));
    analyzers.push_back(*std::move(made));
  }
  const auto analyzer_for = [&](const RedLineLabelledRow& row) -> const TriageAnalyzer& {
    return *analyzers[folds ? RedLineFold(row.text, folds) : 0];
  };
  // --raw-candidates: every occurrence of a term counts, as the lists did
  // before context rules (the "before" figure).
  const bool raw = args.count("raw-candidates") > 0;
  const auto list = analyzers.front()->red_lines().Current();

  std::size_t positives = 0, flagged = 0, tp = 0, watch_rows = 0, watch_true = 0;
  std::size_t shipped_true = 0, shipped_true_kept = 0, missed_true = 0, missed_true_caught = 0;
  std::size_t flagged_c[4] = {}, tp_c[4] = {}, positives_c[4] = {}, caught_c[4] = {};
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_source;  // flagged, tp
  std::map<std::string, std::size_t> false_alarms;
  std::ofstream errors;
  if (args.count("errors")) errors.open(args.at("errors"));
  if (errors) errors << "kind\tsource\thash\tcategory\tterms\trules\ttext\n";
  for (const auto& row : rows) {
    std::vector<RedLineHit> hits;
    std::size_t watch = 0;
    if (raw) {
      hits = list->Candidates(analyzer_for(row).Normalize(row.text));
    } else {
      Analysis a = analyzer_for(row).Analyze(AnalysisInput{.text = row.text});
      hits = std::move(a.red_lines);
      watch = a.red_line_watch.size();
    }
    const bool is_flagged = !hits.empty();
    bool in_category[4] = {};
    std::set<std::string> terms;
    std::string rules;
    for (const auto& h : hits) {
      in_category[static_cast<int>(h.category)] = true;
      terms.insert(h.term);
      if (!h.rule.empty()) rules += (rules.empty() ? "" : " | ") + h.rule;
    }
    positives += row.label;
    flagged += is_flagged;
    tp += is_flagged && row.label;
    if (watch) {
      ++watch_rows;
      watch_true += row.label;
    }
    auto& src = by_source[row.source];
    src.first += is_flagged;
    src.second += is_flagged && row.label;
    for (int c = 0; c < 4; ++c) {
      flagged_c[c] += in_category[c];
      tp_c[c] += in_category[c] && row.label;
      if (row.label && row.category == kCategories[c]) {
        ++positives_c[c];
        caught_c[c] += is_flagged;
      }
    }
    if (row.set == "flagged" && row.label) {
      ++shipped_true;
      shipped_true_kept += is_flagged;
    }
    if (row.set == "unflagged" && row.label) {
      ++missed_true;
      missed_true_caught += is_flagged;
    }
    if (is_flagged && !row.label)
      for (const auto& t : terms) ++false_alarms[t];
    if (errors && is_flagged != row.label) {
      std::string joined;
      for (const auto& t : terms) joined += (joined.empty() ? "" : ",") + t;
      std::string text = row.text;
      std::replace(text.begin(), text.end(), '\t', ' ');
      std::replace(text.begin(), text.end(), '\n', ' ');
      errors << (is_flagged ? "false_alarm" : "missed") << "\t" << row.source << "\t" << config::ContentHash(row.text)
             << "\t" << row.category << "\t" << joined << "\t" << rules << "\t" << text << "\n";
    }
  }

  nlohmann::ordered_json summary;
  summary["n"] = rows.size();
  summary["positives"] = positives;
  summary["flagged"] = flagged;
  summary["true_positives"] = tp;
  summary["precision"] = Ratio(tp, flagged);
  summary["recall"] = Ratio(tp, positives);
  nlohmann::ordered_json categories;
  for (int c = 0; c < 4; ++c) {
    categories[kCategories[c]] = {{"flagged", flagged_c[c]},
                                  {"precision", Ratio(tp_c[c], flagged_c[c])},
                                  {"positives", positives_c[c]},
                                  {"recall", Ratio(caught_c[c], positives_c[c])}};
  }
  summary["categories"] = categories;
  std::vector<std::pair<std::string, std::size_t>> alarms(false_alarms.begin(), false_alarms.end());
  std::stable_sort(alarms.begin(), alarms.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  nlohmann::ordered_json by_term = nlohmann::ordered_json::object();
  for (const auto& [term, count] : alarms) by_term[term] = count;
  summary["false_alarms_by_term"] = by_term;
  nlohmann::ordered_json sources = nlohmann::ordered_json::object();
  for (const auto& [name, counts] : by_source)
    if (!name.empty()) sources[name] = {{"flagged", counts.first}, {"precision", Ratio(counts.second, counts.first)}};
  summary["sources"] = sources;
  if (shipped_true + missed_true > 0) {
    summary["kept_of_shipped_true"] = Ratio(shipped_true_kept, shipped_true);
    summary["caught_of_missed_true"] = Ratio(missed_true_caught, missed_true);
  }
  summary["watch_rows"] = watch_rows;
  summary["watch_rows_true"] = watch_true;
  summary["redlines_version"] = list->version();
  summary["mode"] = raw ? "raw_candidates" : "context_rules";
  if (folds) {
    summary["second_stage"] = {{"cross_validated_folds", folds},
                               {"training_candidates_per_fold", cv_examples / folds},
                               {"examples", examples == RedLineExamples::kConfirmed ? "confirmed" : "candidates"},
                               {"threshold", options.redline_model_threshold}};
  } else if (!options.redline_model_path.empty()) {
    summary["second_stage"] = {{"model", options.redline_model_path}, {"threshold", options.redline_model_threshold}};
  }
  err << "eval-redlines: " << rows.size() << " rows, " << flagged << " flagged, precision " << Ratio(tp, flagged)
      << ", recall " << Ratio(tp, positives) << "\n";
  out << summary.dump() << "\n";
  return 0;
}

int RunRedlinesDevset(int argc, char** argv, int first, std::ostream& out, std::ostream& err) {
  const auto args = ParseArguments(argc, argv, first, {"devset", "data-root", "out"}, {});
  if (!args.count("devset") || !args.count("data-root") || !args.count("out"))
    throw std::invalid_argument("redlines-devset needs --devset TSV --data-root DIR --out FILE.csv");
  const auto rows = JoinRedLineDevset(args.at("devset"), args.at("data-root"));
  std::ofstream csv(args.at("out"), std::ios::binary);
  if (!csv) throw std::runtime_error("cannot write " + args.at("out"));
  const auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  csv << "label,text,category,source,set\n";
  for (const auto& r : rows)
    csv << (r.label ? "true" : "false") << "," << quote(r.text) << "," << r.category << "," << r.source << "," << r.set
        << "\n";
  err << "redlines-devset: " << rows.size() << " rows joined\n";
  out << nlohmann::json{{"rows", rows.size()}, {"out", args.at("out")}}.dump() << "\n";
  return 0;
}

int RunRedlinesExplain(int argc, char** argv, int first, std::ostream& out, std::ostream& err) {
  const auto args = ParseArguments(argc, argv, first, {"text", "redlines"}, {});
  if (!args.count("text")) throw std::invalid_argument("redlines-explain needs --text TEXT");
  AnalyzerOptions options = ShippedAnalyzerOptions();
  if (args.count("redlines")) options.redlines_path = args.at("redlines");
  auto analyzer = MakeTriageAnalyzer(options);
  if (!analyzer.ok()) throw std::runtime_error(std::string(analyzer.status().message()));
  const std::string normalized = (*analyzer)->Normalize(args.at("text"));
  const Analysis a = (*analyzer)->Analyze(AnalysisInput{.text = args.at("text")});
  RedLineContext context{true, a.sentiment, a.intensity};
  nlohmann::ordered_json candidates = nlohmann::ordered_json::array();
  for (const auto& e : (*analyzer)->red_lines().Current()->Explain(normalized, context)) {
    candidates.push_back({{"category", RedLineCategoryName(e.hit.category)},
                          {"term", e.hit.term},
                          {"matched", normalized.substr(e.hit.begin, e.hit.end - e.hit.begin)},
                          {"begin", e.hit.begin},
                          {"end", e.hit.end},
                          {"confirmed", e.confirmed},
                          {"level", RedLineLevelName(e.hit.level)},
                          {"rule", e.hit.rule}});
  }
  err << "redlines-explain: " << candidates.size() << " candidates\n";
  out << nlohmann::ordered_json{{"sentiment", SentimentLabelName(a.sentiment)},
                                {"priority", PriorityName(a.priority)},
                                {"priority_reason", a.priority_reason},
                                {"candidates", candidates}}
             .dump()
      << "\n";
  return 0;
}

}  // namespace voc::triage::tools
