// The notify service's repository: the requests it took from the stream and
// their deliveries, on SQLite or PostgreSQL (common/storage/database.h).
//
// Errors: every method catches the database's exceptions and returns a
// status classified by storage::Guarded (UNAVAILABLE when the database is
// down or locked, ABORTED for a lost race, INTERNAL otherwise).
// Thread safety: every method may be called from several threads.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "voc/v1/notify.pb.h"

namespace voc::notify {

// One message to one recipient by one channel, rendered.
struct DeliveryRecord {
  std::string message_id;
  std::string request_id;
  std::string case_id;
  std::string event;
  std::string recipient;       // person id (or "" for a department robot)
  std::string recipient_name;
  std::string channel;
  std::string address;         // e-mail address; empty for robots (their URL is a secret)
  std::string mention;         // chat user id to @-mention
  std::string language;
  std::string subject;
  std::string text;
  std::string markdown;
  std::string html;
  std::string link;
  std::string payload_json;
  v1::DeliveryState state = v1::DELIVERY_STATE_PENDING;
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;
  std::string last_error;
  std::int64_t created_ms = 0;
  std::int64_t final_ms = 0;
  // The owning department its request named (issue 9: who may read it;
  // issue 11: a department's own robot); read with every delivery, not
  // stored on its row.
  std::string department;
};

// Which rows of the delivery log a caller may see (issue 9); null: all.
using DeliveryFilter = std::function<bool(const DeliveryRecord&)>;

// A request and the deliveries it expanded into, stored together.
struct ExpandedRequest {
  v1::NotificationRequest request;
  std::vector<DeliveryRecord> deliveries;
};

class NotifyStore {
 public:
  explicit NotifyStore(storage::Database& db) : db_(db) {}
  NotifyStore(const NotifyStore&) = delete;
  NotifyStore& operator=(const NotifyStore&) = delete;

  // Stores every request not stored yet, with its deliveries, in one
  // transaction; a request id already stored is left as it is (its
  // deliveries are not added twice). Returns how many were new.
  absl::StatusOr<int> SaveRequests(const std::vector<ExpandedRequest>& batch, std::int64_t now_ms);

  // Pending deliveries whose next try is due at `now_ms`, oldest first.
  absl::StatusOr<std::vector<DeliveryRecord>> DueDeliveries(std::int64_t now_ms, int limit);

  // Takes a due delivery for one try: counts the attempt and moves its next
  // try to `lease_until_ms`, so a worker that dies mid-send leaves it to be
  // tried again after the lease (at most once more). False when another
  // worker took it first (its attempts or state changed since it was read).
  absl::StatusOr<bool> Claim(const DeliveryRecord& seen, std::int64_t now_ms, std::int64_t lease_until_ms);
  // Claim for many in one transaction (one commit, one fsync on SQLite):
  // which of `seen` are now this caller's, in the same order.
  absl::StatusOr<std::vector<bool>> ClaimMany(const std::vector<DeliveryRecord>& seen, std::int64_t now_ms,
                                              std::int64_t lease_until_ms);

  absl::Status MarkDelivered(const std::string& message_id, std::int64_t now_ms);
  absl::Status MarkFailed(const std::string& message_id, const std::string& error, std::int64_t now_ms);
  // A retryable failure: try again at `next_attempt_ms`.
  absl::Status ScheduleRetry(const std::string& message_id, const std::string& error,
                             std::int64_t next_attempt_ms);

  // Final states not yet published to voc.notify.outcomes, oldest first.
  absl::StatusOr<std::vector<DeliveryRecord>> UnpublishedOutcomes(int limit);
  absl::Status MarkOutcomesPublished(const std::vector<std::string>& message_ids);

  // The delivery log: of a case, or of a request; oldest first, with each
  // row's department. With `visible`, up to `limit` of the rows it keeps
  // (so a caller who may see only some still gets a full page of those).
  absl::StatusOr<std::vector<DeliveryRecord>> DeliveriesOfCase(const std::string& case_id, int limit,
                                                               const DeliveryFilter& visible = nullptr);
  absl::StatusOr<std::vector<DeliveryRecord>> DeliveriesOfRequest(const std::string& request_id, int limit,
                                                                  const DeliveryFilter& visible = nullptr);

  // Whether a request id is stored (tests, diagnostics).
  absl::StatusOr<bool> HasRequest(const std::string& request_id);

 private:
  absl::StatusOr<std::vector<DeliveryRecord>> Select(const std::string& where, const std::string& bound,
                                                     std::int64_t bound_ms, int limit);
  // The delivery log's rows matching `where` (one bound text), with their
  // request's department, filtered by `visible`.
  absl::StatusOr<std::vector<DeliveryRecord>> SelectLog(const std::string& where, const std::string& bound,
                                                        int limit, const DeliveryFilter& visible);
  storage::Database& db_;
};

}  // namespace voc::notify
