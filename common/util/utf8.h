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

// The part of an error a client or a status message may carry: its first
// line, without the statement and bound values SOCI appends
// (" while executing ..."), which can hold customer text or a whole YAML file
// and overflow gRPC's metadata limit; at most `max_bytes`, cut on a UTF-8
// boundary and marked with "...".
std::string ClientSafeError(std::string_view what, std::size_t max_bytes = 300);

}  // namespace voc
