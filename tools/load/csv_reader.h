// Reads RFC 4180 CSV records (comma-separated, CRLF or LF, double-quoted
// fields holding commas, line breaks and "" for a quote) for the corpora.
// The layering keeps tools/ from including cli/, so the load tool has this
// small reader of its own; cli/csv_reader.h is the CLI's (with per-line
// error recovery for imports). Moving one to common/ would end the pair.
#pragma once

#include <absl/status/statusor.h>

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace voc::load {

class CsvRecords {
 public:
  // `in` must outlive the reader. A UTF-8 byte order mark is skipped.
  explicit CsvRecords(std::istream& in);

  // The next record's fields; nullopt at the end. Blank lines are skipped.
  // INVALID_ARGUMENT "line N: ..." for a quote never closed or text after
  // a closing quote.
  absl::StatusOr<std::optional<std::vector<std::string>>> Next();
  // The line on which the last record returned started (1-based).
  int line() const { return record_line_; }

 private:
  std::istream& in_;
  int line_ = 1;
  int record_line_ = 0;
};

}  // namespace voc::load
