// The voc:triaged adapter of assignment: parses the messages of a read,
// hands them to AssignmentService as one batch and returns one status per
// message, which the queue turns into ack, retry or dead-letter
// (common/queue/disposition.h):
//   - a message without a payload is INVALID_ARGUMENT and a payload that is
//     no voc.v1.TriagedFeedback DATA_LOSS: dead-lettered after
//     max_deliveries with that error;
//   - tracking, the database or the notifier being down is UNAVAILABLE:
//     retried for as long as the outage lasts, never dead-lettered;
//   - a case tracking refuses (INVALID_ARGUMENT) fails its message only.
#pragma once

#include <absl/status/status.h>

#include <vector>

#include "common/queue/stream.h"
#include "services/assignment/assignment_service.h"

namespace voc::assignment {

// Thread-safe like AssignmentService.
class AssignmentConsumer {
 public:
  explicit AssignmentConsumer(AssignmentService& service) : service_(service) {}

  // A queue::StreamBatchHandler: one status per message, in order.
  std::vector<absl::Status> HandleBatch(const std::vector<queue::StreamMessage>& messages);
  // A batch of one (a queue::StreamHandler).
  absl::Status Handle(const queue::StreamMessage& message);

 private:
  AssignmentService& service_;
};

}  // namespace voc::assignment
