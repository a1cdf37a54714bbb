// voc apikeys create|revoke|list: API keys of internal systems in
// voc-identity (admin only). The token is printed once, at creation.
#include <iomanip>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/identity_command_support.h"
#include "common/util/time.h"

namespace voc::cli {
namespace {

constexpr char kApiKeysUsage[] =
    "usage: voc apikeys create --name NAME --scopes a,b [--token-only]\n"
    "       voc apikeys revoke KEY_ID\n"
    "       voc apikeys list [--all]\n"
    "scopes: feedback:write, feedback:read, cases:read, cases:write, rules:read, rules:write,\n"
    "        analytics:read, notify:read, admin, ... (docs/api.md)\n";

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string TimeOrDash(const google::protobuf::Timestamp& t) {
  return IsUnset(t) ? "-" : FormatRfc3339(FromProto(t));
}

int Fail(const CliContext& ctx, const std::string& what, const grpc::Status& status) {
  ctx.err() << "voc apikeys " << what << ": " << ExplainIdentity(ctx, status) << "\n";
  return kExitFailure;
}

int Create(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"name", "scopes"}, {"token-only"}, &error) || !args.positional().empty() ||
      !args.Value("name") || !args.Value("scopes")) {
    ctx.err() << "voc apikeys create: " << (error.empty() ? "needs --name and --scopes" : error) << "\n"
              << kApiKeysUsage;
    return kExitUsage;
  }
  v1::CreateApiKeyRequest request;
  request.set_name(*args.Value("name"));
  std::string scopes = *args.Value("scopes");
  for (std::size_t start = 0; start <= scopes.size();) {
    std::size_t comma = scopes.find(',', start);
    if (comma == std::string::npos) comma = scopes.size();
    std::string scope = scopes.substr(start, comma - start);
    while (!scope.empty() && scope.front() == ' ') scope.erase(scope.begin());
    while (!scope.empty() && scope.back() == ' ') scope.pop_back();
    if (!scope.empty()) request.add_scopes(scope);
    start = comma + 1;
  }
  v1::CreateApiKeyResponse response;
  auto call = CallContext();
  const grpc::Status status = IdentityStub(ctx)->CreateApiKey(call.get(), request, &response);
  if (!status.ok()) return Fail(ctx, "create", status);
  if (args.Flag("token-only")) {  // for scripts: the token alone on stdout
    ctx.out() << response.token() << "\n";
    return kExitOk;
  }
  ctx.out() << "created API key " << response.key().key_id() << " (" << response.key().name()
            << "; scopes " << Joined(response.key().scopes()) << ")\n"
            << "token: " << response.token() << "\n";
  ctx.err() << "This token is shown once: store it now (e.g. in a Kubernetes Secret). voc-identity keeps only "
               "its SHA-256; a lost token cannot be recovered, only replaced.\n";
  return kExitOk;
}

int Revoke(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.size() != 1) {
    ctx.err() << "voc apikeys revoke: needs one KEY_ID\n" << kApiKeysUsage;
    return kExitUsage;
  }
  v1::RevokeApiKeyRequest request;
  request.set_key_id(words[0]);
  v1::ApiKey key;
  auto call = CallContext();
  const grpc::Status status = IdentityStub(ctx)->RevokeApiKey(call.get(), request, &key);
  if (!status.ok()) return Fail(ctx, "revoke", status);
  ctx.out() << "revoked API key " << key.key_id() << " (" << key.name() << "); refused from now on\n";
  return kExitOk;
}

int List(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {}, {"all"}, &error) || !args.positional().empty()) {
    ctx.err() << "voc apikeys list: " << (error.empty() ? "takes no arguments" : error) << "\n" << kApiKeysUsage;
    return kExitUsage;
  }
  auto stub = IdentityStub(ctx);
  ctx.out() << std::left << std::setw(14) << "KEY ID" << std::setw(22) << "NAME" << std::setw(22) << "CREATED"
            << std::setw(22) << "LAST USED" << std::setw(22) << "REVOKED" << "SCOPES\n";
  v1::ListApiKeysRequest request;
  request.set_page_size(200);
  request.set_include_revoked(args.Flag("all"));
  for (;;) {
    v1::ListApiKeysResponse response;
    auto call = CallContext();
    const grpc::Status status = stub->ListApiKeys(call.get(), request, &response);
    if (!status.ok()) return Fail(ctx, "list", status);
    for (const auto& k : response.keys()) {
      ctx.out() << std::left << std::setw(14) << k.key_id() << std::setw(22) << k.name() << std::setw(22)
                << TimeOrDash(k.create_time()) << std::setw(22) << TimeOrDash(k.last_used_time()) << std::setw(22)
                << TimeOrDash(k.revoke_time()) << Joined(k.scopes()) << "\n";
    }
    if (response.next_page_token().empty()) return kExitOk;
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace

int RunApiKeys(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty()) {
    ctx.err() << kApiKeysUsage;
    return kExitUsage;
  }
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  if (words[0] == "create") return Create(ctx, rest);
  if (words[0] == "revoke") return Revoke(ctx, rest);
  if (words[0] == "list") return List(ctx, rest);
  ctx.err() << "voc apikeys: unknown subcommand " << words[0] << "\n" << kApiKeysUsage;
  return kExitUsage;
}

}  // namespace voc::cli
