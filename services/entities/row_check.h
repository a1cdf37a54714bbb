// One input row checked against its entity's schema: every value parsed as
// its attribute's type and kept as canonical text (so the same value
// written two ways - "007" and "7", "TRUE" and "true", a time in +08:00 and
// in UTC - is stored once and re-imports change nothing).
#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/map.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/entities/schema.h"

namespace voc::entities {

// A composite key's values are joined with this; a key value may not hold it.
inline constexpr char kKeySeparator = '|';

struct CheckedRow {
  std::int64_t line = 0;
  std::string key;  // stored key: the key values joined by kKeySeparator
  // By index of EntityDef::attributes: nullopt when the row does not give
  // it (the stored value stays), "" when given empty (cleared), else the
  // canonical text. One vector, not a map: imports check millions of rows.
  std::vector<std::optional<std::string>> cells;

  // The non-empty values and the cleared attributes by name (tests, messages).
  std::map<std::string, std::string> Values(const EntityDef& entity) const;
  std::set<std::string> Cleared(const EntityDef& entity) const;
};

// The canonical text of `text` as a value of `type`, or INVALID_ARGUMENT
// "<attribute>: not a <type> ...: '<text>'".
absl::StatusOr<std::string> CanonicalValue(const AttributeDef& attribute, const std::string& text);

// INVALID_ARGUMENT "<attribute>: ..." for the first problem: an unknown
// attribute, a missing or empty key value, a value not of its type.
absl::StatusOr<CheckedRow> CheckRow(const EntityDef& entity, const std::map<std::string, std::string>& values);
absl::StatusOr<CheckedRow> CheckRow(const EntityDef& entity,
                                    const google::protobuf::Map<std::string, std::string>& values);

// The compact form: `cells[i]` is the value of attribute `columns[i]` (an
// index into EntityDef::attributes, as ColumnIndices gives). INVALID_ARGUMENT
// as above, or when the row has not as many cells as there are columns.
absl::StatusOr<CheckedRow> CheckCells(const EntityDef& entity, const std::vector<int>& columns,
                                      const google::protobuf::RepeatedPtrField<std::string>& cells);
// The attribute indices of column names: INVALID_ARGUMENT "columns: ..." for
// an unknown or repeated name.
absl::StatusOr<std::vector<int>> ColumnIndices(const EntityDef& entity,
                                               const google::protobuf::RepeatedPtrField<std::string>& names);

// The stored key of the key values given in key order (GetEntity):
// INVALID_ARGUMENT "key: ..." when there are not as many as the key has,
// or one is not of its type.
absl::StatusOr<std::string> StoredKey(const EntityDef& entity, const std::vector<std::string>& key_values);
// The inverse: the values of a stored key, in key order.
std::vector<std::string> SplitKey(const EntityDef& entity, const std::string& stored_key);

}  // namespace voc::entities
