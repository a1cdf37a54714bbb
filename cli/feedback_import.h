// Reading feedback for `voc import` from JSONL or CSV files (formats in
// docs/api.md, "## The voc CLI"). Parsing only: range checks such as NPS
// 0..10 are the ingest service's, so there is a single source of truth and
// the CLI reports the server's reason.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/csv_reader.h"
#include "voc/v1/feedback.pb.h"

namespace voc::cli {

// One input row: a feedback, or the reason it could not be read.
struct ImportRow {
  int line = 0;  // 1-based line where the row starts
  voc::v1::Feedback feedback;
  std::string error;  // empty when `feedback` is usable
  bool ok() const { return error.empty(); }
};

enum class ImportFormat { kJsonl, kCsv };

// By extension: .jsonl/.ndjson/.json -> JSONL, .csv -> CSV.
std::optional<ImportFormat> FormatFromPath(const std::string& path);

// One JSON object:
// {"channel":"nps_survey","external_id":"...","customer":{"id":...,
//  "value_tier":...,"account_manager":...,"store":...,"region":...},
//  "product":...,"text":...,"nps":3,"rating":4,
//  "occurred_at":"2026-11-20T09:15:00Z","attributes":{"k":"v"}}
// Unknown keys are ignored; non-string attribute values are kept as JSON.
ImportRow ParseJsonlLine(std::string_view line, int line_number);

// The CSV columns, in the documented order. Only channel and external_id
// are required; columns may come in any order, and columns not listed here
// become attributes.
inline const std::vector<std::string> kCsvColumns = {
    "channel", "external_id", "customer_id", "customer_tier", "account_manager", "store",
    "region",  "product",     "text",        "nps",           "rating",          "occurred_at"};

// Reads rows of either format one at a time (files can be large).
class FeedbackFileReader {
 public:
  FeedbackFileReader(std::istream& in, ImportFormat format);

  // Reads the next row; returns false at end of input. Blank lines are
  // skipped. A CSV header problem is reported by fatal_error() instead.
  bool Next(ImportRow* row);
  // Set when the file cannot be read at all (CSV header missing columns).
  const std::string& fatal_error() const { return fatal_error_; }

 private:
  bool ReadCsvHeader();
  ImportRow FromCsv(const CsvRecord& record) const;

  std::istream& in_;
  ImportFormat format_;
  int jsonl_line_ = 0;
  std::unique_ptr<CsvReader> csv_;
  bool header_read_ = false;
  std::vector<std::string> header_;
  std::string fatal_error_;
};

}  // namespace voc::cli
