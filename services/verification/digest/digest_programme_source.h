// The digest's programme part from verification's own store: the week's
// verified projects, a resolved case to learn from (knowledge base), the
// goals' status through GoalDigestRows, and the outreach campaigns whose
// verdict landed in the week (issue 13).
#pragma once

#include <memory>

#include "common/privacy/masker.h"
#include "services/verification/digest/digest_sources.h"
#include "services/verification/store/verification_store.h"

namespace voc::verification {

// The goals of a digest's scope with their latest status, a port so the
// composer is tested without the goals store (GoalStoreDigestRows in
// goal_digest_rows.h reads them from it).
class GoalDigestRows {
 public:
  virtual ~GoalDigestRows() = default;
  // Active goals whose scope is `department` ("" = company-wide goals).
  virtual absl::StatusOr<std::vector<v1::DigestGoal>> Rows(const std::string& department) = 0;
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
  absl::StatusOr<std::vector<v1::DigestOutreach>> Outreach(const DigestWeek& week,
                                                          const std::string& department) override;

 private:
  VerificationStore& store_;
  std::shared_ptr<const privacy::Masker> masker_;
  GoalDigestRows& goals_;
};

}  // namespace voc::verification
