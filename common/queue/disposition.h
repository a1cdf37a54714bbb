// What the queue does with a message after its handler ran: the one mapping
// from a handler's absl::Status to the consumer's decision, so "the database
// is down" means the same in every consuming service.
//
//   OK                                               -> kAck
//   UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED,
//   RESOURCE_EXHAUSTED                               -> kRetry: an outage or a
//       lost race outside the message; retried with back-off and never counted
//       towards dead-lettering, however long it lasts.
//   anything else (INVALID_ARGUMENT, DATA_LOSS,
//   NOT_FOUND, FAILED_PRECONDITION, INTERNAL, ...)   -> kFail: counted; the
//       message moves to "<stream>:dead" with its error after max_deliveries.
#pragma once

#include <absl/status/status.h>

namespace voc::queue {

enum class Disposition { kAck, kRetry, kFail };

inline Disposition DispositionOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return Disposition::kAck;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted: return Disposition::kRetry;
    default: return Disposition::kFail;
  }
}

}  // namespace voc::queue
