#include "tools/load/corpus.h"

#include <fstream>

#include "tools/load/csv_reader.h"

namespace voc::load {

absl::StatusOr<std::vector<std::string>> LoadTexts(const std::string& path, const std::string& column,
                                                   std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  CsvRecords records(in);
  auto header = records.Next();
  if (!header.ok()) return absl::InvalidArgumentError(path + ": " + std::string(header.status().message()));
  if (!*header) return absl::InvalidArgumentError(path + ": no header line");
  int index = -1;
  for (std::size_t i = 0; i < (*header)->size(); ++i) {
    if ((**header)[i] == column) index = static_cast<int>(i);
  }
  if (index < 0) return absl::InvalidArgumentError(path + ": no column named '" + column + "'");

  std::vector<std::string> texts;
  while (true) {
    auto record = records.Next();
    if (!record.ok()) return absl::InvalidArgumentError(path + ": " + std::string(record.status().message()));
    if (!*record) break;
    auto& fields = **record;
    if (static_cast<std::size_t>(index) >= fields.size() || fields[index].empty()) continue;
    texts.push_back(std::move(fields[index]));
    if (limit > 0 && texts.size() >= limit) break;
  }
  if (texts.empty()) return absl::InvalidArgumentError(path + ": column '" + column + "' holds no text");
  return texts;
}

}  // namespace voc::load
