#include "cli/csv_reader.h"

namespace voc::cli {

int CsvReader::Get() {
  int c = in_.get();
  if (c == '\n') ++line_;
  return c;
}

void CsvReader::SkipRestOfLine() {
  int c;
  while ((c = Get()) != EOF && c != '\n') {
  }
}

bool CsvReader::Next(CsvRecord* record, std::string* error) {
  error->clear();
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
      if (!(in_.gcount() == 3 && bom[1] == '\xBB' && bom[2] == '\xBF')) {
        in_.clear();
        in_.seekg(0);
      }
    }
  }
  while (true) {
    if (Peek() == EOF) return false;
    record->line = line_;
    record->fields.assign(1, "");
    bool blank = true;
    while (true) {
      int c = Get();
      if (c == EOF || c == '\n') break;
      if (c == '\r' && Peek() == '\n') continue;
      blank = false;
      std::string& field = record->fields.back();
      if (c == ',') {
        record->fields.emplace_back();
      } else if (c == '"' && field.empty()) {
        // A quoted field: read to the closing quote, across lines.
        const int opened_on = line_;
        while (true) {
          int q = Get();
          if (q == EOF) {
            *error = "quoted field opened on line " + std::to_string(opened_on) + " is never closed";
            return true;
          }
          if (q == '"') {
            if (Peek() == '"') {
              Get();
              field += '"';
              continue;
            }
            break;
          }
          field += static_cast<char>(q);
        }
        int after = Peek();
        if (after != ',' && after != '\n' && after != '\r' && after != EOF) {
          *error = "unexpected text after a closing quote";
          SkipRestOfLine();
          return true;
        }
      } else if (c == '"') {
        *error = "quote inside an unquoted field (quote the whole field and double the quote)";
        SkipRestOfLine();
        return true;
      } else {
        field += static_cast<char>(c);
      }
    }
    if (!blank) return true;
  }
}

}  // namespace voc::cli
