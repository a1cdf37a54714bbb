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

// The code point starting at byte `*pos` of `text`, advancing *pos past it.
// A byte that does not start a well-formed character yields U+FFFD and
// advances one byte. REQUIRES: *pos < text.size().
char32_t NextCodePoint(std::string_view text, std::size_t* pos);

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
