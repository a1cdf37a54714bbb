// The entity schema (issue 13, operational data): config/entities.yaml says
// what each entity is (a vehicle, an order, a store-day, an app build, a
// customer), its key (one attribute or several, e.g. store + day), its
// typed attributes, which of them keep history, and how a feedback finds
// its row. Loaded at start; a mistake refuses to start with "<file>:<line>:".
//
//   entities:
//     store_day:
//       description: Staffing and footfall of one store on one day
//       key: [store, day]
//       attributes:
//         store: string
//         day: date
//         staff_on_shift: {type: int, history: true}
//       link: {store: store, occurred_day: day}   # feedback field -> attribute
//       lookup: {customer_id: owner_customer_id}  # optional: field -> any attribute (many rows)
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voc::entities {

// A schema name (entity, attribute, feedback field): lower-case letters,
// digits and _, starting with a letter, at most 64 - they become JSON keys,
// CSV headers, CLI words and, in the lookup indexes, SQL text.
bool IsName(const std::string& s);

enum class AttributeType { kString, kInt, kFloat, kDate, kTimestamp, kBool };

// "string", "int", ...; false for an unknown name.
bool ParseAttributeType(const std::string& name, AttributeType* type);
const char* AttributeTypeName(AttributeType type);

struct AttributeDef {
  std::string name;
  AttributeType type = AttributeType::kString;
  // A change of the value records the old one (entity_history).
  bool history = false;
};

// A feedback field ("customer_id", "store", "region", "product",
// "occurred_day") or a free feedback attribute ("order_id", "vin",
// "app_version"), and the attribute whose value it must equal.
struct FeedbackLink {
  std::string feedback_field;
  std::string attribute;
};

struct EntityDef {
  std::string name;
  std::string description;
  std::vector<std::string> key;           // attribute names, in key order
  std::vector<AttributeDef> attributes;   // in file order, key attributes included
  std::vector<FeedbackLink> links;        // together they give every key attribute
  // Issue 13: `lookup`, feedback field -> any attribute: a feedback the
  // links do not reach joins every row whose attribute equals the field.
  std::vector<FeedbackLink> lookups;

  // Indices into `attributes` in the byte order of their names: the order
  // of the stored JSON object, so one row has one spelling.
  std::vector<int> by_name;

  // nullptr when `name` is not an attribute.
  const AttributeDef* Find(const std::string& name) const;
  // Its index in `attributes`, or -1.
  int Index(std::string_view name) const;
  bool IsKey(const std::string& name) const;
};

// The feedback fields a link may name besides free attributes.
const std::vector<std::string>& FixedFeedbackFields();

class EntitySchema {
 public:
  // INVALID_ARGUMENT "<source>:<line>: <problem>" for the first mistake.
  static absl::StatusOr<EntitySchema> FromString(const std::string& text, const std::string& source);
  static absl::StatusOr<EntitySchema> Load(const std::string& path);

  // nullptr for an unknown entity.
  const EntityDef* Find(const std::string& entity) const;
  const std::vector<EntityDef>& entities() const { return entities_; }
  // A fingerprint of the file's text.
  const std::string& version() const { return version_; }
  // "vehicle, order, ..." for error messages.
  std::string Names() const;

 private:
  std::vector<EntityDef> entities_;
  std::string version_;
};

// Where the schema file is: services.entities.schema in config/voc.yaml.
inline constexpr char kSchemaConfigKey[] = "services.entities.schema";
inline constexpr char kDefaultSchemaPath[] = "config/entities.yaml";

}  // namespace voc::entities
