#include "services/tracking/loop_reporter.h"

#include <algorithm>

#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/reports/periods.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/tracking/loop_figures.h"

namespace voc::tracking {
namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;

// floor(a / b) for b > 0, also for a < 0.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace


absl::StatusOr<std::optional<std::set<std::string>>> LoopReportDepartments(
    const auth::Principal& caller, const std::string& department) {
  // Scoped like every report's figures (auth::VisibleFigures).
  const auth::CaseVisibility v = auth::VisibleFigures(caller);
  if (!caller.is_person() && !v.all) return auth::MissingScope(auth::kAnalyticsRead);
  const bool all = v.all;
  const std::set<std::string>& visible = v.departments;
  if (!department.empty()) {
    if (!all && !visible.contains(department)) {
      return auth::Denied("read the loop report of department " + department);
    }
    return std::optional<std::set<std::string>>(std::set<std::string>{department});
  }
  if (all) return std::optional<std::set<std::string>>();
  return std::optional<std::set<std::string>>(visible);
}

absl::StatusOr<LoopReportRange> LoopReportRangeOf(const std::string& start_day,
                                                  const std::string& end_day,
                                                  int utc_offset_minutes) {
  VOC_ASSIGN_OR_RETURN(const reports::DayRange days,
                       reports::ParseDayRange(start_day, end_day, kMaxLoopReportDays));
  // Local midnight of day d is UTC d * 24 h - offset.
  const std::int64_t offset_ms = utc_offset_minutes * kMinuteMs;
  return LoopReportRange{days.start * kDayMs - offset_ms, (days.end + 1) * kDayMs - offset_ms};
}

absl::StatusOr<v1::LoopReport> LoopReporter::GetLoopReport(
    const auth::Principal& caller, const v1::GetLoopReportRequest& request) const {
  // Who may read anything at all first: a caller without the scope learns
  // nothing about the request's validity either.
  VOC_RETURN_IF_ERROR(LoopReportDepartments(caller, "").status());
  VOC_ASSIGN_OR_RETURN(const LoopReportRange range,
                       LoopReportRangeOf(request.start_day(), request.end_day(), utc_offset_minutes_));
  if (!v1::CaseKind_IsValid(request.kind())) {
    return status::InvalidArgument("kind", "unknown case kind " + std::to_string(request.kind()));
  }
  VOC_ASSIGN_OR_RETURN(auto departments, LoopReportDepartments(caller, request.department()));

  LoopCaseQuery query;
  query.from_ms = range.from_ms;
  query.to_ms = range.to_ms;
  query.kind = request.kind();
  query.departments = std::move(departments);
  VOC_ASSIGN_OR_RETURN(const std::vector<LoopCaseRow> cases, store_.CasesOpened(query));

  // The report's end: figures are as of it (loop_figures.h).
  const std::int64_t as_of_ms = std::min(ToMillis(clock_.Now()), range.to_ms);
  v1::LoopReport report = ComputeLoopFigures(cases, as_of_ms);
  // The local day the end falls in; the range's own end (00:00 of the day
  // after) belongs to end_day.
  const std::int64_t offset_ms = utc_offset_minutes_ * kMinuteMs;
  report.set_as_of_day(reports::FormatDay(FloorDiv(as_of_ms - 1 + offset_ms, kDayMs)));
  report.set_utc_offset_minutes(utc_offset_minutes_);
  return report;
}

}  // namespace voc::tracking
