#include "services/assignment/directory/yaml_source.h"

#include <fstream>
#include <sstream>

namespace voc::org {

YamlSource YamlSource::FromString(const std::string& text, std::string source) {
  try {
    YAML::Node root = YAML::Load(text);
    return YamlSource(std::move(root), std::move(source));
  } catch (const YAML::ParserException& e) {
    throw YamlFileError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

YamlSource YamlSource::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw YamlFileError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return FromString(text.str(), path);
}

void YamlSource::Fail(const YAML::Node& node, const std::string& problem) const {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.line >= 0) {
    throw YamlFileError(source_ + ":" + std::to_string(mark.line + 1) + ": " + problem);
  }
  throw YamlFileError(source_ + ": " + problem);
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

}  // namespace voc::org
