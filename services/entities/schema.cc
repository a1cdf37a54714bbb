#include "services/entities/schema.h"

#include <algorithm>
#include <set>

#include "common/config/yaml_file.h"

namespace voc::entities {

bool IsName(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

namespace {

using config::YamlSource;

std::string RequireName(const YamlSource& src, const YAML::Node& node, const std::string& what) {
  const std::string name = config::ScalarString(src.source(), node, what);
  if (!IsName(name)) {
    src.Fail(node, what + " '" + name + "' must be lower-case letters, digits and _ (starting with a letter)");
  }
  return name;
}

AttributeDef ReadAttribute(const YamlSource& src, const std::string& name, const YAML::Node& spec,
                           const std::string& path) {
  AttributeDef a;
  a.name = name;
  // yaml-cpp's Node::operator= writes through to the node it refers to:
  // pick the type's node once instead of reassigning.
  const YAML::Node type_node = spec.IsMap() ? spec["type"] : spec;
  if (spec.IsMap()) {
    config::RequireMapWithKeys(src.source(), spec, path, {"type", "history"});
    if (!type_node) src.Fail(spec, path + ": needs a type (string, int, float, date, timestamp, bool)");
    if (const YAML::Node h = spec["history"]; h && !h.IsNull()) {
      if (!h.IsScalar() || !YAML::convert<bool>::decode(h, a.history)) {
        src.Fail(h, path + ".history must be true or false");
      }
    }
  } else if (!spec.IsScalar()) {
    src.Fail(spec, path + " must be a type or {type: ..., history: true}");
  }
  const std::string type = config::ScalarString(src.source(), type_node, path + ".type");
  if (!ParseAttributeType(type, &a.type)) {
    src.Fail(type_node, path + ": unknown type '" + type + "' (string, int, float, date, timestamp, bool)");
  }
  return a;
}

EntityDef ReadEntity(const YamlSource& src, const std::string& name, const YAML::Node& node) {
  const std::string path = "entities." + name;
  config::RequireMapWithKeys(src.source(), node, path, {"description", "key", "attributes", "link", "lookup"});
  EntityDef e;
  e.name = name;
  e.description = src.OptionalString(node, "description", path);

  const YAML::Node attributes = node["attributes"];
  if (!attributes || !attributes.IsMap() || attributes.size() == 0) {
    src.Fail(attributes ? attributes : node, path + ".attributes must be a non-empty map of name: type");
  }
  std::set<std::string> seen;
  for (const auto& entry : attributes) {
    const std::string attr = RequireName(src, entry.first, path + ".attributes name");
    if (!seen.insert(attr).second) src.Fail(entry.first, path + ".attributes: '" + attr + "' given twice");
    e.attributes.push_back(ReadAttribute(src, attr, entry.second, path + ".attributes." + attr));
  }

  const YAML::Node key = node["key"];
  if (!key) src.Fail(node, path + ": needs a key (an attribute, or a list of them)");
  e.key = config::StringList(src.source(), key, path + ".key");
  std::set<std::string> key_seen;
  for (const std::string& k : e.key) {
    const AttributeDef* a = e.Find(k);
    if (a == nullptr) src.Fail(key, path + ".key: '" + k + "' is not one of its attributes");
    if (!key_seen.insert(k).second) src.Fail(key, path + ".key: '" + k + "' given twice");
    // Keys are compared as text: a float has no one spelling.
    if (a->type == AttributeType::kFloat) src.Fail(key, path + ".key: '" + k + "' is a float; a key cannot be");
    if (a->history) src.Fail(key, path + ".key: '" + k + "' keeps history, but a key never changes");
  }

  const YAML::Node link = node["link"];
  if (!link || !link.IsMap() || link.size() == 0) {
    src.Fail(link ? link : node, path + ".link must map feedback fields to attributes (e.g. {vin: vin})");
  }
  std::set<std::string> linked;
  for (const auto& entry : link) {
    const std::string field = RequireName(src, entry.first, path + ".link field");
    const std::string attr = config::ScalarString(src.source(), entry.second, path + ".link." + field);
    if (e.Find(attr) == nullptr) src.Fail(entry.second, path + ".link." + field + ": '" + attr + "' is not one of its attributes");
    if (!e.IsKey(attr)) src.Fail(entry.second, path + ".link." + field + ": '" + attr + "' is not part of the key");
    if (!linked.insert(attr).second) src.Fail(entry.second, path + ".link: '" + attr + "' linked twice");
    e.links.push_back({field, attr});
  }
  for (const std::string& k : e.key) {
    if (!linked.count(k)) src.Fail(link, path + ".link: no feedback field gives key attribute '" + k + "'");
  }
  // Issue 13: `lookup` joins a feedback the link does not reach to every row
  // whose (any) attribute equals one of its fields: {customer_id:
  // owner_customer_id} finds a customer's vehicles when the feedback has no vin.
  if (const YAML::Node lookup = node["lookup"]) {
    if (!lookup.IsMap() || lookup.size() == 0) {
      src.Fail(lookup, path + ".lookup must map feedback fields to attributes (e.g. {customer_id: owner_customer_id})");
    }
    std::set<std::string> fields;
    for (const auto& entry : lookup) {
      const std::string field = RequireName(src, entry.first, path + ".lookup field");
      const std::string attr = config::ScalarString(src.source(), entry.second, path + ".lookup." + field);
      const AttributeDef* a = e.Find(attr);
      if (a == nullptr) src.Fail(entry.second, path + ".lookup." + field + ": '" + attr + "' is not one of its attributes");
      if (a->type == AttributeType::kFloat) {
        src.Fail(entry.second, path + ".lookup." + field + ": '" + attr + "' is a float; values are matched as text");
      }
      for (const FeedbackLink& l : e.links) {
        if (l.feedback_field == field) src.Fail(entry.first, path + ".lookup: '" + field + "' is already a link field");
      }
      if (!fields.insert(field).second) src.Fail(entry.first, path + ".lookup: '" + field + "' given twice");
      e.lookups.push_back({field, attr});
    }
  }
  for (std::size_t i = 0; i < e.attributes.size(); ++i) e.by_name.push_back(static_cast<int>(i));
  std::sort(e.by_name.begin(), e.by_name.end(),
            [&](int a, int b) { return e.attributes[static_cast<std::size_t>(a)].name < e.attributes[static_cast<std::size_t>(b)].name; });
  return e;
}

}  // namespace

bool ParseAttributeType(const std::string& name, AttributeType* type) {
  static const std::map<std::string, AttributeType> kTypes = {
      {"string", AttributeType::kString}, {"int", AttributeType::kInt},
      {"float", AttributeType::kFloat},   {"date", AttributeType::kDate},
      {"timestamp", AttributeType::kTimestamp}, {"bool", AttributeType::kBool}};
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return false;
  *type = it->second;
  return true;
}

const char* AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kString: return "string";
    case AttributeType::kInt: return "int";
    case AttributeType::kFloat: return "float";
    case AttributeType::kDate: return "date";
    case AttributeType::kTimestamp: return "timestamp";
    case AttributeType::kBool: return "bool";
  }
  return "string";
}

const AttributeDef* EntityDef::Find(const std::string& attr) const {
  const int i = Index(attr);
  return i < 0 ? nullptr : &attributes[static_cast<std::size_t>(i)];
}

int EntityDef::Index(std::string_view attr) const {
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == attr) return static_cast<int>(i);
  }
  return -1;
}

bool EntityDef::IsKey(const std::string& attr) const {
  return std::find(key.begin(), key.end(), attr) != key.end();
}

const std::vector<std::string>& FixedFeedbackFields() {
  // Feedback.customer.{id,store,region}, Feedback.product, and the day of
  // occurred_time (the report time zone); any other name is a free attribute.
  static const std::vector<std::string> kFields = {"customer_id", "store", "region", "product", "occurred_day"};
  return kFields;
}

absl::StatusOr<EntitySchema> EntitySchema::FromString(const std::string& text, const std::string& source) {
  return config::LoadYaml([&] {
    const YamlSource src = YamlSource::FromString(text, source);
    const YAML::Node& root = src.root();
    config::RequireMapWithKeys(source, root, "the entity schema", {"entities"});
    const YAML::Node entities = root["entities"];
    if (!entities || !entities.IsMap() || entities.size() == 0) {
      src.Fail(entities ? entities : root, "entities must be a non-empty map of name: definition");
    }
    EntitySchema schema;
    std::set<std::string> seen;
    for (const auto& entry : entities) {
      const std::string name = RequireName(src, entry.first, "entity name");
      if (!seen.insert(name).second) src.Fail(entry.first, "entities: '" + name + "' given twice");
      schema.entities_.push_back(ReadEntity(src, name, entry.second));
    }
    schema.version_ = config::ContentHash(text);
    return schema;
  });
}

absl::StatusOr<EntitySchema> EntitySchema::Load(const std::string& path) {
  absl::StatusOr<std::string> text = config::LoadYaml([&] { return config::ReadFile(path); });
  if (!text.ok()) return text.status();
  return FromString(*text, path);
}

const EntityDef* EntitySchema::Find(const std::string& entity) const {
  for (const EntityDef& e : entities_) {
    if (e.name == entity) return &e;
  }
  return nullptr;
}

std::string EntitySchema::Names() const {
  std::string out;
  for (const EntityDef& e : entities_) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

}  // namespace voc::entities
