#include "services/gateway/topics.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

namespace voc::gateway {
namespace {

std::string ParentOf(const std::string& id) {
  const std::size_t dot = id.rfind('.');
  return dot == std::string::npos ? std::string() : id.substr(0, dot);
}

std::string Scalar(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

}  // namespace

TopicCatalog TopicCatalog::Parse(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("taxonomy: ") + e.what());
  }
  const YAML::Node list = root.IsMap() ? root["topics"] : YAML::Node();
  if (!list || !list.IsSequence()) throw std::runtime_error("taxonomy: no topics list");

  TopicCatalog catalog;
  for (const auto& node : list) {
    if (!node.IsMap()) continue;
    TopicInfo t;
    t.id = Scalar(node["id"]);
    if (t.id.empty() || catalog.topics_.count(t.id)) continue;
    const YAML::Node name = node["name"];
    if (name && name.IsMap()) {
      t.name_zh = Scalar(name["zh"]);
      t.name_en = Scalar(name["en"]);
    } else {
      t.name_zh = t.name_en = Scalar(name);
    }
    if (t.name_zh.empty()) t.name_zh = t.name_en.empty() ? t.id : t.name_en;
    if (t.name_en.empty()) t.name_en = t.name_zh;
    t.department = Scalar(node["department"]);
    catalog.order_.push_back(t.id);
    catalog.topics_.emplace(t.id, std::move(t));
  }
  // Inherit departments: shallower ids first, so a parent is resolved before its children.
  std::vector<std::string> by_depth = catalog.order_;
  std::stable_sort(by_depth.begin(), by_depth.end(), [](const std::string& a, const std::string& b) {
    return std::count(a.begin(), a.end(), '.') < std::count(b.begin(), b.end(), '.');
  });
  for (const auto& id : by_depth) {
    TopicInfo& t = catalog.topics_.at(id);
    if (!t.department.empty()) continue;
    for (std::string p = ParentOf(id); !p.empty(); p = ParentOf(p)) {
      auto it = catalog.topics_.find(p);
      if (it != catalog.topics_.end() && !it->second.department.empty()) {
        t.department = it->second.department;
        break;
      }
    }
  }
  return catalog;
}

const TopicInfo* TopicCatalog::Find(const std::string& id) const {
  auto it = topics_.find(id);
  return it == topics_.end() ? nullptr : &it->second;
}

std::vector<std::string> TopicCatalog::RootsOf(const std::string& department) const {
  std::vector<std::string> roots;
  if (department.empty()) return roots;
  for (const auto& id : order_) {
    if (topics_.at(id).department != department) continue;
    bool ancestor_owned = false;
    for (std::string p = ParentOf(id); !p.empty() && !ancestor_owned; p = ParentOf(p)) {
      const TopicInfo* parent = Find(p);
      ancestor_owned = parent && parent->department == department;
    }
    if (!ancestor_owned) roots.push_back(id);
  }
  return roots;
}

std::string TopicCatalog::DepartmentOf(const std::string& id) const {
  for (std::string t = id; !t.empty(); t = ParentOf(t)) {
    if (const TopicInfo* info = Find(t)) return info->department;
  }
  return "";
}

bool TopicCatalog::AnyOwnedBy(const std::string& department, const std::vector<std::string>& topics) const {
  for (const auto& id : topics) {
    if (DepartmentOf(id) == department) return true;
  }
  return false;
}

nlohmann::json TopicCatalog::NamesJson(const std::set<std::string>& ids) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& id : ids) {
    const TopicInfo* t = Find(id);
    if (t) out[id] = {{"zh", t->name_zh}, {"en", t->name_en}, {"department", t->department}};
  }
  return out;
}

}  // namespace voc::gateway
