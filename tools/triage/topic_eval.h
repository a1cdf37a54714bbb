// Multi-label topic scoring for `voc triage eval` (issue 10): rows carry a
// `topics` column (';'-separated taxonomy ids) or get one from a labels file
// joined by row hash; the analyser's complaint topics are scored against it.
//
// A subtopic implies its parent ("logistics.delivery_delay" counts for
// "logistics" too). Scores are reported at the top level (the first id
// segment) and for every id, micro (pooled counts) and macro (mean over the
// ids that occur in the gold labels or the predictions). Only the ids a
// labels file declares as scored (its "# scored:" line) are counted, so
// topics added to a taxonomy after the labelling are not counted against it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tools/triage/dataset.h"

namespace voc::triage::tools {

// The hash a labels file names a row by: StableHash of the exact text with a
// fixed seed, as 16 lower-case hex digits. Labels never store the text.
std::string TopicRowHash(std::string_view text);

// "a;b.c" -> {"a", "b.c"}; empty and "-" mean no topic.
std::vector<std::string> SplitTopicList(std::string_view list);

struct TopicLabels {
  std::set<std::string> scored;                          // empty: score every id
  std::unordered_map<std::string, std::string> by_hash;  // row hash -> topics column
  std::unordered_map<std::string, std::string> source;   // row hash -> source column
};

// Reads a labels TSV: '#' comments (one may be "# scored: id id ..."), a
// header "hash<TAB>source<TAB>topics", then one row per labelled text.
// Throws std::runtime_error naming the file and line of a malformed row.
TopicLabels ReadTopicLabels(const std::string& path);

// The rows of `rows` that `labels` holds for `source`, with their `topics`
// set from it. `source` is the data file's folder name (SourceOfDataPath), so
// a text two corpora share (online_shopping_10_cats' hotel reviews are also
// in chnsenticorp_htl) is scored only with the file it was labelled from;
// empty takes every labelled row.
std::vector<LabelledRow> JoinTopicLabels(const TopicLabels& labels, std::vector<LabelledRow> rows,
                                         const std::string& source = "");

// "../shared/data/waimai_10k/train.csv" -> "waimai_10k".
std::string SourceOfDataPath(const std::string& path);

class TopicScorer {
 public:
  explicit TopicScorer(std::set<std::string> scored_ids = {}) : scored_(std::move(scored_ids)) {}

  void Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);

  // {"n", "rows_with_gold", "rows_with_gold_but_none_predicted",
  //  "top_level": {"micro": {precision, recall, f1}, "macro": {...}, "ids": {...}},
  //  "all_ids": {...same shape...}}
  nlohmann::json ToJson() const;

  // Top-level micro scores, for the summary line.
  double TopMicroPrecision() const;
  double TopMicroRecall() const;
  double TopMicroF1() const;
  // No false positive and no miss at the top level so far.
  bool AllRight() const;

 private:
  struct Counts {
    long tp = 0, fp = 0, fn = 0;
  };
  // The id and its ancestors, restricted to the scored ids.
  std::set<std::string> Expand(const std::vector<std::string>& ids, bool top_level_only) const;
  static nlohmann::json Report(const std::map<std::string, Counts>& per_id);

  std::set<std::string> scored_;
  std::map<std::string, Counts> top_, all_;
  long n_ = 0, with_gold_ = 0, with_gold_none_predicted_ = 0;
};

}  // namespace voc::triage::tools
