#include "services/verification/digest/digest_programme_source.h"

#include "common/status/status.h"
#include "services/verification/outreach/campaign_verdicts.h"

namespace voc::verification {
namespace {

// A week has few verdicts; more than this would not be read in a digest.
constexpr int kMaxWins = 10;
// Likewise campaigns.
constexpr int kMaxCampaigns = 10;

}  // namespace

absl::StatusOr<std::vector<v1::DigestWin>> StoreProgrammeDigestSource::Wins(const DigestWeek& week) {
  VOC_ASSIGN_OR_RETURN(auto checks, store_.ListVerdicts(week.start_ms(), week.end_ms(), kMaxWins, {},
                                                         v1::VERIFICATION_STATE_VERIFIED));
  std::vector<v1::DigestWin> wins;
  for (const CheckRecord& check : checks) {
    v1::DigestWin& win = wins.emplace_back();
    win.set_project(check.verification.project());
    win.set_title(masker_ ? masker_->Mask(check.project_title) : check.project_title);
    win.set_topic(check.verification.topic());
    win.set_before_share(check.verification.before_share());
    win.set_after_share(check.verification.after_share());
    win.set_p_value(check.verification.p_value());
  }
  return wins;
}

absl::StatusOr<std::optional<v1::DigestLesson>> StoreProgrammeDigestSource::Lesson(const DigestWeek& week) {
  VOC_ASSIGN_OR_RETURN(auto entry, store_.NewestKnowledgeBetween("cases/", week.start_ms(), week.end_ms()));
  if (!entry) return std::nullopt;
  v1::DigestLesson lesson;
  lesson.set_source(entry->source());
  lesson.set_title(masker_ ? masker_->Mask(entry->title()) : entry->title());
  lesson.set_resolution(masker_ ? masker_->Mask(entry->resolution()) : entry->resolution());
  return lesson;
}

absl::StatusOr<std::vector<v1::DigestGoal>> StoreProgrammeDigestSource::Goals(const DigestWeek&,
                                                                             const std::string& department) {
  return goals_.Rows(department);
}

absl::StatusOr<std::vector<v1::DigestOutreach>> StoreProgrammeDigestSource::Outreach(const DigestWeek& week,
                                                                                   const std::string& department) {
  VOC_ASSIGN_OR_RETURN(auto verdicts,
                       store_.CampaignVerdictsBetween(week.start_ms(), week.end_ms(), department, kMaxCampaigns));
  std::vector<v1::DigestOutreach> rows;
  for (const v1::CampaignVerdict& v : verdicts) {
    v1::DigestOutreach& row = rows.emplace_back(DigestRowOf(v));
    if (masker_) row.set_title(masker_->Mask(row.title()));
  }
  return rows;
}

}  // namespace voc::verification
