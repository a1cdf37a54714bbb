// The voc:triaged adapter of assignment: parses a message, hands it to
// AssignmentService and returns its status, which the queue turns into
// ack, retry or dead-letter (common/queue/disposition.h):
//   - a message without a payload is INVALID_ARGUMENT and a payload that is
//     no voc.v1.TriagedFeedback DATA_LOSS: dead-lettered after
//     max_deliveries with that error;
//   - tracking, the database or the notifier being down is UNAVAILABLE:
//     retried for as long as the outage lasts, never dead-lettered.
#pragma once

#include <absl/status/status.h>

#include "common/queue/stream.h"
#include "services/assignment/assignment_service.h"

namespace voc::assignment {

// Thread-safe like AssignmentService.
class AssignmentConsumer {
 public:
  explicit AssignmentConsumer(AssignmentService& service) : service_(service) {}

  // A queue::StreamHandler.
  absl::Status Handle(const queue::StreamMessage& message);

 private:
  AssignmentService& service_;
};

}  // namespace voc::assignment
