#include "services/gateway/directory.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace voc::gateway {
namespace {

std::vector<Department> FromNode(const YAML::Node& root, const std::string& source) {
  std::vector<Department> out;
  const YAML::Node list = root["departments"];
  if (!list) return out;
  if (!list.IsSequence()) throw std::runtime_error(source + ": departments must be a list");
  for (const auto& node : list) {
    Department d;
    d.id = node["id"].as<std::string>("");
    if (d.id.empty()) throw std::runtime_error(source + ": a department has no id");
    const YAML::Node name = node["name"];
    if (name && name.IsMap()) {
      d.name_zh = name["zh"].as<std::string>("");
      d.name_en = name["en"].as<std::string>("");
    } else if (name && name.IsScalar()) {
      d.name_zh = d.name_en = name.as<std::string>();
    }
    if (d.name_zh.empty()) d.name_zh = d.name_en.empty() ? d.id : d.name_en;
    if (d.name_en.empty()) d.name_en = d.name_zh;
    d.head = node["head"].as<std::string>("");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<Department> LoadDepartments(const std::string& path) {
  try {
    return FromNode(YAML::LoadFile(path), path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::vector<Department> ParseDepartments(const std::string& yaml_text) {
  try {
    return FromNode(YAML::Load(yaml_text), "directory");
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("directory: ") + e.what());
  }
}

nlohmann::json DepartmentsToJson(const std::vector<Department>& departments) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : departments) {
    list.push_back({{"id", d.id}, {"name", {{"zh", d.name_zh}, {"en", d.name_en}}}, {"head", d.head}});
  }
  return {{"departments", list}};
}

}  // namespace voc::gateway
