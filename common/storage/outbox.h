// Claiming a batch of outbox rows for a relay, the same way for every outbox
// (ingest's `feedback.queued_ms`, tracking's `tracking_outbox`): take up to N
// unpublished rows oldest first, publish them, mark the prefix the queue
// accepted, and leave the rest unpublished for the next pass.
//
// PostgreSQL (several replicas on one database): the whole batch is one
// transaction. The SELECT locks the rows it returns until the commit that
// marks them, so two relays never publish the same rows:
//   - ClaimOrder::kAnyOrder  uses FOR UPDATE SKIP LOCKED: a second relay skips
//     the rows another holds and takes the next ones, so replicas drain a
//     backlog in parallel (rows whose order does not matter);
//   - ClaimOrder::kInOrder   uses FOR UPDATE: a second relay waits for the
//     batch ahead of it to commit and then takes the rows after it, so rows
//     reach the queue in their order (events about one object).
// A relay that crashes or fails mid-batch rolls back or commits only the
// accepted prefix; either way its locks go and the rest stays unpublished.
//
// SQLite (one process writes the file): read, publish, then mark in a short
// write transaction, so the process-wide SQLite write lock is never held
// across a round trip to the queue. The relay of that process is the only
// one.
//
// Delivery stays at-least-once: a crash (or a failed commit) after the queue
// accepted rows and before they were marked publishes them again.
#pragma once

#include <soci/soci.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "common/storage/database.h"

namespace voc::storage {

enum class ClaimOrder { kAnyOrder, kInOrder };

struct OutboxBatch {
  std::size_t claimed = 0;    // rows taken for this batch (0: nothing pending that is free)
  std::size_t published = 0;  // of them, the prefix the queue accepted, now marked
};

// The locking clause to append to the claim's SELECT on `backend`.
inline const char* ClaimLockClause(Backend backend, ClaimOrder order) {
  if (backend != Backend::kPostgres) return "";
  return order == ClaimOrder::kAnyOrder ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
}

// One batch of a relay.
//   select(soci::session&, const char* lock_clause) -> std::vector<Row>:
//     up to the batch size of unpublished rows, oldest first, with
//     lock_clause appended to the SELECT statement;
//   publish(const std::vector<Row>&) -> std::size_t: appends the rows in
//     order, returns how many of the first were accepted;
//   mark(soci::session&, std::span<const Row>): marks those as published.
// Throws what the database throws (the batch is then not marked).
template <typename Select, typename Publish, typename Mark>
auto ClaimAndPublish(Database& db, ClaimOrder order, Select&& select, Publish&& publish, Mark&& mark)
    -> OutboxBatch {
  const char* lock_clause = ClaimLockClause(db.backend(), order);
  OutboxBatch batch;
  if (db.backend() == Backend::kPostgres) {
    db.InTransaction([&](soci::session& s) {
      const auto rows = select(s, lock_clause);
      batch.claimed = rows.size();
      if (rows.empty()) return;
      batch.published = std::min(static_cast<std::size_t>(publish(rows)), rows.size());
      if (batch.published > 0) mark(s, std::span(rows).first(batch.published));
    });
    return batch;
  }
  const auto rows = db.WithSession([&](soci::session& s) { return select(s, lock_clause); });
  batch.claimed = rows.size();
  if (rows.empty()) return batch;
  const std::size_t accepted = std::min(static_cast<std::size_t>(publish(rows)), rows.size());
  if (accepted > 0) {
    db.InTransaction([&](soci::session& s) { mark(s, std::span(rows).first(accepted)); });
  }
  batch.published = accepted;
  return batch;
}

}  // namespace voc::storage
