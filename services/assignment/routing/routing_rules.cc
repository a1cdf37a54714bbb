#include "services/assignment/routing/routing_rules.h"

#include "common/config/yaml_file.h"

#include "common/util/time.h"
#include "proto/api/topic_id.h"

namespace voc::assignment {
namespace {

using config::YamlSource;

OwnerSpec ParseOwnerSpec(const YamlSource& src, const YAML::Node& node, const std::string& path,
                         const org::OrgDirectory& dir) {
  if (!node.IsScalar() || node.Scalar().empty()) src.Fail(node, path + " must be an owner spec");
  OwnerSpec spec;
  spec.text = node.Scalar();
  spec.line = node.Mark().line + 1;
  const std::string& t = spec.text;
  const auto colon = t.find(':');
  const std::string head = t.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : t.substr(colon + 1);
  if (t == "account_manager") {
    spec.kind = OwnerSpec::Kind::kAccountManager;
  } else if (t == "store_region_manager") {
    spec.kind = OwnerSpec::Kind::kStoreRegionManager;
  } else if (t == "topic_department_head") {
    spec.kind = OwnerSpec::Kind::kTopicDepartmentHead;
  } else if (head == "department_head" && !arg.empty()) {
    spec.kind = OwnerSpec::Kind::kDepartmentHead;
    spec.arg = arg;
    if (!dir.FindDepartment(arg)) {
      src.Fail(node, path + ": department '" + arg + "' is not in the org directory");
    }
  } else if (head == "person" && !arg.empty()) {
    spec.kind = OwnerSpec::Kind::kPerson;
    spec.arg = arg;
    if (!dir.FindPerson(arg)) src.Fail(node, path + ": person '" + arg + "' is not in the org directory");
    if (!dir.FindActivePerson(arg)) src.Fail(node, path + ": person '" + arg + "' is not active in the org directory");
  } else {
    src.Fail(node, path + ": unknown owner spec '" + t +
                       "' (expected account_manager, store_region_manager, topic_department_head,"
                       " department_head:<id> or person:<id>)");
  }
  return spec;
}

std::vector<OwnerSpec> ParseOwnerList(const YamlSource& src, const YAML::Node& section,
                                      const std::string& path, const org::OrgDirectory& dir) {
  const YAML::Node list = src.Sequence(section, "owners", path, /*required=*/true);
  if (list.size() == 0) src.Fail(list, path + ".owners must not be empty");
  std::vector<OwnerSpec> owners;
  for (std::size_t i = 0; i < list.size(); ++i) {
    owners.push_back(ParseOwnerSpec(src, list[i], path + ".owners[" + std::to_string(i) + "]", dir));
  }
  return owners;
}

Duration ParseSla(const YamlSource& src, const YAML::Node& section, const std::string& path,
                  Duration fallback) {
  const YAML::Node node = section["sla"];
  if (!node || node.IsNull()) return fallback;
  Duration d{};
  if (!node.IsScalar() || !ParseDuration(node.Scalar(), &d) || d <= Duration::zero()) {
    src.Fail(node, path + ".sla must be a positive duration like 24h, 90m or 2d");
  }
  return d;
}

v1::Priority ParsePriority(const YamlSource& src, const YAML::Node& section,
                           const std::string& path, v1::Priority fallback) {
  const YAML::Node node = section["priority"];
  if (!node || node.IsNull()) return fallback;
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  if (text == "P1") return v1::PRIORITY_P1;
  if (text == "P2") return v1::PRIORITY_P2;
  if (text == "P3") return v1::PRIORITY_P3;
  if (text == "P4") return v1::PRIORITY_P4;
  src.Fail(node, path + ".priority must be one of P1, P2, P3, P4");
}

bool ParseBool(const YamlSource& src, const YAML::Node& section, const std::string& key,
               const std::string& path, bool fallback) {
  const YAML::Node node = section[key];
  if (!node || node.IsNull()) return fallback;
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    src.Fail(node, path + "." + key + " must be true or false");
  }
}

YAML::Node RequiredMap(const YamlSource& src, const std::string& key) {
  const YAML::Node node = src.root()[key];
  if (!node || node.IsNull()) src.Fail(src.root(), key + " is required");
  if (!node.IsMap()) src.Fail(node, key + " must be a map");
  return node;
}

RoutingRules FromSource(const YamlSource& src, const org::OrgDirectory& dir) {
  if (!src.root().IsMap()) src.Fail(src.root(), "the routing rules must be a YAML map");
  RoutingRules rules;
  rules.version = src.OptionalString(src.root(), "version", "routing rules", "");

  const YAML::Node detractor = RequiredMap(src, "detractor_callback");
  rules.detractor_callback.sla =
      ParseSla(src, detractor, "detractor_callback", rules.detractor_callback.sla);
  rules.detractor_callback.priority =
      ParsePriority(src, detractor, "detractor_callback", rules.detractor_callback.priority);
  rules.detractor_callback.owner_chain = ParseOwnerList(src, detractor, "detractor_callback", dir);
  if (!rules.detractor_callback.owner_chain.back().IsFixed()) {
    src.Fail(detractor["owners"],
             "detractor_callback.owners must end with department_head:<id> or person:<id> so "
             "every detractor gets an owner");
  }

  const YAML::Node red_line = RequiredMap(src, "red_line");
  rules.red_line.sla = ParseSla(src, red_line, "red_line", rules.red_line.sla);
  rules.red_line.priority = ParsePriority(src, red_line, "red_line", rules.red_line.priority);
  rules.red_line.owners = ParseOwnerList(src, red_line, "red_line", dir);
  for (std::size_t i = 0; i < rules.red_line.owners.size(); ++i) {
    if (!rules.red_line.owners[i].IsFixed()) {
      src.Fail(red_line["owners"][i],
               "red_line.owners[" + std::to_string(i) +
                   "] must be department_head:<id> or person:<id> (red-line owners are fixed)");
    }
  }

  const YAML::Node complaint = RequiredMap(src, "complaint");
  rules.complaint.sla = ParseSla(src, complaint, "complaint", rules.complaint.sla);
  rules.complaint.priority = ParsePriority(src, complaint, "complaint", rules.complaint.priority);
  rules.complaint.default_department =
      src.RequiredString(complaint, "default_department", "complaint");
  if (!dir.FindDepartment(rules.complaint.default_department)) {
    src.Fail(complaint["default_department"],
             "complaint.default_department '" + rules.complaint.default_department +
                 "' is not in the org directory");
  }
  rules.complaint.skip_when_other_case = ParseBool(src, complaint, "skip_when_other_case",
                                                   "complaint", rules.complaint.skip_when_other_case);
  const YAML::Node list = src.Sequence(complaint, "rules", "complaint", /*required=*/false);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "complaint.rules[" + std::to_string(i) + "]";
    if (!item.IsMap()) src.Fail(item, path + " must be a map");
    RoutingRule rule;
    rule.topic = src.RequiredString(item, "topic", path);
    rule.name = src.OptionalString(item, "name", path, rule.topic);
    rule.requires_store = ParseBool(src, item, "requires_store", path, false);
    const YAML::Node owner = item["owner"];
    if (!owner) src.Fail(item, path + ".owner is required");
    rule.owner = ParseOwnerSpec(src, owner, path + ".owner", dir);
    rule.line = item.Mark().line + 1;
    rules.complaint.rules.push_back(std::move(rule));
  }

  for (const auto& it : src.root()) {
    const std::string key = it.first.Scalar();
    if (key != "version" && key != "detractor_callback" && key != "red_line" && key != "complaint") {
      src.Fail(it.first, "unknown section '" + key + "'");
    }
  }
  return rules;
}

}  // namespace

bool RoutingRule::Matches(const std::string& topic_id) const {
  if (topic.size() >= 2 && topic.compare(topic.size() - 2, 2, ".*") == 0) {
    return api::IsSameOrDescendant(topic_id, std::string_view(topic).substr(0, topic.size() - 2));
  }
  return topic_id == topic;
}

absl::StatusOr<RoutingRules> RoutingRules::LoadFile(const std::string& path,
                                                    const org::OrgDirectory& directory) {
  return config::LoadYaml([&] {
    const std::string text = config::ReadFile(path);
    RoutingRules rules = FromSource(YamlSource::FromString(text, path), directory);
    rules.source_yaml = text;
    rules.content_hash = config::ContentHash(text);
    return rules;
  });
}

absl::StatusOr<RoutingRules> RoutingRules::FromString(const std::string& yaml,
                                                      const org::OrgDirectory& directory,
                                                      const std::string& source) {
  return config::LoadYaml(
      [&] {
        RoutingRules rules = FromSource(YamlSource::FromString(yaml, source), directory);
        rules.source_yaml = yaml;
        rules.content_hash = config::ContentHash(yaml);
        return rules;
      });
}

}  // namespace voc::assignment
