// Helpers for strict YAML configuration files: every error names the source
// (file path or "<rpc>") and the 1-based line, so an operator can fix it.
//
// Thread safety: stateless free functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace voc::triage {

// Thrown for any invalid configuration. what() reads "source:line: message".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses YAML text; syntax errors become ConfigError with their line.
YAML::Node ParseYamlOrThrow(const std::string& text, const std::string& source);

// Reads a whole file; a missing or unreadable file becomes ConfigError.
std::string ReadFileOrThrow(const std::string& path);

// "source:line: message" for `node` (line from yaml-cpp's Mark, 1-based).
[[noreturn]] void FailAt(const std::string& source, const YAML::Node& node, std::string_view message);

// Requires `node` to be a map whose keys all appear in `allowed`.
void RequireMapWithKeys(const std::string& source, const YAML::Node& node, std::string_view what,
                        std::initializer_list<std::string_view> allowed);

// A scalar string value (non-empty when `required_non_empty`).
std::string ScalarString(const std::string& source, const YAML::Node& node, std::string_view what);

// A list of non-empty strings; a single scalar is accepted as a one-item list.
std::vector<std::string> StringList(const std::string& source, const YAML::Node& node,
                                    std::string_view what);

// 64-bit FNV-1a as 16 hex digits: a content fingerprint for versioning (not
// cryptographic; it tells two versions apart, it does not authenticate them).
std::string ContentHash(std::string_view text);

}  // namespace voc::triage
