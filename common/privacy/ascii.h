// Locale-free ASCII character tests for the finders (std::isalpha and
// friends depend on the locale and are undefined for negative chars, which
// every byte of a UTF-8 sequence is).
#pragma once

#include <string_view>

namespace voc::privacy {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiLetter(c); }
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }


inline bool HasAt(std::string_view text, std::size_t pos, std::string_view word) {
  return pos <= text.size() && text.substr(pos, word.size()) == word;
}

// `lower_word` (lower case) at `pos` of `text`, ignoring ASCII case.
inline bool HasAtIgnoringCase(std::string_view text, std::size_t pos, std::string_view lower_word) {
  if (pos > text.size() || text.size() - pos < lower_word.size()) return false;
  for (std::size_t i = 0; i < lower_word.size(); ++i) {
    if (AsciiLower(text[pos + i]) != lower_word[i]) return false;
  }
  return true;
}

}  // namespace voc::privacy
