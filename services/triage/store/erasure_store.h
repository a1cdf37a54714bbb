// Erasing one customer's personal data from triage's tables (issue 9, PIPL /
// GDPR; voc.v1.PrivacyService, services/triage/privacy_grpc.h), by the
// feedback ids ingest reported for them:
//
//   triage_results   customer id, normalised text and drill-down terms go;
//                    the stored TriagedFeedback loses the feedback's text,
//                    customer id / tier / account manager, external id,
//                    attributes (but resurvey_token), the sentiment and
//                    topic evidence and the red-line words matched.
//                    Sentiment, topics, priority, cluster, channel, product,
//                    store, region and times stay: CountFeedback, topic
//                    trends and drill-down counts answer as before.
//   triage_topics    untouched (ids, topics and times only).
//   cluster_members  the member's text goes (the MinHash signature, which
//                    cannot be turned back into text, stays so the cluster
//                    keeps its size); a representative text taken from it is
//                    replaced by another member's once the index reloads
//                    (the privacy adapter reloads its replica's; the others
//                    see kErasureEpochCounter advance and reload before
//                    their next list or batch).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/feedback.pb.h"

namespace voc::triage {

struct TriageErasure {
  std::int64_t results = 0;          // triage_results rows erased
  std::int64_t cluster_texts = 0;    // cluster_members texts blanked
};

// Erases the personal data of one stored TriagedFeedback in place; false
// when there was none left (an erased one).
bool EraseTriagedFeedback(voc::v1::TriagedFeedback& triaged);

class ErasureStore {
 public:
  explicit ErasureStore(storage::Database& db) : db_(db) {}

  // One transaction. Ids without a stored result are skipped; a second call
  // erases nothing.
  absl::StatusOr<TriageErasure> EraseFeedback(const std::vector<std::string>& feedback_ids);

 private:
  storage::Database& db_;
};

}  // namespace voc::triage
