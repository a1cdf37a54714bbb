// The programme goals' repository (issue 12), in verification's database
// (migration 4): table goals, and goal_evaluations with one row per goal and
// evaluated day (re-evaluating a day replaces its row). Works on SQLite and
// PostgreSQL. Also answers, from verification's own checks, how many of a
// goal's projects passed verification.
//
// Errors: every method catches the database's exceptions and returns a
// status classified by storage::Guarded (UNAVAILABLE, ABORTED, INTERNAL);
// NOT_FOUND "goals/{id} not found" for a missing goal.
// Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/reports/periods.h"
#include "common/storage/database.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

// Keyset position of a goal list: the last goal's create time and id.
struct GoalAfter {
  std::int64_t create_ms = 0;
  std::string id;
};

class GoalStore {
 public:
  explicit GoalStore(storage::Database& db) : db_(db) {}
  GoalStore(const GoalStore&) = delete;
  GoalStore& operator=(const GoalStore&) = delete;

  // Stores `goal` (id, title, metric, scope, numbers, days "YYYY-MM-DD"
  // already validated, state, created_by, create_time) unless a goal with
  // the same request_id exists; returns the stored goal either way (the
  // first one for a repeated request_id). REQUIRES: request_id not empty.
  absl::StatusOr<v1::Goal> CreateGoal(const v1::Goal& goal, const std::string& request_id);
  // With its latest evaluation, if any.
  absl::StatusOr<v1::Goal> GetGoal(const std::string& id);
  // ACTIVE -> ARCHIVED (an archived goal stays archived); returns the goal.
  absl::StatusOr<v1::Goal> ArchiveGoal(const std::string& id);
  // Newest first (create time descending, then id), strictly after
  // `after`, in `state`. `departments`: the goals' departments to return
  // ("" for company-wide goals); nullopt returns every department. Each
  // with its latest evaluation, if any.
  absl::StatusOr<std::vector<v1::Goal>> ListGoals(v1::GoalState state,
                                                  const std::optional<std::set<std::string>>& departments,
                                                  int limit, const std::optional<GoalAfter>& after = {});
  // Every active goal whose start day is on or before `day`, oldest first
  // (without their latest evaluation).
  absl::StatusOr<std::vector<v1::Goal>> ActiveGoalsStartedBy(reports::DayNumber day);

  // Inserts or replaces the evaluation of (goal, evaluation.day).
  absl::Status UpsertEvaluation(const std::string& goal_id, const v1::GoalEvaluation& evaluation);
  // Whether a day before `day` was evaluated MET.
  absl::StatusOr<bool> MetBefore(const std::string& goal_id, reports::DayNumber day);
  // Oldest first, days strictly after `after_day` when given.
  absl::StatusOr<std::vector<v1::GoalEvaluation>> History(const std::string& goal_id, int limit,
                                                          std::optional<reports::DayNumber> after_day = {});
  absl::StatusOr<std::optional<v1::GoalEvaluation>> Latest(const std::string& goal_id);

  // How many of `project_ids` have a VERIFIED check whose verdict came
  // before `before_ms`.
  absl::StatusOr<std::int64_t> CountVerifiedProjects(const std::vector<std::string>& project_ids,
                                                     std::int64_t before_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::verification
