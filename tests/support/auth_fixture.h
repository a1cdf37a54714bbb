// Credentials for tests that start service binaries (issue 9): random
// per-test tokens for the stage principals and a "tester" principal with
// every scope, the `auth:` config section naming their SHA-256s, and
// channels whose calls carry a principal's token. Nothing here is a secret
// checked into the repo: each TestCredentials draws its own tokens.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace voc::testing {

class TestCredentials {
 public:
  // The stage principals of config/voc.yaml (gateway, assignment,
  // verification, ingest, triage, tracking, notify, identity) with the
  // scopes voc.yaml gives them, plus "tester" holding every scope.
  TestCredentials();

  // Adds (or replaces) a principal, e.g. {"feedback-only", "feedback:write"}.
  void Add(const std::string& name, const std::string& scopes);

  const std::string& Token(const std::string& principal) const;

  // The YAML `auth:` block for a config file (top level, ends with a
  // newline): every principal with token_sha256 and scopes, and `roles:`
  // (the repo's roles file by default, valid against config/directory.yaml;
  // pass "" for a test with its own directory: roles then come from it alone).
  std::string AuthYaml(const std::string& roles_path = "config/roles.yaml") const;

  // The environment a service process needs: VOC_SERVICE_TOKEN=<its token>.
  std::map<std::string, std::string> ServiceEnv(const std::string& service) const;

  // A plaintext channel whose every call carries `principal`'s token.
  std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                         const std::string& principal = "tester") const;

 private:
  struct Entry {
    std::string token;
    std::string scopes;
  };
  std::map<std::string, Entry> principals_;
};

// Makes `context`'s call on behalf of a person (the gateway's header). Only
// honoured on a channel of a principal with act_as_person ("gateway").
void ActFor(grpc::ClientContext& context, const std::string& person_id);

}  // namespace voc::testing
