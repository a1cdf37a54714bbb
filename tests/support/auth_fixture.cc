#include "tests/support/auth_fixture.h"

#include <sstream>
#include <stdexcept>

#include "common/auth/authenticator.h"
#include "common/auth/metadata.h"
#include "common/auth/scopes.h"
#include "common/rpc/channel.h"

namespace voc::testing {

TestCredentials::TestCredentials() {
  // Keep in step with auth.principals in config/voc.yaml.
  Add("gateway", "act_as_person, sessions, keys:verify");
  Add("assignment", "cases:create, keys:verify");
  Add("verification", "triage:count, projects:reopen, analytics:read, keys:verify");
  Add("ingest", "keys:verify");
  Add("triage", "entities:read, keys:verify");
  Add("tracking", "keys:verify");
  Add("notify", "keys:verify");
  Add("identity", "keys:verify");
  Add("entities", "keys:verify, feedback:read");  // outreach reads who complained
  std::string all;
  for (const std::string& scope : auth::KnownScopes()) all += (all.empty() ? "" : ", ") + scope;
  Add("tester", all);
}

void TestCredentials::Add(const std::string& name, const std::string& scopes) {
  principals_[name] = Entry{"test_" + auth::RandomToken(), scopes};
}

const std::string& TestCredentials::Token(const std::string& principal) const {
  auto it = principals_.find(principal);
  if (it == principals_.end()) throw std::out_of_range("no test principal '" + principal + "'");
  return it->second.token;
}

std::string TestCredentials::AuthYaml(const std::string& roles_path) const {
  std::ostringstream out;
  out << "auth:\n";
  out << "  roles: \"" << roles_path << "\"\n";
  out << "  principals:\n";
  for (const auto& [name, entry] : principals_) {
    out << "    " << name << ":\n"
        << "      token_sha256: \"" << auth::Sha256Hex(entry.token) << "\"\n"
        << "      scopes: \"" << entry.scopes << "\"\n";
  }
  return out.str();
}

std::map<std::string, std::string> TestCredentials::ServiceEnv(const std::string& service) const {
  return {{rpc::kServiceTokenEnv, Token(service)}};
}

std::shared_ptr<grpc::Channel> TestCredentials::Channel(const std::string& address,
                                                        const std::string& principal) const {
  rpc::ChannelSecurity security;
  security.bearer_token = Token(principal);
  return rpc::MakeChannel(address, security);
}

void ActFor(grpc::ClientContext& context, const std::string& person_id) {
  context.AddMetadata(auth::kActingForHeader, person_id);
}

}  // namespace voc::testing
