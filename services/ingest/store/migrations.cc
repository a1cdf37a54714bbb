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
  };
}

}  // namespace voc::ingest
