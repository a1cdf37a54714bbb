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
#include "common/clock/clock.h"
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

// `voc import --shift-to-now`: every row's occurred_at moves by the same
// amount so that the newest one lands at `now` (data with fixed dates, such
// as the demo, then looks recent to a service evaluating "today"). Rows that
// could not be read and rows without occurred_at are left alone (the ingest
// service dates the latter on arrival).

// Notes the row's occurred_at in `newest` when it is later (rows with an
// error or without occurred_at do not count).
void TrackNewest(const ImportRow& row, std::optional<TimePoint>* newest);
// The shift that brings `newest` to `now`, in whole seconds, rounded down so
// nothing lands after `now`. Negative when `newest` is after `now`.
Duration ShiftToward(TimePoint newest, TimePoint now);
// Adds `by` to the feedback's occurred_at; one without occurred_at is left alone.
void ShiftOccurredTime(voc::v1::Feedback* feedback, Duration by);

struct TimeShift {
  std::optional<TimePoint> newest;  // before the shift; empty when no row has occurred_at
  Duration by{};                    // zero when there was nothing to shift
};
// The above over parsed rows: finds the newest occurred_at, shifts every
// row that has one, and returns what it did.
TimeShift ShiftToNow(std::vector<ImportRow>* rows, TimePoint now);

// "+62d03h12m05s", "-5h00m00s", "+0s": a shift for people, to the second.
std::string FormatShift(Duration by);

}  // namespace voc::cli
