// voc cases list|show|ack|callback|resolve|close: TrackingService from the
// command line.
#include <algorithm>
#include <cstdlib>
#include <iomanip>

#include "cli/args.h"
#include "cli/case_table.h"
#include "cli/commands.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"
#include "proto/api/resource_names.h"
#include "voc/v1/devclock.grpc.pb.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::cli {
namespace {

using voc::v1::Case;

// The tracking service's idea of now: its dev clock when dev mode is on
// (so "time left" matches what the SLA sweeper sees), else this machine's.
TimePoint TrackingNow(const CliContext& ctx) {
  auto stub = voc::v1::DevClockService::NewStub(ctx.Channel("tracking"));
  voc::v1::GetTimeResponse response;
  auto call = CallContext(std::chrono::seconds(3));
  if (stub->GetTime(call.get(), voc::v1::GetTimeRequest(), &response).ok()) {
    return FromProto(response.now());
  }
  return std::chrono::system_clock::now();
}

std::string CaseName(const std::string& id_or_name) {
  return id_or_name.rfind(api::kCases, 0) == 0 ? id_or_name : api::ResourceName(api::kCases, id_or_name);
}

int ListCases(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"department", "owner", "state", "customer", "limit"}, {"overdue", "all"},
                  &error)) {
    ctx.err() << "voc cases list: " << error << "\n";
    return kExitUsage;
  }
  voc::v1::ListCasesRequest request;
  request.set_department(args.ValueOr("department", ""));
  request.set_owner(args.ValueOr("owner", ""));
  request.set_customer_id(args.ValueOr("customer", ""));
  request.set_overdue_only(args.Flag("overdue"));
  if (auto state = args.Value("state")) {
    const auto parsed = api::ParseCaseState(*state);
    if (!parsed) {
      ctx.err() << "voc cases list: --state must be one of open, acknowledged, in_progress, "
                   "waiting_on_customer, resolved, closed\n";
      return kExitUsage;
    }
    request.set_state(*parsed);
  } else {
    request.set_open_only(!args.Flag("all"));
  }
  int limit = 200;
  if (auto text = args.Value("limit"); text && !ParseIntOption("limit", *text, &limit, &error)) {
    ctx.err() << "voc cases list: " << error << "\n";
    return kExitUsage;
  }

  auto stub = voc::v1::TrackingService::NewStub(ctx.Channel("tracking"));
  std::vector<Case> cases;
  std::string token;
  do {
    request.set_page_size(std::min(limit - static_cast<int>(cases.size()), 500));
    request.set_page_token(token);
    voc::v1::ListCasesResponse response;
    auto call = CallContext();
    grpc::Status status = stub->ListCases(call.get(), request, &response);
    if (!status.ok()) {
      ctx.err() << "voc cases list: " << ctx.Explain("tracking", status) << "\n";
      return kExitFailure;
    }
    cases.insert(cases.end(), response.cases().begin(), response.cases().end());
    token = response.next_page_token();
  } while (!token.empty() && static_cast<int>(cases.size()) < limit);

  if (cases.empty()) {
    ctx.out() << "no cases\n";
    return kExitOk;
  }
  const TimePoint now = TrackingNow(ctx);
  ctx.out() << FormatCaseTable(cases, now) << cases.size() << " case(s)\n";
  return kExitOk;
}

int ShowCase(const CliContext& ctx, const std::string& id) {
  auto stub = voc::v1::TrackingService::NewStub(ctx.Channel("tracking"));
  voc::v1::GetCaseRequest request;
  request.set_name(CaseName(id));
  Case c;
  auto call = CallContext();
  grpc::Status status = stub->GetCase(call.get(), request, &c);
  if (!status.ok()) {
    ctx.err() << "voc cases show: " << ctx.Explain("tracking", status) << "\n";
    return kExitFailure;
  }
  const TimePoint now = TrackingNow(ctx);
  auto& out = ctx.out();
  out << c.name() << "  " << c.title() << "\n"
      << "  kind:      " << api::CaseKindName(c.kind()) << "\n"
      << "  priority:  " << api::PriorityName(c.priority()) << "\n"
      << "  state:     " << api::CaseStateName(c.state()) << (c.overdue() ? " (overdue)" : "") << "\n"
      << "  due:       " << DueText(c, now);
  if (!IsUnset(c.due_time())) out << " (" << FormatRfc3339(FromProto(c.due_time())) << ")";
  out << "\n  owners:   ";
  for (const auto& owner : c.owners()) out << " " << OwnerText(owner);
  out << "\n  feedback:  " << c.feedback_id() << "   customer: " << c.customer_id() << "\n";
  if (c.topics_size() > 0) {
    out << "  topics:   ";
    for (const auto& topic : c.topics()) out << " " << topic;
    out << "\n";
  }
  if (!c.summary().empty()) out << "  summary:   " << c.summary() << "\n";
  if (!c.resolution_note().empty()) out << "  resolution: " << c.resolution_note() << "\n";
  for (const auto& cb : c.callbacks()) {
    out << "  callback " << FormatRfc3339(FromProto(cb.time())) << " by " << cb.actor() << ": "
        << (cb.reached() ? "reached" : "not reached") << (cb.note().empty() ? "" : " - " + cb.note())
        << "\n";
  }
  out << "  history:\n";
  for (const auto& h : c.history()) {
    out << "    " << FormatRfc3339(FromProto(h.time())) << "  " << std::left << std::setw(18)
        << h.actor() << std::setw(16) << h.action() << h.detail() << "\n";
  }
  return kExitOk;
}

std::string DefaultActor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "operator");
}

// ack / callback / resolve / close: one state change, then the case.
int ChangeCase(const CliContext& ctx, const std::string& verb, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"actor", "note"}, {"reached", "unreached"}, &error) ||
      args.positional().size() != 1) {
    ctx.err() << "voc cases " << verb << ": " << (error.empty() ? "expected one case ID" : error)
              << "\n";
    return kExitUsage;
  }
  const std::string name = CaseName(args.positional().front());
  const std::string actor = args.ValueOr("actor", DefaultActor());
  auto stub = voc::v1::TrackingService::NewStub(ctx.Channel("tracking"));
  Case updated;
  auto call = CallContext();
  grpc::Status status;
  if (verb == "ack") {
    voc::v1::AcknowledgeCaseRequest request;
    request.set_name(name);
    request.set_actor(actor);
    status = stub->AcknowledgeCase(call.get(), request, &updated);
  } else if (verb == "callback") {
    if (args.Flag("reached") == args.Flag("unreached")) {
      ctx.err() << "voc cases callback: give exactly one of --reached or --unreached\n";
      return kExitUsage;
    }
    voc::v1::LogCallbackRequest request;
    request.set_name(name);
    request.set_actor(actor);
    request.set_reached(args.Flag("reached"));
    request.set_note(args.ValueOr("note", ""));
    status = stub->LogCallback(call.get(), request, &updated);
  } else if (verb == "resolve") {
    voc::v1::ResolveCaseRequest request;
    request.set_name(name);
    request.set_actor(actor);
    request.set_resolution_note(args.ValueOr("note", ""));
    status = stub->ResolveCase(call.get(), request, &updated);
  } else {
    voc::v1::CloseCaseRequest request;
    request.set_name(name);
    request.set_actor(actor);
    status = stub->CloseCase(call.get(), request, &updated);
  }
  if (!status.ok()) {
    ctx.err() << "voc cases " << verb << ": " << ctx.Explain("tracking", status) << "\n";
    return kExitFailure;
  }
  ctx.out() << updated.name() << " is now " << api::CaseStateName(updated.state()) << "\n";
  return kExitOk;
}

}  // namespace

int RunCases(const CliContext& ctx, const std::vector<std::string>& words) {
  const std::string usage =
      "usage: voc cases list [--department D] [--owner P] [--state S] [--overdue] [--all]\n"
      "       voc cases show ID\n"
      "       voc cases ack ID [--actor P]\n"
      "       voc cases callback ID --reached|--unreached [--note TEXT] [--actor P]\n"
      "       voc cases resolve ID --note TEXT [--actor P]\n"
      "       voc cases close ID [--actor P]\n";
  if (words.empty()) {
    ctx.err() << usage;
    return kExitUsage;
  }
  const std::string verb = words.front();
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (verb == "list") return ListCases(ctx, rest);
  if (verb == "show") {
    if (rest.size() != 1) {
      ctx.err() << "usage: voc cases show ID\n";
      return kExitUsage;
    }
    return ShowCase(ctx, rest.front());
  }
  if (verb == "ack" || verb == "callback" || verb == "resolve" || verb == "close") {
    return ChangeCase(ctx, verb, rest);
  }
  ctx.err() << "voc cases: unknown command " << verb << "\n" << usage;
  return kExitUsage;
}

}  // namespace voc::cli
