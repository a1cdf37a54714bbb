#include "services/triage/red_line_report.h"

#include <algorithm>
#include <tuple>

#include "common/status/status.h"
#include "common/util/time.h"
#include "proto/api/enum_names.h"

namespace voc::triage {
namespace {

template <typename Out>
void SetPrecision(std::int64_t confirmed, std::int64_t false_alarms, Out& out) {
  if (confirmed + false_alarms > 0) {
    out.set_precision(static_cast<double>(confirmed) / static_cast<double>(confirmed + false_alarms));
  }
}

}  // namespace

void SortTermReports(google::protobuf::RepeatedPtrField<v1::RedLineTermReport>& terms) {
  std::sort(terms.begin(), terms.end(), [](const v1::RedLineTermReport& a, const v1::RedLineTermReport& b) {
    // Unmarked terms sort after every marked one on precision.
    const double pa = a.has_precision() ? a.precision() : 2.0, pb = b.has_precision() ? b.precision() : 2.0;
    return std::make_tuple(-a.false_alarms(), pa, -a.flagged(), a.category(), a.term()) <
           std::make_tuple(-b.false_alarms(), pb, -b.flagged(), b.category(), b.term());
  });
}

absl::StatusOr<v1::RedLineReport> RedLineReporter::Report(const v1::GetRedLineReportRequest& request) {
  if (IsUnset(request.start_time())) return status::InvalidArgument("start_time", "is required");
  if (IsUnset(request.end_time())) return status::InvalidArgument("end_time", "is required");
  const std::int64_t start_ms = ProtoToMillis(request.start_time());
  const std::int64_t end_ms = ProtoToMillis(request.end_time());
  if (end_ms <= start_ms) return status::InvalidArgument("end_time", "must be after start_time");
  VOC_ASSIGN_OR_RETURN(const auto counts, store_.CountTerms(start_ms, end_ms));
  VOC_ASSIGN_OR_RETURN(const RedLineMarkTotals totals, store_.CountFeedback(start_ms, end_ms));
  v1::RedLineReport report;
  *report.mutable_start_time() = request.start_time();
  *report.mutable_end_time() = request.end_time();
  for (const RedLineTermCount& c : counts) {
    v1::RedLineTermReport* t = report.add_terms();
    t->set_category(api::RedLineCategoryName(static_cast<v1::RedLineCategory>(c.category)));
    t->set_term(c.term);
    t->set_flagged(c.flagged);
    t->set_confirmed(c.confirmed);
    t->set_false_alarms(c.false_alarms);
    t->set_unmarked(c.flagged - c.confirmed - c.false_alarms);
    SetPrecision(c.confirmed, c.false_alarms, *t);
  }
  SortTermReports(*report.mutable_terms());
  report.set_flagged(totals.flagged);
  report.set_confirmed(totals.confirmed);
  report.set_false_alarms(totals.false_alarms);
  SetPrecision(totals.confirmed, totals.false_alarms, report);
  return report;
}

}  // namespace voc::triage
