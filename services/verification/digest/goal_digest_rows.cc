#include "services/verification/digest/goal_digest_rows.h"

#include "common/status/status.h"

namespace voc::verification {
namespace {

// A digest lists a scope's goals, not pages of them.
constexpr int kMaxDigestGoals = 50;

}  // namespace

absl::StatusOr<std::vector<v1::DigestGoal>> GoalStoreDigestRows::Rows(const std::string& department) {
  VOC_ASSIGN_OR_RETURN(const auto goals,
                       goals_.ListGoals(v1::GOAL_STATE_ACTIVE, std::set<std::string>{department}, kMaxDigestGoals));
  std::vector<v1::DigestGoal> rows;
  for (const auto& goal : goals) {
    v1::DigestGoal row;
    row.set_goal(goal.name());
    row.set_title(goal.title());
    row.set_target(goal.target());
    row.set_deadline_day(goal.deadline_day());
    row.set_status(goal.has_latest() ? goal.latest().status() : v1::GOAL_STATUS_NOT_EVALUATED);
    row.set_value(goal.latest().value());
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace voc::verification
