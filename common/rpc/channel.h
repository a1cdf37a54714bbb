// Channels to other services (issue 9): every call carries the caller's own
// credential (`authorization: Bearer <token>`), and with TLS on the channel
// verifies the server's certificate against the configured CA.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/config/config.h"

namespace voc::rpc {

// The environment variable holding the running service's own token.
inline constexpr char kServiceTokenEnv[] = "VOC_SERVICE_TOKEN";
// The environment variable holding the CLI's / load tool's API key.
inline constexpr char kApiKeyEnv[] = "VOC_API_KEY";

// The API key of kApiKeyEnv; "" when unset. The one reader of it, so the
// CLI, the load tool and the services' channels agree on it.
std::string ApiKeyFromEnvironment();

// The bearer token this process sends: its service token when set (a
// service), else its API key (a tool); "" when neither is.
std::string CallerTokenFromEnvironment();

struct ChannelSecurity {
  // Sent as `authorization: Bearer <token>` on every call; empty: none.
  std::string bearer_token;
  // TLS (tls.enabled): verify the server against ca_file's roots (PEM);
  // server_name overrides the name checked in its certificate (tests,
  // addresses by IP).
  bool tls = false;
  std::string ca_file;
  std::string server_name;
};

// This process's own security: the token of CallerTokenFromEnvironment, TLS from tls.enabled / tls.ca_file /
// tls.server_name. INVALID_ARGUMENT when TLS is on and the CA is unreadable.
absl::StatusOr<ChannelSecurity> ChannelSecurityFrom(const Config& config);

// A channel with keepalive and 32 MiB messages that attaches the token to
// every call (a client interceptor, so it works on plaintext loopback
// channels too, where gRPC's call credentials would not be sent).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const ChannelSecurity& security);

}  // namespace voc::rpc
