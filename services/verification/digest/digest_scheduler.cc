#include "services/verification/digest/digest_scheduler.h"

#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::verification {

long long DigestScheduler::DueMs(reports::DayNumber monday) const {
  const reports::DayNumber day = monday + 7 + (schedule_.weekday - 1);
  return reports::DayStartMs(day, schedule_.utc_offset_minutes) + static_cast<long long>(schedule_.hour) * 3'600'000;
}

absl::StatusOr<DigestScheduler::Run> DigestScheduler::RunIfDue(TimePoint now) {
  const long long now_ms = ToMillis(now);
  const reports::DayNumber this_monday =
      reports::WeekStart(reports::DayOfMoment(now_ms, schedule_.utc_offset_minutes));
  // Last week's digests are due this week at the configured moment; before
  // it, the week before last is the latest due (its moment was last week).
  reports::DayNumber monday = this_monday - 7;
  if (now_ms < DueMs(monday)) monday -= 7;
  const std::string week_start = reports::FormatDay(monday);
  Run run;
  VOC_ASSIGN_OR_RETURN(const bool done, store_.IsWeekDone(week_start));
  if (done) return run;
  run.week_start = week_start;
  const v1::ComposeDigestsResponse result =
      service_.ComposeWeek(DigestWeek{monday, schedule_.utc_offset_minutes}, /*send=*/true);
  run.composed = result.composed_size();
  run.sent = result.sent();
  run.errors.assign(result.errors().begin(), result.errors().end());
  if (run.errors.empty()) {
    VOC_RETURN_IF_ERROR(store_.MarkWeekDone(week_start, now_ms));
    run.done = true;
  }
  return run;
}

}  // namespace voc::verification
