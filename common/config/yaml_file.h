// Reading hand-written YAML files (org directory, routing rules, taxonomy,
// red lines, lexicon options, ...) so every error names the file and the
// line a person has to fix: "<file>:<line>: <problem>".
//
// The helpers throw ConfigError (common/config/config.h) while a file is
// being walked, because a loader stops at the first problem; the loader's
// public function catches it once with LoadYaml() and returns
// INVALID_ARGUMENT with that message. No ConfigError leaves a loader.
//
// Thread safety: YamlSource is used by one thread while loading; the free
// functions are stateless.
#pragma once

#include <absl/status/statusor.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/config/config.h"

namespace voc::config {

// Parses YAML text; a syntax error throws ConfigError with its line.
YAML::Node ParseYaml(const std::string& text, const std::string& source);
// Reads a whole file; a missing or unreadable file throws ConfigError.
std::string ReadFile(const std::string& path);

// Throws ConfigError "source:line: message" for `node` (line omitted when
// the node has no mark).
[[noreturn]] void FailAt(const std::string& source, const YAML::Node& node, std::string_view message);
// Requires `node` to be a map whose keys all appear in `allowed`.
void RequireMapWithKeys(const std::string& source, const YAML::Node& node, std::string_view what,
                        std::initializer_list<std::string_view> allowed);
// A scalar string value.
std::string ScalarString(const std::string& source, const YAML::Node& node, std::string_view what);
// A list of non-empty strings; a single scalar is accepted as a one-item list.
std::vector<std::string> StringList(const std::string& source, const YAML::Node& node,
                                    std::string_view what);

// 64-bit FNV-1a as 16 hex digits: a content fingerprint for versioning (not
// cryptographic; it tells two versions apart, it does not authenticate them).
std::string ContentHash(std::string_view text);

// A parsed YAML document plus the name to quote in errors.
class YamlSource {
 public:
  // Parses `text`; `source` is the file name quoted in errors.
  static YamlSource FromString(const std::string& text, std::string source);
  // Reads and parses `path`.
  static YamlSource FromFile(const std::string& path);

  const YAML::Node& root() const { return root_; }
  const std::string& source() const { return source_; }

  // Throws ConfigError "<source>:<line of node>: <problem>".
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& problem) const;

  // A required scalar child `key` of map `node`; `path` names it in errors
  // (e.g. "people[3]"). Fails when missing, empty or not a scalar.
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

// Runs a loader body that walks YAML with the helpers above and returns its
// value, or INVALID_ARGUMENT with the first problem ("file:line: ...").
// yaml-cpp's own exceptions (a bad conversion) are caught the same way.
template <typename Fn>
auto LoadYaml(Fn&& fn) -> absl::StatusOr<std::invoke_result_t<Fn&>> {
  try {
    return fn();
  } catch (const ConfigError& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace voc::config
