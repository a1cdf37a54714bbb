#include "common/rpc/channel.h"

#include <grpcpp/support/client_interceptor.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace voc::rpc {
namespace {

// Adds `authorization: Bearer <token>` to each outgoing call's metadata.
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerInterceptorFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string token) : header_("Bearer " + std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(&header_);
  }

 private:
  std::string header_;  // lives as long as the channel (the channel owns the factory)
};

}  // namespace

std::string ApiKeyFromEnvironment() {
  const char* key = std::getenv(kApiKeyEnv);
  return key ? key : "";
}

std::string CallerTokenFromEnvironment() {
  if (const char* token = std::getenv(kServiceTokenEnv); token && *token) return token;
  return ApiKeyFromEnvironment();
}

absl::StatusOr<ChannelSecurity> ChannelSecurityFrom(const Config& config) {
  ChannelSecurity security;
  security.bearer_token = CallerTokenFromEnvironment();
  security.tls = config.GetBool("tls.enabled", false);
  security.ca_file = config.GetString("tls.ca_file", "");
  security.server_name = config.GetString("tls.server_name", "");
  if (security.tls) {
    if (security.ca_file.empty()) {
      return absl::InvalidArgumentError(config.source() + ": tls.ca_file: required when tls.enabled is true");
    }
    std::ifstream in(security.ca_file);
    if (!in) return absl::InvalidArgumentError(config.source() + ": tls.ca_file: cannot read '" + security.ca_file + "'");
  }
  return security;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const ChannelSecurity& security) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (security.tls) {
    grpc::SslCredentialsOptions ssl;
    std::ifstream in(security.ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    ssl.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(ssl);
    if (!security.server_name.empty()) args.SetSslTargetNameOverride(security.server_name);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!security.bearer_token.empty()) {
    interceptors.push_back(std::make_unique<BearerInterceptorFactory>(security.bearer_token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace voc::rpc
