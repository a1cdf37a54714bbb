// The small cryptographic and encoding pieces the channels sign and encode
// with (OpenSSL's HMAC-SHA256 and base64; percent-encoding for URLs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace voc::notify {

// The 32-byte HMAC-SHA256 of `message` keyed by `key` (raw bytes).
std::string HmacSha256(std::string_view key, std::string_view message);

// Standard base64 (RFC 4648 §4, with padding), no line breaks.
std::string Base64Encode(std::string_view bytes);
// Decodes standard base64 (padding optional); nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

// Percent-encodes everything but RFC 3986's unreserved characters, so a
// base64 signature survives as a query parameter ("+" -> "%2B", "/" -> "%2F",
// "=" -> "%3D").
std::string UrlEncode(std::string_view text);

}  // namespace voc::notify
