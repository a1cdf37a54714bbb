// The ingest service's repository: the `feedback` table (see migrations.cc).
// Every method borrows a pooled session; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "common/storage/outbox.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

struct StoreResult {
  // What is stored for the (channel, external_id): the new row, or the one
  // stored by an earlier submission.
  voc::v1::Feedback feedback;
  bool duplicate = false;
};

struct FeedbackFilter {
  std::string customer_id;                                   // empty: any
  voc::v1::Channel channel = voc::v1::CHANNEL_UNSPECIFIED;   // unspecified: any
};

class IngestStore {
 public:
  explicit IngestStore(voc::storage::Database& db) : db_(db) {}

  // Stores every item in one transaction (one fsync for a whole batch).
  // REQUIRES: each item is validated and has id, name and received_time set.
  // An item whose (channel, external_id) is already stored - by an earlier
  // call, a concurrent one, or an earlier item of the same batch - is not
  // written; its result is the stored row with duplicate = true. The unique
  // constraint decides races: ON CONFLICT DO NOTHING, then a re-read.
  // Throws on a storage failure (nothing of the batch is stored then).
  std::vector<StoreResult> InsertOrGet(const std::vector<voc::v1::Feedback>& items);

  std::optional<voc::v1::Feedback> Get(const std::string& id);

  // Newest first (received time, then id descending: a stable order).
  std::vector<voc::v1::Feedback> List(const FeedbackFilter& filter, int limit, long offset);

  // The outbox: stored feedback not yet appended to voc:feedback.
  // Claims up to `limit` unqueued rows, oldest first, hands them to
  // `publish` (which appends them in order and returns how many of the first
  // were appended) and sets queued_ms on that prefix; the rest stay unqueued.
  // On PostgreSQL the claimed rows stay locked until they are marked and
  // other relays skip them (FOR UPDATE SKIP LOCKED), so replicas relay
  // disjoint batches; see common/storage/outbox.h. Throws on a storage
  // failure.
  using PublishFeedback = std::function<std::size_t(const std::vector<voc::v1::Feedback>&)>;
  voc::storage::OutboxBatch RelayUnqueued(int limit, std::int64_t queued_ms, const PublishFeedback& publish);
  std::int64_t CountUnqueued();

 private:
  voc::storage::Database& db_;
};

}  // namespace voc::ingest
