// voc rules (issue 9): the editable rules and their history, for kinds
// taxonomy, redlines and priority (voc-triage) and routing (voc-assignment).
//
//   voc rules history KIND [--limit N]           newest first
//   voc rules show KIND [VERSION]                the rules in force, or one version's text
//   voc rules update KIND FILE [--comment T]     validate, store as the next version, activate
//   voc rules rollback KIND VERSION [--comment T]
//   voc rules reload                             assignment: re-read the directory and routing files
//
// Changing rules needs a key with rules:write (or admin); the service
// records the key (or the person) as the author and refuses anyone else.
#include <fstream>
#include <iomanip>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "common/util/time.h"
#include "voc/v1/assignment.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kRulesUsage[] =
    "usage: voc rules history KIND [--limit N]\n"
    "       voc rules show KIND [VERSION]\n"
    "       voc rules update KIND FILE [--comment TEXT]\n"
    "       voc rules rollback KIND VERSION [--comment TEXT]\n"
    "       voc rules reload                 (assignment: directory and routing files)\n"
    "KIND: taxonomy | redlines | priority (voc-triage) | routing (voc-assignment)\n"
    "VERSION: a number (3) or a name (routing/versions/3)\n";

// Which service keeps `kind`; "" for none.
std::string ServiceOf(const std::string& kind) {
  if (kind == "taxonomy" || kind == "redlines" || kind == "priority") return "triage";
  if (kind == "routing") return "assignment";
  return "";
}

int Failed(const CliContext& ctx, const std::string& what, const std::string& service, const grpc::Status& status) {
  ctx.err() << "voc rules " << what << ": " << ctx.Explain(service, status) << "\n";
  return kExitFailure;
}

void PrintVersion(const CliContext& ctx, const v1::RuleVersion& v) {
  ctx.out() << std::left << std::setw(24) << v.name() << FormatRfc3339(FromProto(v.create_time())) << "  "
            << std::setw(22) << (v.author().empty() ? "-" : v.author()) << "label " << std::setw(14)
            << (v.label().empty() ? "-" : v.label()) << (v.active() ? "in force " : "         ")
            << (v.rolled_back_from().empty() ? "" : "restores " + v.rolled_back_from() + " ")
            << (v.comment().empty() ? "" : "\"" + v.comment() + "\"") << "\n";
}

// The calls triage and assignment share (rules.proto's messages).
template <typename Stub>
int History(const CliContext& ctx, Stub& stub, const std::string& service, const std::string& kind, int limit) {
  v1::ListRuleVersionsRequest request;
  request.set_kind(kind);
  int printed = 0;
  while (printed < limit) {
    request.set_page_size(std::min(limit - printed, 100));
    v1::ListRuleVersionsResponse response;
    const grpc::Status status = stub.ListRuleVersions(CallContext().get(), request, &response);
    if (!status.ok()) return Failed(ctx, "history", service, status);
    for (const auto& v : response.versions()) {
      PrintVersion(ctx, v);
      ++printed;
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (printed == 0) ctx.out() << "no " << kind << " changes yet: the rules file is in force\n";
  return kExitOk;
}

template <typename Stub>
int ShowVersion(const CliContext& ctx, Stub& stub, const std::string& service, const std::string& kind,
                const std::string& version) {
  v1::GetRuleVersionRequest request;
  request.set_kind(kind);
  request.set_version(version);
  v1::RuleVersion shown;
  const grpc::Status status = stub.GetRuleVersion(CallContext().get(), request, &shown);
  if (!status.ok()) return Failed(ctx, "show", service, status);
  ctx.out() << "# ";
  PrintVersion(ctx, shown);
  ctx.out() << shown.yaml();
  return kExitOk;
}

template <typename Stub>
int Rollback(const CliContext& ctx, Stub& stub, const std::string& service, const std::string& kind,
             const std::string& version, const std::string& comment) {
  v1::RollbackRulesRequest request;
  request.set_kind(kind);
  request.set_version(version);
  request.set_comment(comment);
  v1::RuleVersion made;
  const grpc::Status status = stub.RollbackRules(CallContext().get(), request, &made);
  if (!status.ok()) return Failed(ctx, "rollback", service, status);
  ctx.out() << "rolled back: ";
  PrintVersion(ctx, made);
  return kExitOk;
}

// The rules in force: label, content hash, text.
template <typename Message>
int PrintRules(const CliContext& ctx, const Message& rules) {
  ctx.out() << "# version " << rules.version() << ", content " << rules.content_hash() << "\n" << rules.yaml();
  return kExitOk;
}

int ShowInForce(const CliContext& ctx, const std::string& kind) {
  const std::string service = ServiceOf(kind);
  grpc::Status status;
  if (kind == "routing") {
    auto stub = v1::AssignmentService::NewStub(ctx.Channel(service));
    v1::RoutingRules rules;
    status = stub->GetRoutingRules(CallContext().get(), {}, &rules);
    if (status.ok()) return PrintRules(ctx, rules);
  } else {
    auto stub = v1::TriageService::NewStub(ctx.Channel(service));
    if (kind == "taxonomy") {
      v1::Taxonomy rules;
      status = stub->GetTaxonomy(CallContext().get(), {}, &rules);
      if (status.ok()) return PrintRules(ctx, rules);
    } else if (kind == "redlines") {
      v1::RedLines rules;
      status = stub->GetRedLines(CallContext().get(), {}, &rules);
      if (status.ok()) return PrintRules(ctx, rules);
    } else {
      v1::PriorityRules rules;
      status = stub->GetPriorityRules(CallContext().get(), {}, &rules);
      if (status.ok()) return PrintRules(ctx, rules);
    }
  }
  return Failed(ctx, "show", service, status);
}

int Update(const CliContext& ctx, const std::string& kind, const std::string& yaml, const std::string& comment) {
  const std::string service = ServiceOf(kind);
  grpc::Status status;
  std::string version, hash;
  if (kind == "routing") {
    auto stub = v1::AssignmentService::NewStub(ctx.Channel(service));
    v1::UpdateRoutingRulesRequest request;
    request.set_yaml(yaml);
    request.set_comment(comment);
    v1::RoutingRules made;
    status = stub->UpdateRoutingRules(CallContext().get(), request, &made);
    version = made.version(), hash = made.content_hash();
  } else {
    auto stub = v1::TriageService::NewStub(ctx.Channel(service));
    if (kind == "taxonomy") {
      v1::UpdateTaxonomyRequest request;
      request.set_yaml(yaml);
      request.set_comment(comment);
      v1::Taxonomy made;
      status = stub->UpdateTaxonomy(CallContext().get(), request, &made);
      version = made.version(), hash = made.content_hash();
    } else if (kind == "redlines") {
      v1::UpdateRedLinesRequest request;
      request.set_yaml(yaml);
      request.set_comment(comment);
      v1::RedLines made;
      status = stub->UpdateRedLines(CallContext().get(), request, &made);
      version = made.version(), hash = made.content_hash();
    } else {
      v1::UpdatePriorityRulesRequest request;
      request.set_yaml(yaml);
      request.set_comment(comment);
      v1::PriorityRules made;
      status = stub->UpdatePriorityRules(CallContext().get(), request, &made);
      version = made.version(), hash = made.content_hash();
    }
  }
  if (!status.ok()) return Failed(ctx, "update", service, status);
  ctx.out() << kind << " updated: version " << version << ", content " << hash
            << " (voc rules history " << kind << " shows who and when)\n";
  return kExitOk;
}

}  // namespace

int RunRules(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  const std::vector<std::string> rest(words.begin() + (words.empty() ? 0 : 1), words.end());
  if (words.empty() || !args.Parse(rest, {"limit", "comment"}, {}, &error)) {
    ctx.err() << (error.empty() ? "" : "voc rules: " + error + "\n") << kRulesUsage;
    return kExitUsage;
  }
  const std::string& verb = words[0];
  const auto& pos = args.positional();
  if (verb == "reload") {
    if (!pos.empty()) {
      ctx.err() << kRulesUsage;
      return kExitUsage;
    }
    auto stub = v1::AssignmentService::NewStub(ctx.Channel("assignment"));
    v1::ReloadRulesResponse counts;
    const grpc::Status status = stub->ReloadRules(CallContext().get(), {}, &counts);
    if (!status.ok()) return Failed(ctx, "reload", "assignment", status);
    ctx.out() << "reloaded: " << counts.departments() << " departments, " << counts.people() << " people, "
              << counts.rules() << " routing rules (a changed routing file is a new routing version)\n";
    return kExitOk;
  }
  if (pos.empty() || ServiceOf(pos[0]).empty()) {
    ctx.err() << "voc rules " << verb << ": " << (pos.empty() ? "KIND is missing" : "unknown kind '" + pos[0] + "'")
              << "\n" << kRulesUsage;
    return kExitUsage;
  }
  const std::string kind = pos[0];
  const std::string service = ServiceOf(kind);
  const std::string comment = args.ValueOr("comment", "");
  auto on_stub = [&](auto&& call) {
    if (service == "assignment") {
      auto stub = v1::AssignmentService::NewStub(ctx.Channel(service));
      return call(*stub);
    }
    auto stub = v1::TriageService::NewStub(ctx.Channel(service));
    return call(*stub);
  };
  if (verb == "history" && pos.size() == 1) {
    int limit = 50;
    if (args.Value("limit") && (!ParseIntOption("limit", *args.Value("limit"), &limit, &error) || limit < 1)) {
      ctx.err() << "voc rules history: " << (error.empty() ? "--limit must be at least 1" : error) << "\n";
      return kExitUsage;
    }
    return on_stub([&](auto& stub) { return History(ctx, stub, service, kind, limit); });
  }
  if (verb == "show" && pos.size() == 1) return ShowInForce(ctx, kind);
  if (verb == "show" && pos.size() == 2) {
    return on_stub([&](auto& stub) { return ShowVersion(ctx, stub, service, kind, pos[1]); });
  }
  if (verb == "rollback" && pos.size() == 2) {
    return on_stub([&](auto& stub) { return Rollback(ctx, stub, service, kind, pos[1], comment); });
  }
  if (verb == "update" && pos.size() == 2) {
    std::ifstream in(pos[1]);
    if (!in) {
      ctx.err() << "voc rules update: cannot read " << pos[1] << "\n";
      return kExitUsage;
    }
    std::stringstream text;
    text << in.rdbuf();
    return Update(ctx, kind, text.str(), comment);
  }
  ctx.err() << kRulesUsage;
  return kExitUsage;
}

}  // namespace voc::cli
