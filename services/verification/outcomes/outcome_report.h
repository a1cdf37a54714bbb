// GetOutcomeReport's logic (issue 12): which projects' fixes were verified,
// failed or reopened in a range of days, with their before/after figures,
// and what recovered detractors answered when re-surveyed. Read from
// verification's own tables (VerificationStore); the days are civil days in
// the report time zone (common/reports/periods.h). Who may read it is
// outcome_grpc.cc's question (verification_access.h: analytics readers, as
// every verification read). Thread-safe (the store pools sessions).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>

#include "services/verification/store/verification_store.h"
#include "voc/v1/programme.pb.h"

namespace voc::verification {

// The longest range one report covers (as every report, reports.proto).
inline constexpr long kMaxOutcomeReportDays = 400;

class OutcomeReporter {
 public:
  // `nps_min_answers`: below it the re-survey NPS figures are not shown
  // (reports.nps_min_answers).
  OutcomeReporter(VerificationStore& store, int utc_offset_minutes, std::int64_t nps_min_answers)
      : store_(store), utc_offset_minutes_(utc_offset_minutes), nps_min_answers_(nps_min_answers) {}

  // INVALID_ARGUMENT names start_day, end_day, page_size or page_token.
  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(const v1::GetOutcomeReportRequest& request) const;

 private:
  VerificationStore& store_;
  int utc_offset_minutes_;
  std::int64_t nps_min_answers_;
};

}  // namespace voc::verification
