#include "common/config/config.h"

#include "common/config/yaml_file.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace voc {
namespace {

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream in(key);
  std::string part;
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

std::string EnvName(const std::string& key) {
  std::string name = "VOC_";
  for (char c : key) name += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

const char* Getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return (v && *v) ? v : nullptr;
}

}  // namespace

absl::StatusOr<Config> Config::Load(const std::string& path, const std::string& service) {
  return config::LoadYaml([&] { return Config(config::ParseYaml(config::ReadFile(path), path), service, path); });
}

absl::StatusOr<Config> Config::FromString(const std::string& yaml, const std::string& service) {
  return config::LoadYaml([&] { return Config(config::ParseYaml(yaml, "<string>"), service, "<string>"); });
}

bool Config::FromEnv(const std::string& key, std::string* value) const {
  if (const char* v = Getenv(EnvName(key))) {
    *value = v;
    return true;
  }
  if (!service_.empty()) {
    const std::string own = "services." + service_ + ".";
    if (key == own + "listen") {
      if (const char* v = Getenv("VOC_LISTEN")) { *value = v; return true; }
    }
    if (key == own + "database") {
      if (const char* v = Getenv("VOC_DATABASE_URL")) { *value = v; return true; }
    }
  }
  return false;
}

YAML::Node Config::Find(const std::string& key) const {
  // Walk through const views so lookups never insert keys; reset() re-points
  // the handle instead of assigning into the tree.
  YAML::Node node;
  node.reset(root_);
  for (const auto& part : SplitKey(key)) {
    if (!node || !node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& view = node;
    YAML::Node next = view[part];
    if (!next) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(next);
  }
  return node;
}

bool Config::Has(const std::string& key) const {
  std::string ignored;
  if (FromEnv(key, &ignored)) return true;
  YAML::Node node = Find(key);
  return node && !node.IsNull();
}

std::vector<std::string> Config::ChildKeys(const std::string& key) const {
  std::vector<std::string> keys;
  const YAML::Node node = Find(key);
  if (!node || !node.IsMap()) return keys;
  for (const auto& entry : node) keys.push_back(entry.first.as<std::string>());
  return keys;
}

std::string Config::Where(const std::string& key) const {
  std::string ignored;
  if (FromEnv(key, &ignored)) return "the environment";
  const YAML::Node node = Find(key);
  if (!node) return source_;
  return source_ + ":" + std::to_string(node.Mark().line + 1);
}

std::string Config::GetString(const std::string& key, const std::string& fallback) const {
  std::string value;
  if (FromEnv(key, &value)) return value;
  YAML::Node node = Find(key);
  if (!node || node.IsNull()) return fallback;
  if (!node.IsScalar()) {
    throw ConfigError(source_ + ":" + std::to_string(node.Mark().line + 1) + ": " + key + " must be a scalar");
  }
  return node.as<std::string>();
}

std::int64_t Config::GetInt(const std::string& key, std::int64_t fallback) const {
  std::string text = GetString(key, "");
  if (text.empty()) return fallback;
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return v;
  } catch (const std::exception&) {
    throw ConfigError(Where(key) + ": " + key + " must be an integer, got \"" + text + "\"");
  }
}

double Config::GetDouble(const std::string& key, double fallback) const {
  std::string text = GetString(key, "");
  if (text.empty()) return fallback;
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return v;
  } catch (const std::exception&) {
    throw ConfigError(Where(key) + ": " + key + " must be a number, got \"" + text + "\"");
  }
}

bool Config::GetBool(const std::string& key, bool fallback) const {
  std::string text = GetString(key, "");
  if (text.empty()) return fallback;
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  throw ConfigError(Where(key) + ": " + key + " must be true or false, got \"" + text + "\"");
}

std::string Config::AddressOf(const std::string& service) const {
  std::string address = GetString("services." + service + ".address");
  if (address.empty()) address = GetString("services." + service + ".listen");
  if (address.empty()) throw ConfigError(source_ + ": services." + service + ".address is not set");
  return address;
}

std::string Config::DataPath(const std::string& relative) const {
  if (relative.empty() || relative.front() == '/' || relative == ":memory:") return relative;
  std::filesystem::path base = GetString("data_dir", "./var");
  return (base / relative).string();
}

std::string Config::DatabaseUrl() const {
  std::string url = ServiceString("database", "sqlite3://" + service_ + ".db");
  const std::string scheme = "sqlite3://";
  if (url.rfind(scheme, 0) == 0) return scheme + DataPath(url.substr(scheme.size()));
  return url;
}

}  // namespace voc
