#include "tools/load/csv_reader.h"

namespace voc::load {

CsvRecords::CsvRecords(std::istream& in) : in_(in) {
  if (in_.peek() == 0xEF) {
    char bom[3];
    in_.read(bom, 3);
    if (std::string(bom, 3) != "\xEF\xBB\xBF") {
      in_.clear();
      in_.seekg(0);
    }
  }
}

absl::StatusOr<std::optional<std::vector<std::string>>> CsvRecords::Next() {
  // Skip blank lines.
  while (in_.peek() == '\n' || in_.peek() == '\r') {
    if (in_.get() == '\n') ++line_;
  }
  if (in_.peek() == std::char_traits<char>::eof()) return std::nullopt;
  record_line_ = line_;
  std::vector<std::string> fields(1);
  bool quoted = false;      // inside a quoted field
  bool after_quote = false; // a quoted field just closed
  while (true) {
    const int c = in_.get();
    if (c == std::char_traits<char>::eof()) {
      if (quoted) return absl::InvalidArgumentError("line " + std::to_string(record_line_) + ": a quote is never closed");
      return fields;
    }
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          fields.back() += static_cast<char>(in_.get());
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line_;
        fields.back() += static_cast<char>(c);
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && in_.peek() == '\n') in_.get();
      ++line_;
      return fields;
    } else if (after_quote) {
      return absl::InvalidArgumentError("line " + std::to_string(line_) + ": text after a closing quote");
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else {
      fields.back() += static_cast<char>(c);
    }
  }
}

}  // namespace voc::load
