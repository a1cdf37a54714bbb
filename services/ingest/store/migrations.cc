#include "services/ingest/store/migrations.h"

#include "services/ingest/store/erasure_store.h"

namespace voc::ingest {

std::vector<voc::storage::Migration> IngestMigrations() {
  return {
      {1,
       "feedback table with the (channel, external_id) idempotency key and the outbox column",
       {
           // queued_ms is the outbox marker: NULL until the feedback was
           // appended to voc:feedback. nps and rating are NULL when absent.
           "CREATE TABLE feedback ("
           "  id TEXT PRIMARY KEY,"
           "  channel INTEGER NOT NULL,"
           "  external_id TEXT NOT NULL,"
           "  customer_id TEXT NOT NULL DEFAULT '',"
           "  customer_tier TEXT NOT NULL DEFAULT '',"
           "  account_manager TEXT NOT NULL DEFAULT '',"
           "  store TEXT NOT NULL DEFAULT '',"
           "  region TEXT NOT NULL DEFAULT '',"
           "  product TEXT NOT NULL DEFAULT '',"
           "  text TEXT NOT NULL DEFAULT '',"
           "  nps INTEGER,"
           "  rating INTEGER,"
           "  occurred_ms BIGINT NOT NULL,"
           "  received_ms BIGINT NOT NULL,"
           "  attributes_json TEXT NOT NULL DEFAULT '{}',"
           "  queued_ms BIGINT,"
           "  CONSTRAINT feedback_source_key UNIQUE (channel, external_id))",
           // ListFeedback: newest first, optionally for one customer.
           "CREATE INDEX feedback_by_received ON feedback (received_ms, id)",
           "CREATE INDEX feedback_by_customer ON feedback (customer_id, received_ms)",
           // The relay's scan stays small: only rows not yet queued.
           "CREATE INDEX feedback_unqueued ON feedback (received_ms) WHERE queued_ms IS NULL",
       }},
      {2,
       "the relay's unqueued index in the relay's order (received_ms, id)",
       {
           // On (received_ms) alone SQLite answered the relay's
           // ORDER BY received_ms, id by walking feedback_by_received from
           // the oldest row, queued or not: each pass cost the whole table.
           "DROP INDEX feedback_unqueued",
           "CREATE INDEX feedback_unqueued ON feedback (received_ms, id) WHERE queued_ms IS NULL",
       }},
      ErasureMigration(),  // 3: feedback_erasures (issue 9, erasure helper)
      {4,
       "SQLite: the relay's outbox is a rowid watermark (feedback_relay_mark) instead of queued_ms",
       // PostgreSQL keeps queued_ms and feedback_unqueued: several replicas
       // insert at once there, so ids in commit order do not exist.
       {},
       {
           // One row: the rowid of the last feedback the relay published
           // (and its id, to find the place again should rowids ever be
           // renumbered). relay_feed.h says why a watermark is exact here.
           "CREATE TABLE feedback_relay_mark ("
           "  id INTEGER PRIMARY KEY CHECK (id = 1),"
           "  relayed_rowid BIGINT NOT NULL,"
           "  relayed_id TEXT NOT NULL DEFAULT '')",
           // Every row before the oldest unqueued one counts as relayed (a
           // queued row after it is published again: at-least-once).
           "INSERT INTO feedback_relay_mark (id, relayed_rowid) SELECT 1, COALESCE("
           "  (SELECT MIN(rowid) - 1 FROM feedback WHERE queued_ms IS NULL),"
           "  (SELECT MAX(rowid) FROM feedback), 0)",
           // No per-row outbox marker any more: one index fewer per insert,
           // no rewrite of each row once it is queued.
           "DROP INDEX feedback_unqueued",
       }},
  };
}

}  // namespace voc::ingest
