#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace voc {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not
// end inside a UTF-8 character.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

// `text` itself when it fits in `max_bytes`, else its Utf8Prefix followed by
// `ellipsis` (which may take the result past max_bytes).
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes, std::string_view ellipsis = "…");

// Decodes the code point starting at byte `pos` of `s` and advances `pos`
// past it. A byte that does not start a complete sequence decodes to U+FFFD
// and advances one byte, so callers never loop forever. Lenient on purpose
// (an overlong form decodes to its value): text is checked with IsValidUtf8
// where it enters the loop, and this sits on the analyser's per-character hot
// path, hence inline. REQUIRES: pos < s.size().
inline char32_t DecodeUtf8(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  int length = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    ++pos;
    return 0xFFFD;
  }
  if (pos + length > s.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (int i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  pos += length;
  return cp;
}

// True when `text` holds nothing a person would read: only Unicode
// whitespace (the ASCII controls \t\n\v\f\r, U+0085 and every Zs, Zl and
// Zp character: U+0020, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000) and zero-width characters (U+180E, U+200B..U+200D,
// U+2060..U+2064, U+FEFF). The empty text is blank.
bool IsBlankUtf8(std::string_view text);

// Columns `text` takes in a terminal: East Asian wide and fullwidth
// characters (CJK, Hangul, fullwidth forms, most emoji) take two, combining
// marks and zero-width characters none, everything else one.
std::size_t DisplayWidth(std::string_view text);

// `text` cut and padded to exactly `columns` display columns, for a table
// cell: a text that is too wide keeps the longest prefix that fits with
// `ellipsis` after it (never cutting inside a character), then spaces fill
// the rest (a wide character that would straddle the edge is left out).
std::string FitToDisplayWidth(std::string_view text, std::size_t columns, std::string_view ellipsis = "...");

// The part of an error a client or a status message may carry: its first
// line, without the statement and bound values SOCI appends
// (" while executing ..."), which can hold customer text or a whole YAML file
// and overflow gRPC's metadata limit; at most `max_bytes`, cut on a UTF-8
// boundary and marked with "...".
std::string ClientSafeError(std::string_view what, std::size_t max_bytes = 300);

}  // namespace voc
