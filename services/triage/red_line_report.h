// Issue 10 item 4 ("marks"): the red-line term report (GetRedLineReport and
// `voc triage redlines report`): per term and category, what the red-line
// lists flagged over a period, how the case owners marked it and the
// precision, the terms raising the most false alarms first, so an analyst
// knows which to tighten. Reads RedLineMarkStore; no gRPC types beyond the
// messages. Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "services/triage/store/red_line_marks_store.h"
#include "voc/v1/triage.pb.h"

namespace voc::triage {

class RedLineReporter {
 public:
  explicit RedLineReporter(RedLineMarkStore& store) : store_(store) {}

  // INVALID_ARGUMENT "start_time" / "end_time" when one is missing or the
  // period is empty; the store's status otherwise.
  absl::StatusOr<v1::RedLineReport> Report(const v1::GetRedLineReportRequest& request);

 private:
  RedLineMarkStore& store_;
};

// The order of the report's terms: most false alarms, then lowest
// precision (a term nobody marked yet after every marked one), most
// flagged, then category and term.
void SortTermReports(google::protobuf::RepeatedPtrField<v1::RedLineTermReport>& terms);

}  // namespace voc::triage
