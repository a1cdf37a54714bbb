// The queue adapter of verification: decodes voc:tracking and voc:triaged
// messages and hands them to VerificationService; the returned status goes
// to the consumer unchanged, where queue::DispositionOf decides:
//   a message without its fields or with an undecodable payload
//                      -> INVALID_ARGUMENT: dead-lettered after max_deliveries;
//   the database down  -> UNAVAILABLE (from the store): retried, never
//                         dead-lettered, however long it lasts;
//   events that are not verification's -> OK (acknowledged, ignored).
#pragma once

#include <absl/status/status.h>

#include "common/queue/stream.h"
#include "services/verification/verification_service.h"

namespace voc::verification {

class VerificationConsumer {
 public:
  explicit VerificationConsumer(VerificationService& service) : service_(service) {}

  // voc:tracking: fields "event" and "payload" (project_closed and
  // project_reopened carry a voc.v1.Project, case_resolved a voc.v1.Case).
  absl::Status HandleTracking(const queue::StreamMessage& message);
  // voc:triaged: field "payload" = serialized voc.v1.TriagedFeedback.
  absl::Status HandleTriaged(const queue::StreamMessage& message);

 private:
  VerificationService& service_;
};

}  // namespace voc::verification
