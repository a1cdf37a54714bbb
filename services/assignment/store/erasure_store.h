// Erasing one customer's personal data from assignment's routing decisions
// (issue 9, PIPL / GDPR; voc.v1.PrivacyService, services/assignment/privacy_grpc.h).
// A decision holds ids, departments, staff person ids and a reason written by
// the router; only a red-line reason quotes the customer (the words matched
// in their text, between kRedLineReasonOpen and kRedLineReasonClose), and
// that part becomes "[erased]". Ids, kinds, owners and case names stay.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::assignment {

// The reason with the quoted words taken out (unchanged when none).
std::string ErasedDecisionReason(const std::string& reason, const std::string& customer_id);

class ErasureStore {
 public:
  explicit ErasureStore(storage::Database& db) : db_(db) {}

  // One transaction; returns how many decision reasons changed.
  absl::StatusOr<std::int64_t> EraseFeedback(const std::string& customer_id,
                                             const std::vector<std::string>& feedback_ids);

 private:
  storage::Database& db_;
};

}  // namespace voc::assignment
