#include "services/notify/store/migrations.h"

namespace voc::notify {

std::vector<storage::Migration> Migrations() {
  return {
      {1,
       "notification requests and their deliveries",
       {
           // One row per request id: a redelivered stream entry finds it.
           R"(CREATE TABLE notify_requests (
                id TEXT PRIMARY KEY,
                event TEXT NOT NULL,
                case_id TEXT NOT NULL,
                department TEXT NOT NULL,
                recipients TEXT NOT NULL,
                params_json TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                received_ms BIGINT NOT NULL))",
           // One row per message (request x recipient x channel), rendered
           // when stored so a retry after a restart sends the same text.
           R"(CREATE TABLE notify_deliveries (
                message_id TEXT PRIMARY KEY,
                request_id TEXT NOT NULL,
                case_id TEXT NOT NULL,
                event TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recipient_name TEXT NOT NULL,
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                mention TEXT NOT NULL,
                language TEXT NOT NULL,
                subject TEXT NOT NULL,
                body_text TEXT NOT NULL,
                body_markdown TEXT NOT NULL,
                body_html TEXT NOT NULL,
                link TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                state INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms BIGINT NOT NULL,
                last_error TEXT NOT NULL DEFAULT '',
                created_ms BIGINT NOT NULL,
                final_ms BIGINT NOT NULL DEFAULT 0,
                outcome_published INTEGER NOT NULL DEFAULT 0))",
           "CREATE INDEX notify_deliveries_due ON notify_deliveries (next_attempt_ms) WHERE state = 1",
           "CREATE INDEX notify_deliveries_case ON notify_deliveries (case_id, created_ms)",
           "CREATE INDEX notify_deliveries_request ON notify_deliveries (request_id)",
           "CREATE INDEX notify_deliveries_outcome ON notify_deliveries (final_ms) "
           "WHERE state <> 1 AND outcome_published = 0",
       }},
  };
}

}  // namespace voc::notify
