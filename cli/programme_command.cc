// voc goals | outcomes | digests (issue 12): the programme side of the
// reports, served by voc-verification (proto/voc/v1/programme.proto).
//   voc goals create --title T --metric M --baseline N --target N --start DAY --deadline DAY [scope...]
//   voc goals list [--archived] | show goals/ID | evaluate [--day DAY]
//   voc outcomes --from DAY --to DAY
//   voc digests compose [--week DAY] [--send] | list | show --week DAY [--department D] [--lang zh|en]
// Creating goals needs an analyst's or admin's key; evaluating and composing
// an admin's (or cases:write); reading any key with analytics:read.
#include <iomanip>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/programme_args.h"
#include "common/util/ids.h"
#include "voc/v1/programme.grpc.pb.h"

namespace voc::cli {
namespace {

constexpr char kGoalsUsage[] =
    "usage: voc goals create --title T --metric nps|topic-share|hot-loop|first-response|projects-verified\n"
    "                        --baseline N --target N --start YYYY-MM-DD --deadline YYYY-MM-DD\n"
    "                        [--window-days 30] [--product P] [--region R] [--department D] [--topic T]\n"
    "                        [--projects ID,ID] [--request-id ID]\n"
    "       voc goals list [--archived] | show goals/ID | evaluate [--day YYYY-MM-DD] | archive goals/ID\n";
constexpr char kOutcomesUsage[] = "usage: voc outcomes --from YYYY-MM-DD --to YYYY-MM-DD\n";
constexpr char kDigestsUsage[] =
    "usage: voc digests compose [--week YYYY-MM-DD] [--send] | list [--department D]\n"
    "       | show --week YYYY-MM-DD [--department D] [--lang zh|en]\n";

std::string Number(double value, int decimals = 1) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

int Failed(const CliContext& ctx, const std::string& what, const grpc::Status& status) {
  ctx.err() << "voc " << what << ": " << ctx.Explain("verification", status) << "\n";
  return kExitFailure;
}

void PrintGoal(const CliContext& ctx, const v1::Goal& goal) {
  ctx.out() << goal.name() << "  " << goal.title() << "\n"
            << "  " << GoalMetricName(goal.metric()) << " " << Number(goal.baseline()) << " -> "
            << Number(goal.target()) << ", " << goal.start_day() << " .. " << goal.deadline_day();
  const auto& scope = goal.scope();
  for (const auto& [label, value] : {std::pair{"product", scope.product()}, {"region", scope.region()},
                                     {"department", scope.department()}, {"topic", scope.topic()}}) {
    if (!value.empty()) ctx.out() << ", " << label << " " << value;
  }
  for (const auto& project : scope.projects()) ctx.out() << ", " << project;
  ctx.out() << "\n  ";
  if (goal.has_latest()) {
    const auto& latest = goal.latest();
    ctx.out() << GoalStatusName(latest.status()) << " on " << latest.day();
    if (latest.has_value()) {
      ctx.out() << ": " << Number(latest.value()) << " (expected " << Number(latest.expected()) << ", basis "
                << latest.basis() << ")";
    }
    if (!latest.note().empty()) ctx.out() << " - " << latest.note();
  } else {
    ctx.out() << "not evaluated yet";
  }
  ctx.out() << "\n";
}

int GoalsCreate(const CliContext& ctx, const Args& args) {
  std::string error;
  auto goal = GoalFromArgs(args, &error);
  if (!goal) {
    ctx.err() << "voc goals create: " << error << "\n" << kGoalsUsage;
    return kExitUsage;
  }
  v1::CreateGoalRequest request;
  *request.mutable_goal() = *std::move(goal);
  // The same request id makes a retried create return the first goal.
  request.set_request_id(args.ValueOr("request-id", NewId()));
  v1::Goal created;
  auto stub = v1::GoalService::NewStub(ctx.Channel("verification"));
  const auto status = stub->CreateGoal(CallContext().get(), request, &created);
  if (!status.ok()) return Failed(ctx, "goals create", status);
  PrintGoal(ctx, created);
  return kExitOk;
}

int GoalsList(const CliContext& ctx, const Args& args) {
  auto stub = v1::GoalService::NewStub(ctx.Channel("verification"));
  v1::ListGoalsRequest request;
  if (args.Flag("archived")) request.set_state(v1::GOAL_STATE_ARCHIVED);
  int shown = 0;
  do {
    v1::ListGoalsResponse response;
    const auto status = stub->ListGoals(CallContext().get(), request, &response);
    if (!status.ok()) return Failed(ctx, "goals list", status);
    for (const auto& goal : response.goals()) {
      PrintGoal(ctx, goal);
      ++shown;
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (shown == 0) ctx.out() << "no goals\n";
  return kExitOk;
}

int GoalsShow(const CliContext& ctx, const std::string& name) {
  auto stub = v1::GoalService::NewStub(ctx.Channel("verification"));
  v1::GetGoalRequest get;
  get.set_name(name);
  v1::Goal goal;
  auto status = stub->GetGoal(CallContext().get(), get, &goal);
  if (!status.ok()) return Failed(ctx, "goals show", status);
  PrintGoal(ctx, goal);
  v1::ListGoalHistoryRequest history;
  history.set_name(name);
  do {
    v1::ListGoalHistoryResponse response;
    status = stub->ListGoalHistory(CallContext().get(), history, &response);
    if (!status.ok()) return Failed(ctx, "goals show", status);
    for (const auto& e : response.evaluations()) {
      ctx.out() << "  " << e.day() << "  " << std::left << std::setw(13) << GoalStatusName(e.status())
                << (e.has_value() ? Number(e.value()) : std::string("-")) << " / expected " << Number(e.expected())
                << "\n";
    }
    history.set_page_token(response.next_page_token());
  } while (!history.page_token().empty());
  return kExitOk;
}

int GoalsEvaluate(const CliContext& ctx, const Args& args) {
  v1::EvaluateGoalsRequest request;
  request.set_day(args.ValueOr("day", ""));
  v1::EvaluateGoalsResponse response;
  auto stub = v1::GoalService::NewStub(ctx.Channel("verification"));
  const auto status = stub->EvaluateGoals(CallContext(std::chrono::seconds(60)).get(), request, &response);
  if (!status.ok()) return Failed(ctx, "goals evaluate", status);
  ctx.out() << response.evaluated() << " goals evaluated\n";
  for (const auto& error : response.errors()) ctx.out() << "  not evaluated: " << error << "\n";
  return response.errors().empty() ? kExitOk : kExitFailure;
}

int GoalsArchive(const CliContext& ctx, const std::string& name) {
  v1::ArchiveGoalRequest request;
  request.set_name(name);
  v1::Goal goal;
  auto stub = v1::GoalService::NewStub(ctx.Channel("verification"));
  const auto status = stub->ArchiveGoal(CallContext().get(), request, &goal);
  if (!status.ok()) return Failed(ctx, "goals archive", status);
  ctx.out() << goal.name() << " archived\n";
  return kExitOk;
}

}  // namespace

int RunGoals(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (words.empty() ||
      !args.Parse(std::vector<std::string>(words.begin() + 1, words.end()),
                  {"title", "metric", "baseline", "target", "start", "deadline", "window-days", "product", "region",
                   "department", "topic", "projects", "request-id", "day"},
                  {"archived"}, &error)) {
    ctx.err() << (error.empty() ? "" : "voc goals: " + error + "\n") << kGoalsUsage;
    return kExitUsage;
  }
  const std::string& verb = words[0];
  const auto& positional = args.positional();
  if (verb == "create" && positional.empty()) return GoalsCreate(ctx, args);
  if (verb == "list" && positional.empty()) return GoalsList(ctx, args);
  if (verb == "evaluate" && positional.empty()) return GoalsEvaluate(ctx, args);
  if (verb == "show" && positional.size() == 1) return GoalsShow(ctx, positional[0]);
  if (verb == "archive" && positional.size() == 1) return GoalsArchive(ctx, positional[0]);
  ctx.err() << kGoalsUsage;
  return kExitUsage;
}

int RunOutcomes(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (!args.Parse(words, {"from", "to"}, {}, &error) || !args.Value("from") || !args.Value("to") ||
      !args.positional().empty()) {
    ctx.err() << (error.empty() ? "" : "voc outcomes: " + error + "\n") << kOutcomesUsage;
    return kExitUsage;
  }
  auto stub = v1::OutcomeReportService::NewStub(ctx.Channel("verification"));
  v1::GetOutcomeReportRequest request;
  request.set_start_day(*args.Value("from"));
  request.set_end_day(*args.Value("to"));
  bool first = true;
  do {
    v1::OutcomeReport report;
    const auto status = stub->GetOutcomeReport(CallContext().get(), request, &report);
    if (!status.ok()) return Failed(ctx, "outcomes", status);
    if (first) {
      const auto& r = report.resurveys();
      ctx.out() << "projects: " << report.verified() << " verified, " << report.failed() << " failed ("
                << report.reopened() << " reopened)\n"
                << "re-surveys: " << r.answered() << " answered (" << r.now_promoters() << " now promoters, "
                << r.now_passives() << " passives, " << r.still_detractors() << " still detractors), mean change "
                << Number(r.mean_nps_change()) << ", " << r.unanswered() << " due and unanswered";
      if (r.nps_shown()) ctx.out() << "; NPS " << Number(r.original_nps()) << " -> " << Number(r.answer_nps());
      ctx.out() << "\n";
      first = false;
    }
    for (const auto& v : report.verifications()) {
      ctx.out() << "  " << v.project() << "  " << v.topic() << "  "
                << (v.state() == v1::VERIFICATION_STATE_VERIFIED ? "verified" : "failed") << "  "
                << Number(100 * v.before_share()) << "% -> " << Number(100 * v.after_share()) << "%  p "
                << Number(v.p_value(), 4) << "\n";
    }
    request.set_page_token(report.next_page_token());
  } while (!request.page_token().empty());
  return kExitOk;
}

int RunDigests(const CliContext& ctx, const std::vector<std::string>& words) {
  Args args;
  std::string error;
  if (words.empty() || !args.Parse(std::vector<std::string>(words.begin() + 1, words.end()),
                                   {"week", "department", "lang"}, {"send"}, &error) ||
      !args.positional().empty()) {
    ctx.err() << (error.empty() ? "" : "voc digests: " + error + "\n") << kDigestsUsage;
    return kExitUsage;
  }
  auto stub = v1::DigestService::NewStub(ctx.Channel("verification"));
  const std::string& verb = words[0];
  if (verb == "compose") {
    v1::ComposeDigestsRequest request;
    request.set_week_start(args.ValueOr("week", ""));
    request.set_send(args.Flag("send"));
    v1::ComposeDigestsResponse response;
    const auto status = stub->ComposeDigests(CallContext(std::chrono::seconds(120)).get(), request, &response);
    if (!status.ok()) return Failed(ctx, "digests compose", status);
    for (const auto& name : response.composed()) ctx.out() << name << "\n";
    ctx.out() << response.composed_size() << " digests composed, " << response.sent() << " notifications sent\n";
    return kExitOk;
  }
  if (verb == "list") {
    v1::ListDigestsRequest request;
    request.set_department(args.ValueOr("department", ""));
    do {
      v1::ListDigestsResponse response;
      const auto status = stub->ListDigests(CallContext().get(), request, &response);
      if (!status.ok()) return Failed(ctx, "digests list", status);
      for (const auto& d : response.digests()) {
        ctx.out() << d.week_start() << "  " << (d.department().empty() ? "company" : d.department()) << "  "
                  << d.subject_en() << "\n";
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return kExitOk;
  }
  if (verb == "show" && args.Value("week")) {
    v1::GetDigestRequest request;
    request.set_week_start(*args.Value("week"));
    request.set_department(args.ValueOr("department", ""));
    v1::Digest digest;
    const auto status = stub->GetDigest(CallContext().get(), request, &digest);
    if (!status.ok()) return Failed(ctx, "digests show", status);
    const bool english = args.ValueOr("lang", "zh") == "en";
    ctx.out() << (english ? digest.subject_en() : digest.subject_zh()) << "\n\n"
              << (english ? digest.body_en() : digest.body_zh()) << "\n";
    return kExitOk;
  }
  ctx.err() << kDigestsUsage;
  return kExitUsage;
}

}  // namespace voc::cli
