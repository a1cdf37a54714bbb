#include "services/verification/store/migrations.h"

namespace voc::verification {

std::vector<storage::Migration> Migrations() {
  return {
      {1,
       "checks, re-surveys and knowledge base",
       {
           R"(CREATE TABLE verification_checks (
                id TEXT PRIMARY KEY,
                project_id TEXT NOT NULL,
                project_title TEXT NOT NULL,
                topic TEXT NOT NULL,
                resolution TEXT NOT NULL,
                state INTEGER NOT NULL,
                project_create_ms BIGINT NOT NULL,
                close_ms BIGINT NOT NULL,
                due_ms BIGINT NOT NULL,
                check_ms BIGINT NOT NULL DEFAULT 0,
                before_start_ms BIGINT NOT NULL DEFAULT 0,
                before_end_ms BIGINT NOT NULL DEFAULT 0,
                after_start_ms BIGINT NOT NULL DEFAULT 0,
                after_end_ms BIGINT NOT NULL DEFAULT 0,
                before_topic_count BIGINT NOT NULL DEFAULT 0,
                before_total_count BIGINT NOT NULL DEFAULT 0,
                after_topic_count BIGINT NOT NULL DEFAULT 0,
                after_total_count BIGINT NOT NULL DEFAULT 0,
                before_share DOUBLE PRECISION NOT NULL DEFAULT 0,
                after_share DOUBLE PRECISION NOT NULL DEFAULT 0,
                z_score DOUBLE PRECISION NOT NULL DEFAULT 0,
                p_value DOUBLE PRECISION NOT NULL DEFAULT 1,
                summary TEXT NOT NULL DEFAULT '',
                reopen_state INTEGER NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_checks_due ON verification_checks (state, due_ms)",
           "CREATE INDEX verification_checks_project ON verification_checks (project_id)",
           R"(CREATE TABLE verification_resurveys (
                id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                case_id TEXT NOT NULL UNIQUE,
                original_feedback_id TEXT NOT NULL,
                original_nps INTEGER NOT NULL,
                due_ms BIGINT NOT NULL,
                state INTEGER NOT NULL,
                new_nps INTEGER NOT NULL DEFAULT -1,
                new_feedback_id TEXT NOT NULL DEFAULT '',
                nps_change INTEGER NOT NULL DEFAULT 0,
                answer_ms BIGINT NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_resurveys_customer ON verification_resurveys (customer_id, state)",
           "CREATE INDEX verification_resurveys_due ON verification_resurveys (state, due_ms)",
           R"(CREATE TABLE verification_knowledge (
                source TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                topic TEXT NOT NULL,
                resolution TEXT NOT NULL,
                evidence TEXT NOT NULL,
                verify_ms BIGINT NOT NULL,
                search_text TEXT NOT NULL))",
       }},
      {2,
       "original NPS of detractors, resolved callbacks awaiting it",
       {
           // Filled from voc:triaged: a detractor callback's original score
           // comes from what verification consumes, not from ingest.
           R"(CREATE TABLE verification_detractor_originals (
                feedback_id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                nps INTEGER NOT NULL,
                seen_ms BIGINT NOT NULL))",
           // A callback resolved before its original was seen here (this
           // consumer lags): the re-survey is scheduled when it arrives.
           R"(CREATE TABLE verification_awaiting_originals (
                case_id TEXT PRIMARY KEY,
                feedback_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                resolve_ms BIGINT NOT NULL,
                created_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_awaiting_originals_feedback ON verification_awaiting_originals (feedback_id)",
       }},
  };
}

}  // namespace voc::verification
