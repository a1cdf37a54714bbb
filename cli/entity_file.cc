#include "cli/entity_file.h"

#include <nlohmann/json.hpp>

#include <set>

namespace voc::cli {

EntityFileRow ParseEntityJsonLine(std::string_view line, int line_number) {
  EntityFileRow row;
  row.line = line_number;
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    row.error = std::string("not valid JSON: ") + e.what();
    return row;
  }
  if (!object.is_object()) {
    row.error = "a line must be one JSON object of attribute: value";
    return row;
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    const nlohmann::json& v = it.value();
    if (v.is_string()) {
      row.values[it.key()] = v.get<std::string>();
    } else if (v.is_null()) {
      row.values[it.key()] = "";
    } else if (v.is_number() || v.is_boolean()) {
      row.values[it.key()] = v.dump();
    } else {
      row.error = it.key() + ": must be a string, number, boolean or null";
      return row;
    }
  }
  return row;
}

bool EntityFileReader::Next(EntityFileRow* row) {
  *row = EntityFileRow{};
  if (format_ == ImportFormat::kJsonl) {
    std::string line;
    while (std::getline(in_, line)) {
      ++jsonl_line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      *row = ParseEntityJsonLine(line, jsonl_line_);
      return true;
    }
    return false;
  }
  CsvRecord record;
  std::string error;
  if (!header_read_) {
    header_read_ = true;
    if (!csv_.Next(&record, &error)) {
      fatal_error_ = "the file is empty (a CSV needs a header row naming the attributes)";
      return false;
    }
    if (!error.empty()) {
      fatal_error_ = "line " + std::to_string(record.line) + ": the header row is malformed: " + error;
      return false;
    }
    std::set<std::string> seen;
    for (const std::string& name : record.fields) {
      if (name.empty() || !seen.insert(name).second) {
        fatal_error_ = "line " + std::to_string(record.line) + ": the header names '" + name +
                       "' " + (name.empty() ? "(an empty column name)" : "twice");
        return false;
      }
    }
    header_ = record.fields;
  }
  if (!csv_.Next(&record, &error)) return false;
  row->line = record.line;
  if (!error.empty()) {
    row->error = error;
    return true;
  }
  if (record.fields.size() != header_.size()) {
    row->error = "has " + std::to_string(record.fields.size()) + " fields, the header " +
                 std::to_string(header_.size());
    return true;
  }
  row->cells = std::move(record.fields);
  return true;
}

}  // namespace voc::cli
