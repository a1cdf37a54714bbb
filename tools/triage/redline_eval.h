// `voc triage eval-redlines` and `voc triage redlines-devset`: measure a
// red-line file on labelled rows, and join the red-line development set
// (labels stored by row hash, tools/triage/devsets/redlines.tsv) back to the
// data it was drawn from.
//
// Labelled rows come either from a CSV/TSV with `label` (true/false), `text`
// and an optional `category` column (the category of a true row), or from
// the dev-set form: --devset TSV --data-root DIR, where the TSV holds
// `file, hash, label, category, set` and `hash` is config::ContentHash (FNV-1a
// 64, hex) of the row's text in DIR/file. The data is never copied into the
// repository; only hashes and labels are.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace voc::triage::tools {

struct RedLineLabelledRow {
  bool label = false;      // a real red-line event
  std::string text;
  std::string category;    // safety | legal | regulatory | pr_crisis; "" when false or unknown
  std::string source;      // the dev set's `file` (or the CSV's `source` column), for the report
  std::string set;         // the dev set's `set`: flagged | unflagged
};

// CSV (RFC 4180) or TSV by extension. Throws std::runtime_error naming the file
// and row when a label is not true/false or a column is missing.
std::vector<RedLineLabelledRow> ReadRedLineRows(const std::string& path);
// The dev set joined to `data_root`; a hash that matches no row is an error.
std::vector<RedLineLabelledRow> JoinRedLineDevset(const std::string& devset_path, const std::string& data_root);

// `voc triage train --target redline`: the second stage from labelled rows
// (--data or --devset/--data-root), candidates from --redlines (default the
// shipped list), written to --out.
int RunTrainRedline(const std::map<std::string, std::string>& args, std::ostream& out, std::ostream& err);

int RunEvalRedlines(int argc, char** argv, int first, std::ostream& out, std::ostream& err);
int RunRedlinesDevset(int argc, char** argv, int first, std::ostream& out, std::ostream& err);
// Every candidate in one text with the decision and its reason.
int RunRedlinesExplain(int argc, char** argv, int first, std::ostream& out, std::ostream& err);

}  // namespace voc::triage::tools
