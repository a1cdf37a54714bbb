#include "cli/args.h"

#include <charconv>

namespace voc::cli {

bool Args::Parse(const std::vector<std::string>& words, const std::set<std::string>& with_value,
                 const std::set<std::string>& flags, std::string* error) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.size() < 3 || word.rfind("--", 0) != 0) {
      positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (flags.count(name) && !inline_value) {
      flags_.insert(name);
    } else if (with_value.count(name)) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else if (i + 1 < words.size()) {
        values_[name] = words[++i];
      } else {
        *error = "--" + name + " needs a value";
        return false;
      }
    } else {
      *error = "unknown option --" + name;
      return false;
    }
  }
  return true;
}

std::optional<std::string> Args::Value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::ValueOr(const std::string& name, const std::string& fallback) const {
  return Value(name).value_or(fallback);
}

bool ParseIntOption(const std::string& name, const std::string& text, int* out, std::string* error) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    *error = "--" + name + ": \"" + text + "\" is not a whole number";
    return false;
  }
  return true;
}

}  // namespace voc::cli
