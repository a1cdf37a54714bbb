// Reading operational data for `voc data import` (issue 13) from CSV (a
// header row naming the attributes) or JSONL (one flat object a line).
// Values travel as text; the schema's types are checked by voc-entities,
// the one place that knows them, so the CLI reports the server's reason.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/csv_reader.h"
#include "cli/feedback_import.h"  // ImportFormat, FormatFromPath

namespace voc::cli {

struct EntityFileRow {
  int line = 0;                               // 1-based line where the row starts
  std::map<std::string, std::string> values;  // JSONL: attribute -> text
  std::vector<std::string> cells;             // CSV: the values in the header's order
  std::string error;                          // set when the row could not be read
  bool ok() const { return error.empty(); }
};

// {"vin":"LVV1","model":"E7","doors":4,"electric":true,"note":null}:
// strings as they are, numbers and booleans as their JSON text, null as ""
// (clears the attribute). Nested objects and arrays are an error.
EntityFileRow ParseEntityJsonLine(std::string_view line, int line_number);

class EntityFileReader {
 public:
  EntityFileReader(std::istream& in, ImportFormat format) : in_(in), csv_(in), format_(format) {}

  // The next row; false at the end. Blank lines are skipped. A CSV without
  // a usable header is reported by fatal_error().
  bool Next(EntityFileRow* row);
  const std::string& fatal_error() const { return fatal_error_; }
  // CSV: the header's names, once the first row was read.
  const std::vector<std::string>& header() const { return header_; }

 private:
  std::istream& in_;
  CsvReader csv_;
  ImportFormat format_;
  bool header_read_ = false;
  std::vector<std::string> header_;
  int jsonl_line_ = 0;
  std::string fatal_error_;
};

}  // namespace voc::cli
