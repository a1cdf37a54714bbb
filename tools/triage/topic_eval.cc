#include "tools/triage/topic_eval.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "services/triage/analysis/sentiment/features.h"

namespace voc::triage::tools {
namespace {

constexpr std::uint64_t kTopicRowHashSeed = 0x70B1C5DE5E7ull;

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t tab = line.find('\t', begin);
    fields.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) return fields;
    begin = tab + 1;
  }
}

struct Scores {
  double precision = 0, recall = 0, f1 = 0;
};

Scores ScoresOf(long tp, long fp, long fn) {
  Scores s;
  s.precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0;
  s.recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  return s;
}

nlohmann::json ScoresJson(const Scores& s) { return {{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}}; }

}  // namespace

std::string TopicRowHash(std::string_view text) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx",
                static_cast<unsigned long long>(sentiment::StableHash(text, kTopicRowHashSeed)));
  return buffer;
}

std::vector<std::string> SplitTopicList(std::string_view list) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(';', begin), list.size());
    std::string id(list.substr(begin, end - begin));
    while (!id.empty() && id.back() == ' ') id.pop_back();
    while (!id.empty() && id.front() == ' ') id.erase(id.begin());
    if (!id.empty() && id != "-") out.push_back(std::move(id));
    begin = end + 1;
  }
  return out;
}

TopicLabels ReadTopicLabels(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open topic labels " + path);
  TopicLabels labels;
  std::string line;
  bool header_seen = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      constexpr std::string_view kScored = "# scored:";
      if (line.starts_with(kScored)) {
        std::istringstream ids(line.substr(kScored.size()));
        for (std::string id; ids >> id;) labels.scored.insert(id);
      }
      continue;
    }
    const auto fields = SplitTabs(line);
    if (!header_seen) {
      if (fields.size() != 3 || fields[0] != "hash" || fields[1] != "source" || fields[2] != "topics")
        throw std::runtime_error(path + ":" + std::to_string(number) + ": expected the header hash<TAB>source<TAB>topics");
      header_seen = true;
      continue;
    }
    if (fields.size() != 3 || fields[0].size() != 16)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected <16-hex hash><TAB><source><TAB><topics>");
    if (!labels.scored.empty()) {
      for (const auto& id : SplitTopicList(fields[2]))
        if (!labels.scored.count(id))
          throw std::runtime_error(path + ":" + std::to_string(number) + ": topic '" + id + "' is not a scored id");
    }
    if (!labels.by_hash.emplace(fields[0], fields[2]).second)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": duplicate row hash " + fields[0]);
    labels.source.emplace(fields[0], fields[1]);
  }
  if (!header_seen) throw std::runtime_error(path + ": no header line");
  return labels;
}

std::string SourceOfDataPath(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "";
  const std::size_t before = path.find_last_of('/', slash - 1);
  return path.substr(before == std::string::npos ? 0 : before + 1, slash - (before == std::string::npos ? 0 : before + 1));
}

std::vector<LabelledRow> JoinTopicLabels(const TopicLabels& labels, std::vector<LabelledRow> rows,
                                         const std::string& source) {
  std::vector<LabelledRow> kept;
  for (auto& row : rows) {
    const std::string hash = TopicRowHash(row.text);
    auto it = labels.by_hash.find(hash);
    if (it == labels.by_hash.end()) continue;
    if (!source.empty() && labels.source.at(hash) != source) continue;
    row.topics = it->second;
    kept.push_back(std::move(row));
  }
  return kept;
}

std::set<std::string> TopicScorer::Expand(const std::vector<std::string>& ids, bool top_level_only) const {
  std::set<std::string> out;
  for (const auto& id : ids) {
    for (std::size_t dot = 0;; ++dot) {
      dot = id.find('.', dot);
      const std::string prefix = id.substr(0, dot);
      if (scored_.empty() || scored_.count(prefix)) out.insert(prefix);
      if (dot == std::string::npos || top_level_only) break;
    }
  }
  return out;
}

void TopicScorer::Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  ++n_;
  for (const bool top : {true, false}) {
    const auto g = Expand(gold, top), p = Expand(predicted, top);
    auto& counts = top ? top_ : all_;
    for (const auto& id : g) (p.count(id) ? counts[id].tp : counts[id].fn)++;
    for (const auto& id : p)
      if (!g.count(id)) counts[id].fp++;
    if (top && !g.empty()) {
      ++with_gold_;
      with_gold_none_predicted_ += p.empty();
    }
  }
}

nlohmann::json TopicScorer::Report(const std::map<std::string, Counts>& per_id) {
  long tp = 0, fp = 0, fn = 0;
  double sum_p = 0, sum_r = 0, sum_f = 0;
  nlohmann::json ids = nlohmann::json::object();
  for (const auto& [id, c] : per_id) {
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
    const Scores s = ScoresOf(c.tp, c.fp, c.fn);
    sum_p += s.precision;
    sum_r += s.recall;
    sum_f += s.f1;
    nlohmann::json entry = ScoresJson(s);
    entry["gold"] = c.tp + c.fn;
    entry["predicted"] = c.tp + c.fp;
    ids[id] = entry;
  }
  const double k = per_id.empty() ? 1.0 : static_cast<double>(per_id.size());
  return {{"micro", ScoresJson(ScoresOf(tp, fp, fn))},
          {"macro", {{"precision", sum_p / k}, {"recall", sum_r / k}, {"f1", sum_f / k}}},
          {"ids", ids}};
}

nlohmann::json TopicScorer::ToJson() const {
  return {{"n", n_},
          {"rows_with_gold", with_gold_},
          {"rows_with_gold_but_none_predicted", with_gold_none_predicted_},
          {"top_level", Report(top_)},
          {"all_ids", Report(all_)}};
}

double TopicScorer::TopMicroPrecision() const { return Report(top_)["micro"]["precision"]; }
double TopicScorer::TopMicroRecall() const { return Report(top_)["micro"]["recall"]; }
bool TopicScorer::AllRight() const {
  for (const auto& [id, c] : top_)
    if (c.fp || c.fn) return false;
  return true;
}

double TopicScorer::TopMicroF1() const { return Report(top_)["micro"]["f1"]; }

}  // namespace voc::triage::tools
