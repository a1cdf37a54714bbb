// The ingest service's repository: the `feedback` table (see migrations.cc).
// Every method borrows a pooled session; thread-safe. Errors are statuses
// (common/storage/errors.h): UNAVAILABLE when the database is down or
// locked, ABORTED for a lost race, INTERNAL otherwise; nothing from SOCI
// leaves the store.
#pragma once

#include <absl/status/statusor.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/queue/publisher.h"
#include "common/storage/database.h"
#include "common/storage/outbox.h"
#include "services/ingest/store/relay_feed.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

struct StoreResult {
  // What is stored for the (channel, external_id): the new row, or the one
  // stored by an earlier submission.
  voc::v1::Feedback feedback;
  bool duplicate = false;
};

// Where a page of List starts: strictly after the feedback with this
// received time and id in List's order.
struct FeedbackCursor {
  std::int64_t received_ms = 0;
  std::string id;
};

struct FeedbackFilter {
  std::string customer_id;                                   // empty: any
  voc::v1::Channel channel = voc::v1::CHANNEL_UNSPECIFIED;   // unspecified: any
};

// The most committed rows the relay feed holds (relay_feed.h), and the most
// bytes of their messages (long texts): beyond either the relay reads the table.
inline constexpr std::size_t kRelayFeedMaxRows = 20000;
inline constexpr std::size_t kRelayFeedMaxBytes = 32u << 20;

// SQLite's prepared inserts, one per pooled connection (ingest_store.cc).
struct SqliteFeedbackInserts;

class IngestStore {
 public:
  explicit IngestStore(voc::storage::Database& db, std::size_t relay_feed_max_rows = kRelayFeedMaxRows);
  ~IngestStore();
  IngestStore(const IngestStore&) = delete;
  IngestStore& operator=(const IngestStore&) = delete;

  // Stores every item in one transaction (one fsync for a whole batch).
  // REQUIRES: each item is validated and has id, name and received_time set.
  // An item whose (channel, external_id) is already stored - by an earlier
  // call, a concurrent one, or an earlier item of the same batch - is not
  // written; its result is the stored row with duplicate = true. The unique
  // constraint decides races: multi-row INSERT ... ON CONFLICT DO NOTHING
  // RETURNING id, then a re-read only of the rows that were not written.
  // On an error nothing of the batch is stored and `items` are untouched;
  // on success they are moved into the results (no copy per item).
  absl::StatusOr<std::vector<StoreResult>> InsertOrGet(std::vector<voc::v1::Feedback>& items);

  // nullopt when no feedback has that id.
  absl::StatusOr<std::optional<voc::v1::Feedback>> Get(const std::string& id);

  // At most `limit` feedbacks matching `filter`, newest first (received
  // time, then id, both descending: a stable order), starting strictly
  // after `after` when given (keyset paging: rows added meanwhile never
  // shift a page).
  absl::StatusOr<std::vector<voc::v1::Feedback>> List(const FeedbackFilter& filter, int limit,
                                                      const std::optional<FeedbackCursor>& after);

  // The outbox: stored feedback not yet appended to voc:feedback.
  // Claims up to `limit` unqueued rows, oldest first, hands them to
  // `publisher` as FeedbackMessage()s (services/ingest/ports.h) and marks
  // the prefix it appended; the rest stay unqueued.
  //   - PostgreSQL: sets queued_ms on them. The claimed rows stay locked
  //     until they are marked and other relays skip them (FOR UPDATE SKIP
  //     LOCKED), so replicas relay disjoint batches; see
  //     common/storage/outbox.h.
  //   - SQLite (one writer): rows after the watermark in rowid order, taken
  //     from the relay feed when it has them (committed rows handed over in
  //     memory, relay_feed.h) and read from the table otherwise; marking is
  //     moving the watermark (one row), `queued_ms` stays NULL.
  absl::StatusOr<voc::storage::OutboxBatch> RelayUnqueued(int limit, std::int64_t queued_ms,
                                                          queue::Publisher& publisher);
  absl::StatusOr<std::int64_t> CountUnqueued();

  // Rows waiting in the relay feed (for tests).
  std::size_t relay_feed_rows() const { return feed_.rows(); }

 private:
  absl::StatusOr<voc::storage::OutboxBatch> RelayByMarker(int limit, std::int64_t queued_ms,
                                                          queue::Publisher& publisher);
  absl::StatusOr<voc::storage::OutboxBatch> RelayByWatermark(int limit, queue::Publisher& publisher);
  std::int64_t LoadWatermarkLocked(soci::session& s);

  voc::storage::Database& db_;
  std::unique_ptr<SqliteFeedbackInserts> sqlite_inserts_;  // SQLite only
  RelayFeed feed_;
  std::mutex relay_mu_;                      // one SQLite relay batch at a time
  std::optional<std::int64_t> watermark_;    // guarded by relay_mu_; loaded on first use
  std::atomic<std::int64_t> known_watermark_{-1};  // for CountUnqueued; -1 until loaded
};

}  // namespace voc::ingest
