// The digest's programme part from verification's own store: the week's
// verified projects, a resolved case to learn from (knowledge base), and the
// goals' status through GoalDigestRows.
#pragma once

#include <memory>

#include "common/privacy/masker.h"
#include "services/verification/digest/digest_sources.h"
#include "services/verification/store/verification_store.h"

namespace voc::verification {

// The goals of a digest's scope with their latest status. One small port so
// the goals store (services/verification/goals/goal_store.h, another
// helper's branch s8-goals) is plugged in at merge with an adapter of a few
// lines, in main.cc.
class GoalDigestRows {
 public:
  virtual ~GoalDigestRows() = default;
  // Active goals whose scope is `department` ("" = company-wide goals).
  virtual absl::StatusOr<std::vector<v1::DigestGoal>> Rows(const std::string& department) = 0;
};

// Until the goals store is wired in, digests show no goals; the renderer
// then leaves the goals section out.
class NoGoalDigestRows final : public GoalDigestRows {
 public:
  absl::StatusOr<std::vector<v1::DigestGoal>> Rows(const std::string&) override {
    return std::vector<v1::DigestGoal>{};
  }
};

class StoreProgrammeDigestSource final : public ProgrammeDigestSource {
 public:
  // `masker` masks the lesson again on the way out, as SearchKnowledge does:
  // entries stored before a name joined the directory are caught too.
  StoreProgrammeDigestSource(VerificationStore& store, std::shared_ptr<const privacy::Masker> masker,
                             GoalDigestRows& goals)
      : store_(store), masker_(std::move(masker)), goals_(goals) {}

  absl::StatusOr<std::vector<v1::DigestWin>> Wins(const DigestWeek& week) override;
  absl::StatusOr<std::optional<v1::DigestLesson>> Lesson(const DigestWeek& week) override;
  absl::StatusOr<std::vector<v1::DigestGoal>> Goals(const DigestWeek& week, const std::string& department) override;

 private:
  VerificationStore& store_;
  std::shared_ptr<const privacy::Masker> masker_;
  GoalDigestRows& goals_;
};

}  // namespace voc::verification
