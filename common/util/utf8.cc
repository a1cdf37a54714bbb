#include "common/util/utf8.h"

namespace voc {

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const char32_t cp = DecodeUtf8(text, i);
    const std::size_t len = i - start;
    // DecodeUtf8 turns a byte that starts no complete sequence into U+FFFD
    // and moves one byte: a well-formed U+FFFD takes three.
    if (cp == 0xFFFD && len == 1) return false;
    // Overlong encodings, surrogates and values past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
  }
  return true;
}

std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut);
}

std::string TruncateUtf8(std::string_view text, std::size_t max_bytes, std::string_view ellipsis) {
  if (text.size() <= max_bytes) return std::string(text);
  std::string out(Utf8Prefix(text, max_bytes));
  out += ellipsis;
  return out;
}

namespace {

bool IsUnicodeSpace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool IsZeroWidth(char32_t cp) {
  return cp == 0x180E || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF;
}

bool IsCombining(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

// East Asian Wide (W) and Fullwidth (F) blocks, coarsely: enough for CJK
// names, titles and emoji in a table.
bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::size_t CodePointWidth(char32_t cp) {
  if (IsZeroWidth(cp) || IsCombining(cp)) return 0;
  return IsWide(cp) ? 2 : 1;
}

}  // namespace

bool IsBlankUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = DecodeUtf8(text, pos);
    if (!IsUnicodeSpace(cp) && !IsZeroWidth(cp)) return false;
  }
  return true;
}

std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t pos = 0; pos < text.size();) width += CodePointWidth(DecodeUtf8(text, pos));
  return width;
}

std::string FitToDisplayWidth(std::string_view text, std::size_t columns, std::string_view ellipsis) {
  std::string out;
  std::size_t width = DisplayWidth(text);
  if (width <= columns) {
    out.assign(text);
  } else {
    const std::size_t ellipsis_width = DisplayWidth(ellipsis);
    const std::size_t room = columns > ellipsis_width ? columns - ellipsis_width : 0;
    width = 0;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t start = pos;
      const std::size_t w = CodePointWidth(DecodeUtf8(text, pos));
      if (width + w > room) break;
      width += w;
      out.append(text.substr(start, pos - start));
    }
    if (width + ellipsis_width <= columns) {
      out.append(ellipsis);
      width += ellipsis_width;
    }
  }
  out.append(columns - width, ' ');
  return out;
}

std::string ClientSafeError(std::string_view what, std::size_t max_bytes) {
  what = what.substr(0, what.find('\n'));
  if (const auto statement = what.find(" while executing"); statement != std::string_view::npos) {
    what = what.substr(0, statement);
  }
  return TruncateUtf8(what, max_bytes, "...");
}

}  // namespace voc
