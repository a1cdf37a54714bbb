// voc users create|disable|enable|reset-password|list: accounts in
// voc-identity (admin only). Passwords come from standard input.
#include <iomanip>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/identity_command_support.h"
#include "common/util/time.h"

namespace voc::cli {
namespace {

constexpr char kUsersUsage[] =
    "usage: voc users create PERSON_ID [--username U] --password-stdin\n"
    "       voc users disable U | enable U\n"
    "       voc users reset-password U --password-stdin\n"
    "       voc users list\n"
    "(needs an admin API key in VOC_API_KEY; passwords: at least 12 characters, not the user name)\n";

std::string TimeOrDash(const google::protobuf::Timestamp& t) {
  return IsUnset(t) ? "-" : FormatRfc3339(FromProto(t));
}

void PrintAccount(const CliContext& ctx, const v1::Account& a) {
  ctx.out() << std::left << std::setw(22) << a.username() << std::setw(22) << a.person_id() << std::setw(10)
            << (a.disabled() ? "disabled" : "active") << std::setw(22) << TimeOrDash(a.last_login_time())
            << a.created_by() << "\n";
}

int Fail(const CliContext& ctx, const std::string& what, const grpc::Status& status) {
  ctx.err() << "voc users " << what << ": " << ExplainIdentity(ctx, status) << "\n";
  return kExitFailure;
}

int Create(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"username"}, {"password-stdin"}, &error) || args.positional().size() != 1 ||
      !args.Flag("password-stdin")) {
    ctx.err() << "voc users create: " << (error.empty() ? "needs PERSON_ID and --password-stdin" : error) << "\n"
              << kUsersUsage;
    return kExitUsage;
  }
  v1::CreateAccountRequest request;
  request.set_person_id(args.positional()[0]);
  request.set_username(args.ValueOr("username", ""));
  std::string password;
  if (!ReadPasswordLine(&password)) {
    ctx.err() << "voc users create: no password on standard input\n";
    return kExitUsage;
  }
  request.set_password(password);
  v1::Account account;
  auto call = CallContext(std::chrono::seconds(30));  // Argon2id takes a moment
  const grpc::Status status = IdentityStub(ctx)->CreateAccount(call.get(), request, &account);
  if (!status.ok()) return Fail(ctx, "create", status);
  ctx.out() << "created account " << account.username() << " for " << account.person_id() << "\n";
  return kExitOk;
}

int SetDisabled(const CliContext& ctx, const std::vector<std::string>& words, bool disable) {
  const char* what = disable ? "disable" : "enable";
  if (words.size() != 1) {
    ctx.err() << "voc users " << what << ": needs one user name\n" << kUsersUsage;
    return kExitUsage;
  }
  v1::Account account;
  auto call = CallContext();
  grpc::Status status;
  auto stub = IdentityStub(ctx);
  if (disable) {
    v1::DisableAccountRequest request;
    request.set_username(words[0]);
    status = stub->DisableAccount(call.get(), request, &account);
  } else {
    v1::EnableAccountRequest request;
    request.set_username(words[0]);
    status = stub->EnableAccount(call.get(), request, &account);
  }
  if (!status.ok()) return Fail(ctx, what, status);
  ctx.out() << (disable ? "disabled " : "enabled ") << account.username()
            << (disable ? " (its sessions ended)" : "") << "\n";
  return kExitOk;
}

int ResetPassword(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {}, {"password-stdin"}, &error) || args.positional().size() != 1 ||
      !args.Flag("password-stdin")) {
    ctx.err() << "voc users reset-password: " << (error.empty() ? "needs U and --password-stdin" : error) << "\n"
              << kUsersUsage;
    return kExitUsage;
  }
  v1::ResetPasswordRequest request;
  request.set_username(args.positional()[0]);
  std::string password;
  if (!ReadPasswordLine(&password)) {
    ctx.err() << "voc users reset-password: no password on standard input\n";
    return kExitUsage;
  }
  request.set_password(password);
  v1::Account account;
  auto call = CallContext(std::chrono::seconds(30));
  const grpc::Status status = IdentityStub(ctx)->ResetPassword(call.get(), request, &account);
  if (!status.ok()) return Fail(ctx, "reset-password", status);
  ctx.out() << "new password set for " << account.username() << " (its sessions ended)\n";
  return kExitOk;
}

int List(const CliContext& ctx, const std::vector<std::string>& words) {
  if (!words.empty()) {
    ctx.err() << "voc users list: takes no arguments\n" << kUsersUsage;
    return kExitUsage;
  }
  auto stub = IdentityStub(ctx);
  ctx.out() << std::left << std::setw(22) << "USERNAME" << std::setw(22) << "PERSON" << std::setw(10) << "STATE"
            << std::setw(22) << "LAST LOGIN" << "CREATED BY\n";
  v1::ListAccountsRequest request;
  request.set_page_size(200);
  for (;;) {
    v1::ListAccountsResponse response;
    auto call = CallContext();
    const grpc::Status status = stub->ListAccounts(call.get(), request, &response);
    if (!status.ok()) return Fail(ctx, "list", status);
    for (const auto& a : response.accounts()) PrintAccount(ctx, a);
    if (response.next_page_token().empty()) return kExitOk;
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace

int RunUsers(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty()) {
    ctx.err() << kUsersUsage;
    return kExitUsage;
  }
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  if (words[0] == "create") return Create(ctx, rest);
  if (words[0] == "disable") return SetDisabled(ctx, rest, true);
  if (words[0] == "enable") return SetDisabled(ctx, rest, false);
  if (words[0] == "reset-password") return ResetPassword(ctx, rest);
  if (words[0] == "list") return List(ctx, rest);
  ctx.err() << "voc users: unknown subcommand " << words[0] << "\n" << kUsersUsage;
  return kExitUsage;
}

}  // namespace voc::cli
