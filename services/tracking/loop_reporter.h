// GetLoopReport's logic (issue 12): who may see which departments' figures,
// the request's days in the report time zone, the daily roll-up's sums
// (store/loop_rollup_store.h; the hot loop's "awaiting" from the cases) and
// the figures (loop_figures.h). Plain C++: the clock is injected, gRPC is
// loop_report_grpc.h's. Thread-safe (the store pools sessions).
#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <set>
#include <string>

#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/reports/periods.h"
#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "voc/v1/reports.pb.h"

namespace voc::tracking {

// The longest range one report covers (reports.proto: one message).
inline constexpr long kMaxLoopReportDays = 400;

// The departments whose cases `caller`'s report counts (nullopt: every case)
// when asking for `department` ("" = all the caller may see):
//   - a service or API key with analytics:read or cases:read sees every
//     department; without: PERMISSION_DENIED naming analytics:read;
//   - a person sees what auth::VisibleCases gives them (analyst, executive:
//     all; members and heads: their departments);
//   - an explicit department outside that is PERMISSION_DENIED.
absl::StatusOr<std::optional<std::set<std::string>>> LoopReportDepartments(
    const auth::Principal& caller, const std::string& department);

// [from_ms, to_ms): the cases opened on the civil days [start_day, end_day]
// at the report offset.
struct LoopReportRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};
absl::StatusOr<LoopReportRange> LoopReportRangeOf(const std::string& start_day,
                                                  const std::string& end_day,
                                                  int utc_offset_minutes);

class LoopReporter {
 public:
  // `rollup` sums days at its own offset, which is the report's.
  LoopReporter(LoopReportStore& store, LoopRollupStore& rollup, const Clock& clock)
      : store_(store), rollup_(rollup), clock_(clock), utc_offset_minutes_(rollup.utc_offset_minutes()) {}

  // INVALID_ARGUMENT naming start_day, end_day or kind; PERMISSION_DENIED as
  // LoopReportDepartments says; UNAVAILABLE when the database is.
  absl::StatusOr<v1::LoopReport> GetLoopReport(const auth::Principal& caller,
                                               const v1::GetLoopReportRequest& request) const;
  // Admin only (PERMISSION_DENIED otherwise): LoopRollupStore::Rebuild.
  absl::StatusOr<v1::RebuildLoopRollupsResponse> RebuildLoopRollups(const auth::Principal& caller) const;

 private:
  LoopReportStore& store_;
  LoopRollupStore& rollup_;
  const Clock& clock_;
  int utc_offset_minutes_;
};

}  // namespace voc::tracking
