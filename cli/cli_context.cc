#include "cli/cli_context.h"

#include "common/rpc/server.h"

namespace voc::cli {
namespace {

const std::map<std::string, std::string> kDefaultAddresses = {
    {"ingest", "127.0.0.1:7101"},   {"triage", "127.0.0.1:7102"},
    {"assignment", "127.0.0.1:7103"}, {"tracking", "127.0.0.1:7104"},
    {"verification", "127.0.0.1:7105"}};

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "code " + std::to_string(static_cast<int>(code));
  }
}

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
      return service + ": " + CodeName(status.error_code()) + ": " + status.error_message();
  }
}

std::unique_ptr<grpc::ClientContext> CallContext(std::chrono::seconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

std::string FormatDuration(Duration d) {
  using namespace std::chrono;
  auto total = duration_cast<seconds>(d).count();
  if (total < 0) total = -total;
  long long days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60,
            secs = total % 60;
  auto two = [](long long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (days > 0) return std::to_string(days) + "d" + std::to_string(hours) + "h";
  if (hours > 0) return std::to_string(hours) + "h" + two(minutes) + "m";
  if (minutes > 0) return std::to_string(minutes) + "m" + two(secs) + "s";
  return std::to_string(secs) + "s";
}

}  // namespace voc::cli
