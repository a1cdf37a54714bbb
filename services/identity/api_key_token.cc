#include "services/identity/api_key_token.h"

#include <sodium.h>

#include "common/auth/authenticator.h"

namespace voc::identity {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string NewKeyId() {
  unsigned char bytes[kKeyIdLength / 2];
  randombytes_buf(bytes, sizeof bytes);
  char hex[kKeyIdLength + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string MakeToken(const std::string& key_id) { return kTokenPrefix + key_id + "_" + auth::RandomToken(); }

std::optional<std::string> KeyIdOf(std::string_view token) {
  const std::size_t prefix = sizeof(kTokenPrefix) - 1;
  if (token.size() < prefix + kKeyIdLength + 2 || token.substr(0, prefix) != kTokenPrefix) return std::nullopt;
  const std::string_view id = token.substr(prefix, kKeyIdLength);
  for (char c : id) {
    if (!IsLowerHex(c)) return std::nullopt;
  }
  if (token[prefix + kKeyIdLength] != '_') return std::nullopt;
  return std::string(id);
}

absl::Status CheckBootstrapKey(std::string_view token) {
  if (token.substr(0, sizeof(kTokenPrefix) - 1) != kTokenPrefix || token.size() < kMinBootstrapKeyLength) {
    return absl::InvalidArgumentError(std::string(kBootstrapKeyEnv) + ": must start with \"vk_\" and have at least " +
                                      std::to_string(kMinBootstrapKeyLength) +
                                      " characters (e.g. vk_<12 hex digits>_<random base64url>)");
  }
  return absl::OkStatus();
}

std::string BootstrapKeyId(std::string_view token) {
  if (auto id = KeyIdOf(token)) return *id;
  return auth::Sha256Hex(token).substr(0, kKeyIdLength);
}

}  // namespace voc::identity
