// voc audit list [--kind K] [--principal P] [--limit N]: the audit log of
// voc-identity, newest first (admin only).
#include <iomanip>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/identity_command_support.h"
#include "common/util/time.h"

namespace voc::cli {
namespace {

constexpr char kAuditUsage[] = "usage: voc audit list [--kind K] [--principal P] [--limit N]   (newest first, 50 by default)\n"
                               "kinds: login, login_failed, login_throttled, logout, session_expired,\n"
                               "       account_created, account_disabled, account_enabled, password_reset,\n"
                               "       api_key_created, api_key_revoked, permission_denied, unauthenticated, ...\n";

}  // namespace

int RunAudit(const CliContext& ctx, const std::vector<std::string>& words) {
  if (words.empty() || words[0] != "list") {
    ctx.err() << kAuditUsage;
    return kExitUsage;
  }
  Args args;
  std::string error;
  int limit = 50;
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  if (!args.Parse(rest, {"kind", "principal", "limit"}, {}, &error) || !args.positional().empty() ||
      (args.Value("limit") && !ParseIntOption("limit", *args.Value("limit"), &limit, &error)) || limit < 1) {
    ctx.err() << "voc audit list: " << (error.empty() ? "--limit must be at least 1" : error) << "\n" << kAuditUsage;
    return kExitUsage;
  }
  auto stub = IdentityStub(ctx);
  v1::ListAuditEventsRequest request;
  request.set_kind(args.ValueOr("kind", ""));
  request.set_principal(args.ValueOr("principal", ""));
  int printed = 0;
  while (printed < limit) {
    request.set_page_size(std::min(limit - printed, 1000));
    v1::ListAuditEventsResponse response;
    auto call = CallContext();
    const grpc::Status status = stub->ListAuditEvents(call.get(), request, &response);
    if (!status.ok()) {
      ctx.err() << "voc audit list: " << ExplainIdentity(ctx, status) << "\n";
      return kExitFailure;
    }
    for (const auto& e : response.events()) {
      ctx.out() << FormatRfc3339(FromProto(e.time())) << "  " << std::left << std::setw(18) << e.kind()
                << std::setw(26) << (e.principal().empty() ? "-" : e.principal()) << std::setw(12) << e.service()
                << e.method() << (e.resource().empty() ? "" : " " + e.resource())
                << (e.via().empty() ? "" : " via " + e.via())
                << (e.client_address().empty() ? "" : " from " + e.client_address())
                << (e.detail().empty() ? "" : ": " + e.detail()) << "\n";
      ++printed;
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return kExitOk;
}

}  // namespace voc::cli
