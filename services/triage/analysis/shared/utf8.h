// UTF-8 helpers for matching, shingling and proximity checks, under the
// short names the analysis code uses. One decoder serves the whole analyser:
// these forward to text/utf8.h (ill-formed bytes decode to U+FFFD and are
// skipped one byte at a time; ingest has validated the text anyway).
//
// Thread safety: stateless inline functions.
#pragma once

#include <string>
#include <string_view>

#include "services/triage/analysis/text/utf8.h"

namespace voc::triage::utf8 {

using text::CountCodePoints;

// Decodes the code point at `pos` and advances `pos` past it.
inline char32_t Next(std::string_view text, std::size_t& pos) { return text::DecodeUtf8(text, pos); }

inline void Append(std::string& out, char32_t cp) { text::AppendUtf8(out, cp); }

}  // namespace voc::triage::utf8
