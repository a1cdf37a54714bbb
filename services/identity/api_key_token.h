// The API key token (issue 9): "vk_<key id>_<secret>", the key id 12
// lower-case hex digits (public: lists and audit lines name it), the secret
// auth::RandomToken() (256 bits, base64url, which may itself contain '_').
// The store keeps auth::Sha256Hex(token) only.
#pragma once

#include <absl/status/status.h>

#include <optional>
#include <string>
#include <string_view>

namespace voc::identity {

inline constexpr char kTokenPrefix[] = "vk_";
inline constexpr std::size_t kKeyIdLength = 12;
// The bootstrap admin key (VOC_BOOTSTRAP_ADMIN_KEY): at least this long.
inline constexpr std::size_t kMinBootstrapKeyLength = 40;
inline constexpr char kBootstrapKeyEnv[] = "VOC_BOOTSTRAP_ADMIN_KEY";
inline constexpr char kBootstrapKeyName[] = "bootstrap-admin";

// 12 random lower-case hex digits.
std::string NewKeyId();
// "vk_<key_id>_<RandomToken()>".
std::string MakeToken(const std::string& key_id);
// The key id of a well-formed token, else nullopt.
std::optional<std::string> KeyIdOf(std::string_view token);

// INVALID_ARGUMENT naming VOC_BOOTSTRAP_ADMIN_KEY unless `token` starts with
// "vk_" and has at least kMinBootstrapKeyLength characters.
absl::Status CheckBootstrapKey(std::string_view token);
// The bootstrap key's id: its own when it is well-formed, else 12 hex digits
// of its SHA-256 (an operator may make one with any generator).
std::string BootstrapKeyId(std::string_view token);

}  // namespace voc::identity
