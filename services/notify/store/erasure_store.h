// Erasing one customer's personal data from voc-notify's tables (issue 9,
// PIPL / GDPR; voc.v1.PrivacyService, services/notify/privacy_grpc.h), for
// the cases tracking reported (request case_ids) and for requests whose
// parameters name the customer (customer_id):
//
//   notify_requests    params (customer id, e-mail, original feedback id,
//                      survey link...), subject and body -> empty;
//   notify_deliveries  the rendered subject and bodies and the channel
//                      payload -> empty; a re-survey's address (the
//                      customer's own e-mail) and name -> empty. A delivery
//                      still pending is given up (FAILED, "erased before
//                      delivery"): an emptied message must not be sent, and
//                      its outcome reaches the sender as any failure does.
//
// Ids, events, recipients (staff person ids), channels, states, attempts
// and times stay: the delivery log keeps its shape and counts.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::notify {

inline constexpr char kErasedBeforeDelivery[] = "erased before delivery";

struct NotifyErasure {
  std::int64_t requests = 0;
  std::int64_t deliveries = 0;
  std::int64_t pending_given_up = 0;  // of `deliveries`, the ones that were still pending
};

class ErasureStore {
 public:
  explicit ErasureStore(storage::Database& db) : db_(db) {}

  // One transaction; a second call erases nothing. `case_ids` as tracking
  // reports them ("42"; "cases/42" is matched too).
  absl::StatusOr<NotifyErasure> EraseCustomer(const std::string& customer_id, const std::vector<std::string>& case_ids,
                                              std::int64_t now_ms);

 private:
  storage::Database& db_;
};

}  // namespace voc::notify
