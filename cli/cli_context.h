// What every voc subcommand shares: where the services are, the output
// streams, and how RPC failures are explained to a person.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/config/config.h"

namespace voc::cli {

// Services the CLI talks to, in the order `voc clock` visits them.
inline const std::vector<std::string> kServices = {"ingest", "triage", "assignment", "tracking",
                                                   "verification"};

// Exit codes (documented in docs/api.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // an RPC failed or a service refused
inline constexpr int kExitUsage = 2;    // bad command line or unreadable input
inline constexpr int kExitRejected = 3; // import --strict: some rows were rejected

// The API key every call carries (issue 9): $VOC_API_KEY, else the first
// line of the file $VOC_API_KEY_FILE names, else of ./var/secrets/cli.key
// (the demo's admin key, written by ./scripts/run.sh); "" when none.
inline constexpr char kDefaultApiKeyFile[] = "var/secrets/cli.key";
std::string CliApiKey();

class CliContext {
 public:
  CliContext(std::optional<voc::Config> config, std::map<std::string, std::string> overrides,
             std::ostream& out, std::ostream& err)
      : config_(std::move(config)), overrides_(std::move(overrides)), out_(out), err_(err) {}

  // "--<service> ADDR" wins, then services.<service>.address in the config,
  // then the default 127.0.0.1:710x of config/voc.yaml.
  std::string Address(const std::string& service) const;
  std::shared_ptr<grpc::Channel> Channel(const std::string& service) const;

  std::ostream& out() const { return out_; }
  std::ostream& err() const { return err_; }

  // A one-line explanation of a failed call to `service`, e.g.
  // "cannot reach ingest at 127.0.0.1:7101: is it running? (./scripts/run.sh)".
  std::string Explain(const std::string& service, const grpc::Status& status) const;

 private:
  std::optional<voc::Config> config_;
  std::map<std::string, std::string> overrides_;
  std::ostream& out_;
  std::ostream& err_;
};

// A client context with a deadline, for one call.
std::unique_ptr<grpc::ClientContext> CallContext(std::chrono::seconds timeout = std::chrono::seconds(10));


}  // namespace voc::cli
