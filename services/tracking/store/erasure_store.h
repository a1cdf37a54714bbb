// Erasing one customer's personal data from tracking's tables (issue 9,
// PIPL / GDPR; voc.v1.PrivacyService, services/tracking/privacy_grpc.h), for
// the cases opened for the feedback ids ingest reported:
//
//   cases            customer_id -> '', summary -> erasure::kErasedText, the
//                    customer id in the title -> "[erased]", a resolution
//                    note -> kErasedText; the explanation's evidence words
//                    and red-line matches go, the customer id in its
//                    reasons -> "[erased]" (EraseExplanation, issue 12);
//   case_callbacks   notes -> kErasedText;
//   case_history     what people wrote: a resolution note, the free text
//                    after "customer reached: ", "the customer answered: ",
//                    a reassignment's or priority change's reason; the
//                    customer id anywhere;
//   tracking_outbox  the case snapshots queued or published for voc:tracking
//                    are rewritten the same way (payloads are whole cases).
//
// Ids, kinds, states, owners, priorities, topics, times, SLA clocks and
// tasks stay: worklists, SLA figures and verification counts stay true.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {

struct TrackingErasure {
  std::int64_t cases = 0;            // case rows whose texts or customer id went
  std::int64_t callback_notes = 0;
  std::int64_t history_entries = 0;
  std::int64_t outbox_events = 0;
  std::vector<std::string> case_ids;  // every case of those feedback ids, erased now or before
};

// A history detail with the customer's text taken out (see above).
std::string ErasedHistoryDetail(const std::string& action, const std::string& detail,
                                const std::string& customer_id);
// A whole case (an outbox snapshot) erased the same way; false when nothing
// was left to erase.
bool EraseCase(voc::v1::Case& c, const std::string& customer_id);

class CaseErasureStore {
 public:
  explicit CaseErasureStore(storage::Database& db) : db_(db) {}

  // One transaction. `customer_id` finds the id in titles and details.
  absl::StatusOr<TrackingErasure> EraseCustomer(const std::string& customer_id,
                                                const std::vector<std::string>& feedback_ids);

 private:
  storage::Database& db_;
};

}  // namespace voc::tracking
