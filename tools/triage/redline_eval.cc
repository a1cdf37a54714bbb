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
#include "services/triage/analysis/redlines/red_lines.h"
#include "tools/triage/dataset.h"

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

}  // namespace

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
  const auto args = ParseArguments(argc, argv, first, {"data", "devset", "data-root", "redlines", "errors"},
                                   {"raw-candidates"});
  const auto rows = LoadRows(args);
  AnalyzerOptions options = ShippedAnalyzerOptions();
  if (args.count("redlines")) options.redlines_path = args.at("redlines");
  auto analyzer = MakeTriageAnalyzer(options);
  if (!analyzer.ok()) throw std::runtime_error(std::string(analyzer.status().message()));
  // --raw-candidates: every occurrence of a term counts, as the lists did
  // before context rules (the "before" figure).
  const bool raw = args.count("raw-candidates") > 0;
  const auto list = (*analyzer)->red_lines().Current();

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
      hits = list->Candidates((*analyzer)->Normalize(row.text));
    } else {
      Analysis a = (*analyzer)->Analyze(AnalysisInput{.text = row.text});
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
