#include "common/config/yaml_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace voc::config {

YAML::Node ParseYaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot be read");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void FailAt(const std::string& source, const YAML::Node& node, std::string_view message) {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  std::string where = source;
  if (!mark.is_null() && mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  throw ConfigError(where + ": " + std::string(message));
}

void RequireMapWithKeys(const std::string& source, const YAML::Node& node, std::string_view what,
                        std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) FailAt(source, node, std::string(what) + " must be a map");
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      FailAt(source, entry.first,
             "unknown key '" + key + "' in " + std::string(what) + " (allowed: " + list + ")");
    }
  }
}

std::string ScalarString(const std::string& source, const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) FailAt(source, node, std::string(what) + " must be a string");
  return node.Scalar();
}

std::vector<std::string> StringList(const std::string& source, const YAML::Node& node,
                                    std::string_view what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) FailAt(source, item, std::string(what) + " items must be strings");
      out.push_back(item.Scalar());
    }
  } else {
    FailAt(source, node, std::string(what) + " must be a list of strings");
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string& s = out[i];
    if (s.empty() || s == "*") {
      const YAML::Node at = node.IsSequence() ? node[i] : node;
      FailAt(source, at, std::string(what) + " contains an empty term");
    }
  }
  return out;
}

std::string ContentHash(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

YamlSource YamlSource::FromString(const std::string& text, std::string source) {
  YAML::Node root = ParseYaml(text, source);
  return YamlSource(std::move(root), std::move(source));
}

YamlSource YamlSource::FromFile(const std::string& path) { return FromString(ReadFile(path), path); }

void YamlSource::Fail(const YAML::Node& node, const std::string& problem) const {
  FailAt(source_, node, problem);
}

std::string YamlSource::RequiredString(const YAML::Node& node, const std::string& key,
                                       const std::string& path) const {
  const YAML::Node child = node[key];
  if (!child || child.IsNull()) Fail(node, path + "." + key + " is required");
  if (!child.IsScalar()) Fail(child, path + "." + key + " must be a string");
  std::string value = child.Scalar();
  if (value.empty()) Fail(child, path + "." + key + " must not be empty");
  return value;
}

std::string YamlSource::OptionalString(const YAML::Node& node, const std::string& key,
                                       const std::string& path,
                                       const std::string& fallback) const {
  const YAML::Node child = node[key];
  if (!child || child.IsNull()) return fallback;
  if (!child.IsScalar()) Fail(child, path + "." + key + " must be a string");
  return child.Scalar();
}

YAML::Node YamlSource::Sequence(const YAML::Node& node, const std::string& key,
                                const std::string& path, bool required) const {
  const YAML::Node child = node[key];
  if (!child || child.IsNull()) {
    if (required) Fail(node, (path.empty() ? key : path + "." + key) + " is required");
    return YAML::Node(YAML::NodeType::Sequence);
  }
  if (!child.IsSequence()) Fail(child, (path.empty() ? key : path + "." + key) + " must be a list");
  return child;
}

}  // namespace voc::config
