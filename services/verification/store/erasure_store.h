// Erasing one customer's personal data from verification's tables (issue 9,
// PIPL / GDPR; voc.v1.PrivacyService, services/verification/privacy_grpc.h),
// found by the customer id and by the feedback ids ingest reported:
//
//   verification_resurveys            customer_id -> '' (original and new
//                                     NPS, states, token, times stay, so
//                                     GetResurveySummary answers as before)
//   verification_detractor_originals  customer_id and contact_email -> ''
//                                     (the NPS stays)
//   verification_awaiting_originals   customer_id -> ''
//
//   verification_knowledge            the entries of the customer's resolved
//                                     cases (source "cases/{id}", from the
//                                     request's case_ids): resolution and
//                                     evidence (the case summary, i.e. the
//                                     customer's text) -> erasure::kErasedText,
//                                     the customer id in the title ->
//                                     "[erased]"; the search text follows.
//
// Verification checks and project entries are written from improvement
// projects and topic counts, never from one feedback. A re-survey not yet sent
// cannot reach the customer any more (no contact): its invitation fails and
// it is counted as never answered.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::verification {

struct VerificationErasure {
  std::int64_t resurveys = 0;
  std::int64_t detractor_originals = 0;
  std::int64_t awaiting_originals = 0;
  std::int64_t knowledge_entries = 0;
};

class ErasureStore {
 public:
  explicit ErasureStore(storage::Database& db) : db_(db) {}

  // One transaction; a second call erases nothing.
  absl::StatusOr<VerificationErasure> EraseCustomer(const std::string& customer_id,
                                                    const std::vector<std::string>& feedback_ids,
                                                    const std::vector<std::string>& case_ids);

 private:
  storage::Database& db_;
};

}  // namespace voc::verification
