// The gRPC metadata every caller sends (issue 9; docs/architecture.md,
// "Who may call what").
#pragma once

namespace voc::auth {

// "Bearer <token>": a service principal's token (VOC_SERVICE_TOKEN) or an
// internal system's API key ("vk_<key id>_<secret>").
inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kBearerPrefix[] = "Bearer ";
// The person a call is made for. Honoured only from a principal holding the
// act_as_person scope (the gateway); from any other caller the call is
// refused with PERMISSION_DENIED, so a forged header gains nothing.
inline constexpr char kActingForHeader[] = "x-voc-acting-for";
// The browser's address as the gateway saw it (audit lines only).
inline constexpr char kClientAddressHeader[] = "x-voc-client-address";

// The environment variables a caller's token comes from (VOC_SERVICE_TOKEN,
// VOC_API_KEY) and their one reader are in common/rpc/channel.h.

}  // namespace voc::auth
