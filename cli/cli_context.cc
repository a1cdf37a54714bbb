#include "cli/cli_context.h"

#include "common/rpc/server.h"
#include "common/rpc/status.h"

namespace voc::cli {
namespace {

const std::map<std::string, std::string> kDefaultAddresses = {
    {"ingest", "127.0.0.1:7101"},   {"triage", "127.0.0.1:7102"},
    {"assignment", "127.0.0.1:7103"}, {"tracking", "127.0.0.1:7104"},
    {"verification", "127.0.0.1:7105"}};

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

std::shared_ptr<grpc::Channel> CliContext::Channel(const std::string& service) const {
  return voc::rpc::MakeChannel(Address(service));
}

std::string CliContext::Explain(const std::string& service, const grpc::Status& status) const {
  const std::string where = service + " at " + Address(service);
  switch (status.error_code()) {
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
