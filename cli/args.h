// Minimal option parsing for the voc subcommands: "--name value",
// "--name=value", boolean "--flag", and positional words.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace voc::cli {

class Args {
 public:
  // `with_value` and `flags` are the option names (without "--") the
  // command accepts. Returns false and sets `error` for an unknown option or
  // one missing its value.
  bool Parse(const std::vector<std::string>& words, const std::set<std::string>& with_value,
             const std::set<std::string>& flags, std::string* error);

  std::optional<std::string> Value(const std::string& name) const;
  std::string ValueOr(const std::string& name, const std::string& fallback) const;
  bool Flag(const std::string& name) const { return flags_.count(name) > 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

// Parses a whole number option value; sets `error` naming the option.
bool ParseIntOption(const std::string& name, const std::string& text, int* out, std::string* error);

}  // namespace voc::cli
