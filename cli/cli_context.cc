#include "cli/cli_context.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/auth/metadata.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/rpc/status.h"

namespace voc::cli {
namespace {

const std::map<std::string, std::string> kDefaultAddresses = {
    {"ingest", "127.0.0.1:7101"},   {"triage", "127.0.0.1:7102"},
    {"assignment", "127.0.0.1:7103"}, {"tracking", "127.0.0.1:7104"},
    {"verification", "127.0.0.1:7105"}, {"notify", "127.0.0.1:7106"},
    {"identity", "127.0.0.1:7107"}, {"entities", "127.0.0.1:7108"}};

}  // namespace

std::string CliContext::Address(const std::string& service) const {
  if (auto it = overrides_.find(service); it != overrides_.end()) return it->second;
  if (config_) {
    try {
      return config_->AddressOf(service);
    } catch (const voc::ConfigError&) {
      // Not in this config file: fall through to the default.
    }
  }
  auto it = kDefaultAddresses.find(service);
  return it == kDefaultAddresses.end() ? "" : it->second;
}

std::string CliApiKey() {
  if (std::string key = rpc::ApiKeyFromEnvironment(); !key.empty()) return key;
  std::string path = kDefaultApiKeyFile;
  if (const char* file = std::getenv("VOC_API_KEY_FILE"); file && *file) path = file;
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

std::shared_ptr<grpc::Channel> CliContext::Channel(const std::string& service) const {
  rpc::ChannelSecurity security;
  if (config_) {
    // TLS settings of the config file (tls.enabled, tls.ca_file, tls.server_name).
    if (auto from_config = rpc::ChannelSecurityFrom(*config_); from_config.ok()) security = *from_config;
  }
  security.bearer_token = CliApiKey();
  return voc::rpc::MakeChannel(Address(service), security);
}

std::string CliContext::Explain(const std::string& service, const grpc::Status& status) const {
  const std::string where = service + " at " + Address(service);
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return where + " refused the credential: " + status.error_message() +
             " (set VOC_API_KEY to an API key, or VOC_API_KEY_FILE; ./scripts/run.sh writes " +
             kDefaultApiKeyFile + ")";
    case grpc::StatusCode::PERMISSION_DENIED:
      return where + ": " + status.error_message() + " (the API key lacks the scope this needs)";
    case grpc::StatusCode::UNAVAILABLE:
      return "cannot reach " + where + ": is it running? (./scripts/run.sh)";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return where + " did not answer in time";
    default:
      return service + ": " + rpc::StatusCodeName(status.error_code()) + ": " + status.error_message();
  }
}

std::unique_ptr<grpc::ClientContext> CallContext(std::chrono::seconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

}  // namespace voc::cli
