// The departments a department owner can choose from, read from the org
// directory YAML (config/directory.yaml: departments[{id, name{zh,en}, head}]).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace voc::gateway {

struct Department {
  std::string id;
  std::string name_zh;
  std::string name_en;
  std::string head;  // person id of the department's head
};

// Throws std::runtime_error naming the file when it cannot be read or a
// department has no id. Missing names fall back to the id.
std::vector<Department> LoadDepartments(const std::string& path);
std::vector<Department> ParseDepartments(const std::string& yaml_text);

// {"departments": [{"id", "name": {"zh", "en"}, "head"}]}
nlohmann::json DepartmentsToJson(const std::vector<Department>& departments);

}  // namespace voc::gateway
