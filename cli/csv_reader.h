// An RFC 4180 CSV reader: comma-separated fields, CRLF or LF line ends,
// double-quoted fields that may hold commas, newlines and "" for a quote.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace voc::cli {

struct CsvRecord {
  int line = 0;  // physical line (1-based) on which the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // Reads from `in`, which must outlive the reader. A UTF-8 byte order mark
  // at the start is skipped.
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `record`. Returns false at end of input.
  // Blank lines are skipped. When the record is malformed (a quote inside
  // an unquoted field, text after a closing quote, a quote never closed)
  // `error` is set, the rest of that line is skipped, and true is returned
  // so the caller can report the line and go on.
  bool Next(CsvRecord* record, std::string* error);

 private:
  int Get();
  int Peek() { return in_.peek(); }
  void SkipRestOfLine();

  std::istream& in_;
  int line_ = 1;
  bool started_ = false;
};

}  // namespace voc::cli
