// The digest's goals from the goals store (goals/goal_store.h): the active
// goals of a scope with their latest evaluation.
#pragma once

#include "services/verification/digest/digest_programme_source.h"
#include "services/verification/goals/goal_store.h"

namespace voc::verification {

class GoalStoreDigestRows final : public GoalDigestRows {
 public:
  explicit GoalStoreDigestRows(GoalStore& goals) : goals_(goals) {}
  // Newest goal first; a goal not evaluated yet shows NOT_EVALUATED.
  absl::StatusOr<std::vector<v1::DigestGoal>> Rows(const std::string& department) override;

 private:
  GoalStore& goals_;
};

}  // namespace voc::verification
