// When each feedback's case was opened, read from tracking's API: the run
// puts one customer id on all its feedback, so ListCases(customer_id, kind)
// pages through exactly the run's cases, and each case's create_time is
// tracking's own record of when it was opened (the same machine's clock
// the load tool reads at submit).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <string>

#include "voc/v1/tracking.grpc.pb.h"

namespace voc::load {

// feedback id -> the case's create_time in Unix milliseconds, for every
// case of `kind` of `customer_id`.
absl::StatusOr<std::map<std::string, std::int64_t>> CaseOpenTimes(v1::TrackingService::Stub& tracking,
                                                                 const std::string& customer_id,
                                                                 v1::CaseKind kind);

}  // namespace voc::load
