#include "services/verification/goals/goal_service.h"

#include "common/auth/policy.h"
#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/ids.h"
#include "common/util/time.h"
#include "proto/api/limits.h"
#include "proto/api/resource_names.h"
#include "services/verification/goals/goal_access.h"
#include "services/verification/goals/goal_trajectory.h"
#include "services/verification/goals/goal_validation.h"

namespace voc::verification {
namespace {

constexpr int kDefaultHistoryPageSize = 400;
constexpr std::size_t kMaxRequestIdBytes = 200;

absl::StatusOr<std::string> GoalIdOf(const std::string& name) {
  if (name.empty()) return status::InvalidArgument("name", "required");
  std::string id = api::IdFromName(name, "goals/");
  if (id.empty()) return status::InvalidArgument("name", "expected \"goals/{id}\"");
  return id;
}

bool Settled(const v1::GoalEvaluation& e) {
  return e.status() == v1::GOAL_STATUS_MET || e.status() == v1::GOAL_STATUS_MISSED;
}

}  // namespace

reports::DayNumber GoalService::DayOf(TimePoint now) const {
  return reports::DayOfMoment(ToMillis(now), settings_.utc_offset_minutes);
}

absl::StatusOr<v1::Goal> GoalService::CreateGoal(const auth::Principal& caller, const v1::CreateGoalRequest& request) {
  VOC_RETURN_IF_ERROR(MayManageGoals(caller));
  if (!request.has_goal()) return status::InvalidArgument("goal", "required");
  if (request.request_id().size() > kMaxRequestIdBytes) {
    return status::InvalidArgument("request_id", "at most " + std::to_string(kMaxRequestIdBytes) + " bytes");
  }
  VOC_ASSIGN_OR_RETURN(v1::Goal goal, ValidateNewGoal(request.goal()));
  // The same request_id always names the same goal, so a retried create
  // finds the first one; without one every create is new.
  const std::string id = request.request_id().empty() ? NewId() : StableId("goal:" + request.request_id());
  const std::string request_id = request.request_id().empty() ? "auto:" + id : request.request_id();
  goal.set_id(id);
  goal.set_name("goals/" + id);
  goal.set_state(v1::GOAL_STATE_ACTIVE);
  goal.set_created_by(caller.Actor());
  *goal.mutable_create_time() = ToProto(clock_.Now());
  goal.clear_latest();
  VOC_ASSIGN_OR_RETURN(v1::Goal stored, store_.CreateGoal(goal, request_id));
  if (stored.id() == id) log::Info("goal_created", {{"goal", stored.name()}, {"by", stored.created_by()}});
  return stored;
}

absl::StatusOr<v1::Goal> GoalService::ReadableGoal(const auth::Principal& caller, const std::string& name) {
  VOC_ASSIGN_OR_RETURN(const std::string id, GoalIdOf(name));
  VOC_ASSIGN_OR_RETURN(const auto departments, VisibleGoalDepartments(caller));
  absl::StatusOr<v1::Goal> goal = store_.GetGoal(id);
  if (goal.status().code() == absl::StatusCode::kNotFound && departments.has_value()) {
    // AIP-193: someone who sees only some departments' goals (a person) is
    // not told which goals exist.
    return auth::Denied("read " + name);
  }
  if (!goal.ok()) return goal.status();
  VOC_RETURN_IF_ERROR(MayReadGoal(caller, goal->scope().department()));
  return goal;
}

absl::StatusOr<v1::Goal> GoalService::GetGoal(const auth::Principal& caller, const v1::GetGoalRequest& request) {
  return ReadableGoal(caller, request.name());
}

absl::StatusOr<v1::ListGoalsResponse> GoalService::ListGoals(const auth::Principal& caller,
                                                             const v1::ListGoalsRequest& request) {
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  if (!v1::GoalState_IsValid(request.state())) return status::InvalidArgument("state", "unknown goal state");
  const v1::GoalState state = request.state() == v1::GOAL_STATE_UNSPECIFIED ? v1::GOAL_STATE_ACTIVE : request.state();
  VOC_ASSIGN_OR_RETURN(std::optional<std::set<std::string>> departments, VisibleGoalDepartments(caller));
  if (!request.department().empty()) {
    VOC_RETURN_IF_ERROR(MayReadGoal(caller, request.department()));
    departments = std::set<std::string>{request.department()};
  }
  std::optional<GoalAfter> after;
  if (page.after) after = GoalAfter{page.after->after_key, page.after->after_id};
  VOC_ASSIGN_OR_RETURN(auto goals, store_.ListGoals(state, departments, page.size, after));
  v1::ListGoalsResponse response;
  for (auto& goal : goals) *response.add_goals() = std::move(goal);
  if (response.goals_size() > 0) {
    const auto& last = response.goals(response.goals_size() - 1);
    response.set_next_page_token(
        rpc::NextPageToken(request, page, response.goals_size(), {ProtoToMillis(last.create_time()), last.id()}));
  }
  return response;
}

absl::StatusOr<v1::ListGoalHistoryResponse> GoalService::ListGoalHistory(const auth::Principal& caller,
                                                                         const v1::ListGoalHistoryRequest& request) {
  const int size = request.page_size() == 0 ? kDefaultHistoryPageSize : request.page_size();
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page,
                       rpc::ParsePageRequest(size, request.page_token(), rpc::FilterFingerprint(request)));
  VOC_ASSIGN_OR_RETURN(const v1::Goal goal, ReadableGoal(caller, request.name()));
  std::optional<reports::DayNumber> after_day;
  if (page.after) after_day = page.after->after_key;
  VOC_ASSIGN_OR_RETURN(auto evaluations, store_.History(goal.id(), page.size, after_day));
  v1::ListGoalHistoryResponse response;
  for (auto& e : evaluations) *response.add_evaluations() = std::move(e);
  if (response.evaluations_size() > 0) {
    const auto& last = response.evaluations(response.evaluations_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(request, page, response.evaluations_size(),
                                                    {*reports::ParseDay(last.day()), goal.id()}));
  }
  return response;
}

absl::StatusOr<v1::Goal> GoalService::ArchiveGoal(const auth::Principal& caller, const v1::ArchiveGoalRequest& request) {
  VOC_RETURN_IF_ERROR(MayManageGoals(caller));
  VOC_ASSIGN_OR_RETURN(const std::string id, GoalIdOf(request.name()));
  VOC_ASSIGN_OR_RETURN(const v1::Goal goal, store_.GetGoal(id));
  if (goal.state() == v1::GOAL_STATE_ARCHIVED) return goal;
  VOC_ASSIGN_OR_RETURN(v1::Goal archived, store_.ArchiveGoal(id));
  log::Info("goal_archived", {{"goal", archived.name()}, {"by", caller.Actor()}});
  return archived;
}

absl::StatusOr<v1::EvaluateGoalsResponse> GoalService::EvaluateGoals(const v1::EvaluateGoalsRequest& request) {
  reports::DayNumber day = DayOf(clock_.Now());
  if (!request.day().empty()) {
    const auto parsed = reports::ParseDay(request.day());
    if (!parsed) return status::InvalidArgument("day", "expected a day \"YYYY-MM-DD\"");
    day = *parsed;
  }
  VOC_ASSIGN_OR_RETURN(const GoalRunResult result, EvaluateDay(day));
  v1::EvaluateGoalsResponse response;
  response.set_evaluated(result.evaluated);
  for (const auto& error : result.errors) response.add_errors(error);
  return response;
}

absl::StatusOr<GoalRunResult> GoalService::EvaluateDay(reports::DayNumber day) {
  VOC_ASSIGN_OR_RETURN(const auto goals, store_.ActiveGoalsStartedBy(day));
  GoalRunResult result;
  for (const auto& goal : goals) {
    VOC_ASSIGN_OR_RETURN(const bool evaluated, EvaluateGoal(goal, day, result));
    if (evaluated) ++result.evaluated;
  }
  return result;
}

absl::StatusOr<bool> GoalService::EvaluateGoal(const v1::Goal& goal, reports::DayNumber day, GoalRunResult& result) {
  const GoalLine line{goal.baseline(), goal.target(), *reports::ParseDay(goal.start_day()),
                      *reports::ParseDay(goal.deadline_day())};
  if (day > line.deadline_day + 1) {
    // Settled goals are not measured again: their outcome is recorded.
    VOC_ASSIGN_OR_RETURN(const auto latest, store_.Latest(goal.id()));
    if (latest && Settled(*latest)) return false;
  }
  absl::StatusOr<GoalFigure> figure = meter_.Measure(goal, day);
  if (!figure.ok()) {
    result.errors.push_back(goal.name() + ": " + std::string(figure.status().message()));
    log::Warn("goal_not_evaluated", {{"goal", goal.name()},
                                     {"day", reports::FormatDay(day)},
                                     {"error", std::string(figure.status().message())}});
    return false;
  }
  VOC_ASSIGN_OR_RETURN(const bool met_before, store_.MetBefore(goal.id(), day));
  const Standing standing = Evaluate(line, day, figure->value, met_before);
  v1::GoalEvaluation evaluation;
  evaluation.set_day(reports::FormatDay(day));
  evaluation.set_status(standing.status);
  evaluation.set_has_value(figure->value.has_value());
  evaluation.set_value(figure->value.value_or(0));
  evaluation.set_expected(standing.expected);
  evaluation.set_basis(figure->basis);
  evaluation.set_note(figure->note);
  *evaluation.mutable_evaluate_time() = ToProto(clock_.Now());
  VOC_RETURN_IF_ERROR(store_.UpsertEvaluation(goal.id(), evaluation));
  return true;
}

}  // namespace voc::verification
