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

  VOC_ASSIGN_OR_RETURN(const reports::DayRange days,
                       reports::ParseDayRange(request.start_day(), request.end_day(), kMaxLoopReportDays));

  // The report's end: figures are as of it (loop_figures.h). An event
  // counts when it happened by then and on or before the end's local day:
  // for a past range, whose end is a midnight, strictly before it.
  const std::int64_t as_of_ms = std::min(ToMillis(clock_.Now()), range.to_ms);
  const std::int64_t as_of_day = LocalDay(as_of_ms - 1, utc_offset_minutes_);
  const std::int64_t last_counted_ms =
      LocalDay(as_of_ms, utc_offset_minutes_) == as_of_day ? as_of_ms : as_of_ms - 1;

  LoopRollupQuery sums;
  sums.start_day = days.start;
  sums.end_day = days.end;
  sums.as_of_day = as_of_day;
  sums.kind = request.kind();
  sums.departments = departments;
  VOC_ASSIGN_OR_RETURN(LoopTally tally, rollup_.Tally(sums));

  LoopCaseQuery cases;
  cases.from_ms = range.from_ms;
  cases.to_ms = range.to_ms;
  cases.kind = request.kind();
  cases.departments = std::move(departments);
  VOC_ASSIGN_OR_RETURN(tally.awaiting, store_.CountAwaitingCallbacks(cases, as_of_ms, last_counted_ms));

  v1::LoopReport report = FiguresOf(tally);
  report.set_as_of_day(reports::FormatDay(as_of_day));
  report.set_utc_offset_minutes(utc_offset_minutes_);
  return report;
}

absl::StatusOr<v1::RebuildLoopRollupsResponse> LoopReporter::RebuildLoopRollups(
    const auth::Principal& caller) const {
  if (!auth::IsAdmin(caller)) return auth::Denied("rebuilding the loop roll-up");
  const std::int64_t started = ToMillis(clock_.Now());
  VOC_ASSIGN_OR_RETURN(const LoopRollupRebuilt done, rollup_.Rebuild());
  v1::RebuildLoopRollupsResponse response;
  response.set_cases_read(done.cases);
  response.set_count_rows(done.count_rows);
  response.set_duration_rows(done.duration_rows);
  *response.mutable_took() = ToProto(std::chrono::milliseconds(ToMillis(clock_.Now()) - started));
  return response;
}

}  // namespace voc::tracking
