// Helpers for reading hand-written YAML files (org directory, routing rules)
// so every error names the file and the line a person has to fix.
#pragma once

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>

namespace voc::org {

// A YAML file that failed to load or validate. what() is
// "<file>:<line>: <problem>" (line is 1-based; omitted when unknown).
class YamlFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parsed YAML document plus the name to quote in errors.
// Not thread-safe; used only while loading.
class YamlSource {
 public:
  // Parses `text`; `source` is the file name quoted in errors.
  // Throws YamlFileError on a syntax error (with its line).
  static YamlSource FromString(const std::string& text, std::string source);
  // Reads and parses `path`. Throws YamlFileError when it cannot be read.
  static YamlSource FromFile(const std::string& path);

  const YAML::Node& root() const { return root_; }
  const std::string& source() const { return source_; }

  // Throws YamlFileError "<source>:<line of node>: <problem>".
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& problem) const;

  // A required scalar child `key` of map `node`; `path` names it in errors
  // (e.g. "people[3]"). Throws when missing, empty or not a scalar.
  std::string RequiredString(const YAML::Node& node, const std::string& key,
                             const std::string& path) const;
  // An optional scalar child; `fallback` when absent or null.
  std::string OptionalString(const YAML::Node& node, const std::string& key,
                             const std::string& path, const std::string& fallback = "") const;
  // A sequence child (absent -> empty sequence when !required).
  YAML::Node Sequence(const YAML::Node& node, const std::string& key, const std::string& path,
                      bool required) const;

 private:
  YamlSource(YAML::Node root, std::string source)
      : root_(std::move(root)), source_(std::move(source)) {}
  YAML::Node root_;
  std::string source_;
};

}  // namespace voc::org
