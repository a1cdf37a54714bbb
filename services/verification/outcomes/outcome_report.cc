#include "services/verification/outcomes/outcome_report.h"

#include "common/reports/nps.h"
#include "common/reports/periods.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"

namespace voc::verification {
namespace {

// The NPS of answers given as their category counts.
reports::NpsFigure NpsOf(std::int64_t promoters, std::int64_t detractors, std::int64_t answers,
                         std::int64_t min_answers) {
  reports::NpsCounts counts;
  counts.promoters = promoters;
  counts.detractors = detractors;
  counts.passives = answers - promoters - detractors;
  return reports::ComputeNps(counts, min_answers);
}

}  // namespace

absl::StatusOr<v1::OutcomeReport> OutcomeReporter::GetOutcomeReport(
    const v1::GetOutcomeReportRequest& request) const {
  VOC_ASSIGN_OR_RETURN(const reports::DayRange days,
                       reports::ParseDayRange(request.start_day(), request.end_day(), kMaxOutcomeReportDays));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  const std::int64_t from_ms = reports::DayStartMs(days.start, utc_offset_minutes_);
  const std::int64_t to_ms = reports::DayStartMs(days.end + 1, utc_offset_minutes_);

  v1::OutcomeReport report;
  VOC_ASSIGN_OR_RETURN(const auto verdicts, store_.CountVerdicts(from_ms, to_ms));
  report.set_verified(verdicts.verified);
  report.set_failed(verdicts.failed);
  report.set_reopened(verdicts.reopened);

  std::optional<ListAfter> after;
  if (page.after) after = ListAfter{page.after->after_key, page.after->after_id};
  VOC_ASSIGN_OR_RETURN(auto checks, store_.ListVerdicts(from_ms, to_ms, page.size, after));
  for (auto& check : checks) *report.add_verifications() = std::move(check.verification);
  if (!checks.empty()) {
    const auto& last = report.verifications(report.verifications_size() - 1);
    report.set_next_page_token(rpc::NextPageToken(request, page, report.verifications_size(),
                                                  {ProtoToMillis(last.check_time()), last.id()}));
  }

  VOC_ASSIGN_OR_RETURN(const auto answers, store_.CountResurveyAnswers(from_ms, to_ms));
  auto& resurveys = *report.mutable_resurveys();
  resurveys.set_answered(answers.answered);
  resurveys.set_now_promoters(answers.new_promoters);
  resurveys.set_now_passives(answers.new_passives);
  resurveys.set_still_detractors(answers.new_detractors);
  resurveys.set_unanswered(answers.unanswered_due);
  resurveys.set_min_answers(nps_min_answers_);
  if (answers.answered > 0) {
    resurveys.set_mean_nps_change(static_cast<double>(answers.nps_change_sum) /
                                  static_cast<double>(answers.answered));
  }
  const auto before = NpsOf(answers.original_promoters, answers.original_detractors, answers.answered,
                            nps_min_answers_);
  const auto now = NpsOf(answers.new_promoters, answers.new_detractors, answers.answered, nps_min_answers_);
  resurveys.set_nps_shown(now.shown);
  if (now.shown) {
    resurveys.set_original_nps(before.nps);
    resurveys.set_answer_nps(now.nps);
  }
  return report;
}

}  // namespace voc::verification
