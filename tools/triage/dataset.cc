#include "tools/triage/dataset.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "services/triage/analysis/sentiment/features.h"

namespace voc::triage::tools {

std::vector<std::vector<std::string>> ParseCsv(std::string_view content) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, field_started = false;
  const auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  const auto end_row = [&] {
    end_field();
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));  // skip blank lines
    row.clear();
  };
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);  // UTF-8 BOM
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < content.size() && content[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      in_quotes = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
      end_row();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (field_started || !field.empty() || !row.empty()) end_row();
  return rows;
}

std::vector<LabelledRow> ReadLabelledCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto rows = ParseCsv(buffer.str());
  if (rows.empty()) throw std::runtime_error(path + " is empty");
  int label_column = -1, text_column = -1, topic_column = -1, topics_column = -1;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "label") label_column = static_cast<int>(i);
    if (rows[0][i] == "text") text_column = static_cast<int>(i);
    if (rows[0][i] == "topic") topic_column = static_cast<int>(i);
    if (rows[0][i] == "topics") topics_column = static_cast<int>(i);
  }
  if (label_column < 0 || text_column < 0) throw std::runtime_error(path + ": header needs 'label' and 'text' columns");
  std::vector<LabelledRow> result;
  result.reserve(rows.size() - 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto cell = [&](int column) { return column >= 0 && column < static_cast<int>(row.size()) ? row[column] : std::string(); };
    LabelledRow labelled{cell(label_column), cell(text_column), cell(topic_column), cell(topics_column)};
    if (labelled.label.empty() && labelled.text.empty()) continue;
    result.push_back(std::move(labelled));
  }
  return result;
}

bool IsHeldOut(std::string_view text, int percent) {
  constexpr std::uint64_t kSplitSeed = 0x5EEDC0DEull;
  return static_cast<int>(sentiment::StableHash(text, kSplitSeed) % 100) < percent;
}

bool IsInnerValidation(std::string_view text, int fold, int percent) {
  constexpr std::uint64_t kInnerSplitSeed = 0x7A11DA7Eull;  // independent of the held-out split
  const int bucket = static_cast<int>(sentiment::StableHash(text, kInnerSplitSeed) % 100);
  return bucket >= fold * percent && bucket < (fold + 1) * percent;
}

}  // namespace voc::triage::tools
