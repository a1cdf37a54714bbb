// Resource ids and names.
#pragma once

#include <string>
#include <string_view>

namespace voc {

// A random 16-hex-digit id (64 bits from a thread-local random engine).
std::string NewId();

// A stable 16-hex-digit id derived from a key (FNV-1a 64), so the same
// idempotency key always maps to the same resource id.
std::string StableId(std::string_view key);

}  // namespace voc
