// The queue adapter of verification: decodes voc:tracking, voc:triaged and
// voc:outreach messages and hands them to VerificationService; the returned status goes
// to the consumer unchanged, where queue::DispositionOf decides:
//   a message without its fields or with an undecodable payload
//                      -> INVALID_ARGUMENT: dead-lettered after max_deliveries;
//   the database down  -> UNAVAILABLE (from the store): retried, never
//                         dead-lettered, however long it lasts;
//   events that are not verification's -> OK (acknowledged, ignored).
//
// main.cc runs the batch forms (queue::StreamBatchHandler): a whole read is
// stored in one transaction and acked after its commit. When the batch
// cannot be stored:
//   an outage (a retry status: the database down, the commit failed)
//                      -> that status for every message: the batch stays
//                         pending and comes back whole;
//   a message that fails (e.g. INVALID_ARGUMENT)
//                      -> the batch is rolled back and handled again one
//                         message per transaction, so the bad one gets its
//                         status (and, after max_deliveries, its dead
//                         letter) and the others are stored and acked.
// Redelivery is safe: every write of the store is idempotent, so a batch
// committed and not acked (a crash in between) changes nothing the second
// time. (Log lines of a rolled-back attempt are written again by the
// per-message retry.)
#pragma once

#include <absl/status/status.h>

#include <vector>

#include "common/queue/stream.h"
#include "services/verification/verification_service.h"

namespace voc::verification {

// voc-notify's final delivery states (common/queue/stream.h). Verification
// reads the entries of event "resurvey" for its invitations' delivered /
// failed counts.
using queue::kNotifyOutcomesStream;

class VerificationConsumer {
 public:
  explicit VerificationConsumer(VerificationService& service) : service_(service) {}

  // voc:tracking: fields "event" and "payload" (project_closed and
  // project_reopened carry a voc.v1.Project, case_resolved a voc.v1.Case).
  absl::Status HandleTracking(const queue::StreamMessage& message);
  // voc:triaged: field "payload" = serialized voc.v1.TriagedFeedback.
  absl::Status HandleTriaged(const queue::StreamMessage& message);
  // voc:outreach (issue 13): fields "event" and "payload"; a
  // campaign_verdict carries a voc.v1.CampaignVerdict. Other events -> OK.
  absl::Status HandleOutreach(const queue::StreamMessage& message);
  // voc.notify.outcomes: readable fields "event", "request_id" (the
  // Notification id, "resurvey:<id>" for ours), "state" ("delivered" |
  // "failed"), optionally "last_error". Other events -> OK (not ours); a
  // re-survey outcome without a usable id or state -> INVALID_ARGUMENT.
  absl::Status HandleNotifyOutcome(const queue::StreamMessage& message);

  // One status per message, in order (queue::StreamBatchHandler).
  std::vector<absl::Status> HandleTrackingBatch(const std::vector<queue::StreamMessage>& batch);
  std::vector<absl::Status> HandleTriagedBatch(const std::vector<queue::StreamMessage>& batch);
  std::vector<absl::Status> HandleNotifyOutcomeBatch(const std::vector<queue::StreamMessage>& batch);
  std::vector<absl::Status> HandleOutreachBatch(const std::vector<queue::StreamMessage>& batch);

 private:
  using Handle = absl::Status (VerificationConsumer::*)(const queue::StreamMessage&);
  std::vector<absl::Status> HandleBatch(const std::vector<queue::StreamMessage>& batch, Handle handle);

  VerificationService& service_;
};

}  // namespace voc::verification
