#pragma once

#include <string_view>

namespace voc {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace voc
