#include "tools/load/corpus.h"

#include <fstream>

#include "cli/csv_reader.h"

namespace voc::load {

absl::StatusOr<std::vector<std::string>> LoadTexts(const std::string& path, const std::string& column,
                                                   std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  cli::CsvReader reader(in);
  cli::CsvRecord record;
  std::string error;
  if (!reader.Next(&record, &error) || !error.empty()) {
    return absl::InvalidArgumentError(path + ": no header line" + (error.empty() ? "" : ": " + error));
  }
  int index = -1;
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (record.fields[i] == column) index = static_cast<int>(i);
  }
  if (index < 0) return absl::InvalidArgumentError(path + ": no column named '" + column + "'");

  std::vector<std::string> texts;
  while (reader.Next(&record, &error)) {
    if (!error.empty()) {
      return absl::InvalidArgumentError(path + ":" + std::to_string(record.line) + ": " + error);
    }
    if (static_cast<std::size_t>(index) >= record.fields.size() || record.fields[index].empty()) continue;
    texts.push_back(std::move(record.fields[index]));
    if (limit > 0 && texts.size() >= limit) break;
  }
  if (texts.empty()) return absl::InvalidArgumentError(path + ": column '" + column + "' holds no text");
  return texts;
}

}  // namespace voc::load
