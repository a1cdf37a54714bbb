#include "services/entities/row_check.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/status/status.h"
#include "common/util/time.h"
#include "common/util/utf8.h"

namespace voc::entities {
namespace {

absl::Status NotA(const AttributeDef& a, const std::string& what, const std::string& text) {
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  return status::InvalidArgument(a.name, "not " + what + ": '" + shown + "'");
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// YYYY-MM-DD, a real calendar day.
bool ValidDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0);
}

}  // namespace

absl::StatusOr<std::string> CanonicalValue(const AttributeDef& a, const std::string& text) {
  switch (a.type) {
    case AttributeType::kString:
      if (!IsValidUtf8(text)) return NotA(a, "UTF-8 text", "");
      return text;
    case AttributeType::kInt: {
      std::int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return NotA(a, "a whole number", text);
      return std::to_string(v);
    }
    case AttributeType::kFloat: {
      double v = 0;
      if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) return NotA(a, "a number", text);
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back the same
      return std::string(buf, end);
    }
    case AttributeType::kDate:
      if (!ValidDate(text)) return NotA(a, "a date (YYYY-MM-DD)", text);
      return text;
    case AttributeType::kTimestamp: {
      TimePoint t;
      if (!ParseRfc3339(text, &t)) return NotA(a, "a time (RFC 3339, e.g. 2026-12-01T08:00:00+08:00)", text);
      return FormatRfc3339(t);  // UTC, milliseconds
    }
    case AttributeType::kBool: {
      const std::string lower = absl::AsciiStrToLower(text);
      if (lower == "true" || lower == "1" || lower == "yes") return std::string("true");
      if (lower == "false" || lower == "0" || lower == "no") return std::string("false");
      return NotA(a, "true or false", text);
    }
  }
  return text;
}

namespace {

std::string KnownAttributes(const EntityDef& entity) {
  std::string known;
  for (const AttributeDef& d : entity.attributes) known += (known.empty() ? "" : ", ") + d.name;
  return known;
}

// Checks and stores one value of the attribute at `index`.
absl::Status SetCell(const EntityDef& entity, int index, const std::string& text, CheckedRow& row) {
  const AttributeDef& a = entity.attributes[static_cast<std::size_t>(index)];
  if (text.empty()) {
    if (entity.IsKey(a.name)) return status::InvalidArgument(a.name, "key value must not be empty");
    row.cells[static_cast<std::size_t>(index)] = std::string();
    return absl::OkStatus();
  }
  VOC_ASSIGN_OR_RETURN(std::string canonical, CanonicalValue(a, text));
  row.cells[static_cast<std::size_t>(index)] = std::move(canonical);
  return absl::OkStatus();
}

// Every key value given (and, for a composite key, free of the separator): the stored key.
absl::Status SetKey(const EntityDef& entity, CheckedRow& row) {
  for (std::size_t i = 0; i < entity.key.size(); ++i) {
    const std::optional<std::string>& cell = row.cells[static_cast<std::size_t>(entity.Index(entity.key[i]))];
    if (!cell) return status::InvalidArgument(entity.key[i], "key value missing");
    if (entity.key.size() > 1 && cell->find(kKeySeparator) != std::string::npos) {
      return status::InvalidArgument(entity.key[i], "a value of a composite key must not contain '|'");
    }
    if (i > 0) row.key += kKeySeparator;
    row.key += *cell;
  }
  return absl::OkStatus();
}

template <typename Values>
absl::StatusOr<CheckedRow> CheckValues(const EntityDef& entity, const Values& values) {
  CheckedRow row;
  row.cells.resize(entity.attributes.size());
  for (const auto& [name, text] : values) {
    const int index = entity.Index(name);
    if (index < 0) {
      return status::InvalidArgument(name, "unknown attribute of " + entity.name + " (known: " +
                                               KnownAttributes(entity) + ")");
    }
    VOC_RETURN_IF_ERROR(SetCell(entity, index, text, row));
  }
  VOC_RETURN_IF_ERROR(SetKey(entity, row));
  return row;
}

}  // namespace

std::map<std::string, std::string> CheckedRow::Values(const EntityDef& entity) const {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] && !cells[i]->empty()) out[entity.attributes[i].name] = *cells[i];
  }
  return out;
}

std::set<std::string> CheckedRow::Cleared(const EntityDef& entity) const {
  std::set<std::string> out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] && cells[i]->empty()) out.insert(entity.attributes[i].name);
  }
  return out;
}

absl::StatusOr<CheckedRow> CheckRow(const EntityDef& entity, const std::map<std::string, std::string>& values) {
  return CheckValues(entity, values);
}

absl::StatusOr<CheckedRow> CheckRow(const EntityDef& entity,
                                    const google::protobuf::Map<std::string, std::string>& values) {
  return CheckValues(entity, values);
}

absl::StatusOr<CheckedRow> CheckCells(const EntityDef& entity, const std::vector<int>& columns,
                                      const google::protobuf::RepeatedPtrField<std::string>& cells) {
  if (static_cast<std::size_t>(cells.size()) != columns.size()) {
    return status::InvalidArgument("cells", "has " + std::to_string(cells.size()) + " values for " +
                                                std::to_string(columns.size()) + " columns");
  }
  CheckedRow row;
  row.cells.resize(entity.attributes.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    VOC_RETURN_IF_ERROR(SetCell(entity, columns[i], cells[static_cast<int>(i)], row));
  }
  VOC_RETURN_IF_ERROR(SetKey(entity, row));
  return row;
}

absl::StatusOr<std::vector<int>> ColumnIndices(const EntityDef& entity,
                                               const google::protobuf::RepeatedPtrField<std::string>& names) {
  std::vector<int> out;
  std::set<int> seen;
  for (const std::string& name : names) {
    const int index = entity.Index(name);
    if (index < 0) {
      return status::InvalidArgument("columns", "'" + name + "' is not an attribute of " + entity.name +
                                                    " (known: " + KnownAttributes(entity) + ")");
    }
    if (!seen.insert(index).second) return status::InvalidArgument("columns", "'" + name + "' given twice");
    out.push_back(index);
  }
  return out;
}

absl::StatusOr<std::string> StoredKey(const EntityDef& entity, const std::vector<std::string>& key_values) {
  if (key_values.size() != entity.key.size()) {
    return status::InvalidArgument("key", entity.name + " has a key of " + std::to_string(entity.key.size()) +
                                              " value(s) (" + absl::StrJoin(entity.key, ", ") + "), got " +
                                              std::to_string(key_values.size()));
  }
  std::map<std::string, std::string> values;
  for (std::size_t i = 0; i < key_values.size(); ++i) values[entity.key[i]] = key_values[i];
  auto row = CheckRow(entity, values);
  if (!row.ok()) return status::InvalidArgument("key", std::string(row.status().message()));
  return row->key;
}

std::vector<std::string> SplitKey(const EntityDef& entity, const std::string& stored_key) {
  if (entity.key.size() == 1) return {stored_key};
  return absl::StrSplit(stored_key, kKeySeparator);
}

}  // namespace voc::entities
