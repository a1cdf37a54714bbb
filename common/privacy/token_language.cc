#include "common/privacy/token_language.h"

#include "common/util/utf8.h"

namespace voc::privacy {
namespace {

enum class Script { kNone, kCjk, kOtherLetter };

// Latin (with its accented forms), Greek and Cyrillic letters: the other
// side of the decision. Digits, spaces, punctuation and emoji decide nothing.
bool IsNonCjkLetter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

Script ScriptOf(char32_t cp) {
  if (IsCjk(cp)) return Script::kCjk;
  if (IsNonCjkLetter(cp)) return Script::kOtherLetter;
  return Script::kNone;
}

// The start of the code point that ends just before `pos` (> 0).
std::size_t PreviousStart(std::string_view text, std::size_t pos) {
  std::size_t start = pos - 1;
  for (int back = 0; back < 3 && start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80; ++back) {
    --start;
  }
  return start;
}

Script NearestBefore(std::string_view text, std::size_t pos) {
  for (int seen = 0; seen < kLanguageWindow && pos > 0; ++seen) {
    pos = PreviousStart(text, pos);
    std::size_t at = pos;
    if (const Script s = ScriptOf(DecodeUtf8(text, at)); s != Script::kNone) return s;
  }
  return Script::kNone;
}

Script NearestAfter(std::string_view text, std::size_t pos) {
  for (int seen = 0; seen < kLanguageWindow && pos < text.size(); ++seen) {
    if (const Script s = ScriptOf(DecodeUtf8(text, pos)); s != Script::kNone) return s;
  }
  return Script::kNone;
}

}  // namespace

bool IsCjk(char32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) ||   // radicals, CJK punctuation, kana, Han
         (cp >= 0xAC00 && cp <= 0xD7AF) ||   // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // compatibility ideographs
         (cp >= 0xFE30 && cp <= 0xFE4F) ||   // compatibility forms
         (cp >= 0xFF00 && cp <= 0xFFEF) ||   // fullwidth forms
         (cp >= 0x20000 && cp <= 0x3FFFF);   // Han extensions
}

bool HasCjk(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    if (IsCjk(DecodeUtf8(text, pos))) return true;
  }
  return false;
}

bool PrefersChinese(std::string_view text, std::size_t begin, std::size_t end, bool text_has_cjk) {
  const Script before = NearestBefore(text, begin);
  const Script after = NearestAfter(text, end);
  if (before == Script::kCjk || after == Script::kCjk) return true;
  if (before == Script::kNone && after == Script::kNone) return text_has_cjk;
  return false;
}

}  // namespace voc::privacy
