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
      {3,
       "re-survey invitations: token, delivery state, how the answer matched; the customer's e-mail",
       {
           // A unique token per re-survey, put in the invitation's survey
           // link and carried back by the answer (feedback attribute
           // resurvey_token). Empty until the invitation is prepared.
           "ALTER TABLE verification_resurveys ADD COLUMN token TEXT NOT NULL DEFAULT ''",
           // v1::ResurveyInvitationState (1 not sent .. 4 failed).
           "ALTER TABLE verification_resurveys ADD COLUMN invite_state INTEGER NOT NULL DEFAULT 1",
           "ALTER TABLE verification_resurveys ADD COLUMN invite_ms BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE verification_resurveys ADD COLUMN invite_error TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE verification_resurveys ADD COLUMN invite_attempts INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE verification_resurveys ADD COLUMN answered_via TEXT NOT NULL DEFAULT ''",
           "CREATE UNIQUE INDEX verification_resurveys_token ON verification_resurveys (token) WHERE token <> ''",
           "CREATE INDEX verification_resurveys_invite ON verification_resurveys (state, invite_state, due_ms)",
           // Where the invitation goes: the e-mail the original feedback
           // carried (attribute customer_email or email), if any.
           "ALTER TABLE verification_detractor_originals ADD COLUMN contact_email TEXT NOT NULL DEFAULT ''",
       }},
      // ---- programme goals (issue 12; services/verification/goals) ----
      {4,
       "programme goals and their daily evaluations",
       {
           // Days are report-day numbers (days since 1970-01-01 in the report
           // time zone, common/reports/periods.h). projects: project ids,
           // one per line (PROJECTS_VERIFIED only). request_id: the create's
           // idempotency key, generated when the caller gave none.
           R"(CREATE TABLE goals (
                id TEXT PRIMARY KEY,
                request_id TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL,
                metric INTEGER NOT NULL,
                product TEXT NOT NULL,
                region TEXT NOT NULL,
                department TEXT NOT NULL,
                topic TEXT NOT NULL,
                projects TEXT NOT NULL,
                baseline DOUBLE PRECISION NOT NULL,
                target DOUBLE PRECISION NOT NULL,
                start_day BIGINT NOT NULL,
                deadline_day BIGINT NOT NULL,
                window_days INTEGER NOT NULL,
                state INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                create_ms BIGINT NOT NULL))",
           "CREATE INDEX goals_list ON goals (state, create_ms, id)",
           // One row per goal and evaluated day; re-evaluating a day replaces it.
           R"(CREATE TABLE goal_evaluations (
                goal_id TEXT NOT NULL,
                day BIGINT NOT NULL,
                status INTEGER NOT NULL,
                has_value INTEGER NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                expected DOUBLE PRECISION NOT NULL,
                basis BIGINT NOT NULL,
                note TEXT NOT NULL,
                evaluate_ms BIGINT NOT NULL,
                PRIMARY KEY (goal_id, day)))",
       }},
      // ---- the weekly digest (issue 12; services/verification/digest) ----
      {5,
       "weekly digests, their sends and the weeks the schedule has done",
       {
           // One row per (week, scope); department '' is the company-wide
           // digest. content: the v1::Digest as JSON (protobuf's mapping),
           // rendered texts included; recomposing a week replaces it.
           R"(CREATE TABLE digests (
                week_start TEXT NOT NULL,
                department TEXT NOT NULL,
                content TEXT NOT NULL,
                subject_zh TEXT NOT NULL,
                subject_en TEXT NOT NULL,
                compose_ms BIGINT NOT NULL,
                PRIMARY KEY (week_start, department)))",
           // Who has been handed the digest of a (week, scope): the
           // de-duplication of sending, and Digest.recipients.
           R"(CREATE TABLE digest_sends (
                week_start TEXT NOT NULL,
                department TEXT NOT NULL,
                recipient TEXT NOT NULL,
                sent_ms BIGINT NOT NULL,
                PRIMARY KEY (week_start, department, recipient)))",
           // Weeks whose scheduled run composed and sent every scope, so a
           // restart does not send them again.
           R"(CREATE TABLE digest_weeks_done (
                week_start TEXT PRIMARY KEY,
                done_ms BIGINT NOT NULL))",
       }},
      // ---- outreach verdicts (issue 13; services/verification/outreach) ----
      {6,
       "outreach campaigns' verdicts from voc:outreach, one row per campaign",
       {
           // content: the voc.v1.CampaignVerdict as JSON, its name
           // de-identified; verdict_ms: its effect's compute time (the
           // digest week it lands in). The first delivery wins.
           R"(CREATE TABLE verification_campaign_verdicts (
                campaign_id TEXT PRIMARY KEY,
                department TEXT NOT NULL,
                verdict_ms BIGINT NOT NULL,
                content TEXT NOT NULL,
                received_ms BIGINT NOT NULL))",
           "CREATE INDEX verification_campaign_verdicts_time ON verification_campaign_verdicts (verdict_ms)",
       }},
  };
}

}  // namespace voc::verification
