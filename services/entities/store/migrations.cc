#include "services/entities/store/migrations.h"

namespace voc::entities {

std::vector<storage::Migration> Migrations() {
  return {
      {1,
       "entity rows and attribute history",
       {
           // One row per entity and key; the attributes are one JSON object
           // of canonical text (services/entities/row_check.h), so a new
           // attribute in the schema file needs no migration and a
           // re-import compares one string. Typed by the schema on read.
           R"(CREATE TABLE entity_rows (
                entity TEXT NOT NULL,
                entity_key TEXT NOT NULL,
                attributes_json TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                PRIMARY KEY (entity, entity_key)))",
           // The old value of an attribute the schema marks `history`, each
           // time an import changed it ("" = it had none / was cleared).
           R"(CREATE TABLE entity_history (
                entity TEXT NOT NULL,
                entity_key TEXT NOT NULL,
                attribute TEXT NOT NULL,
                old_value TEXT NOT NULL,
                new_value TEXT NOT NULL,
                changed_ms BIGINT NOT NULL,
                changed_by TEXT NOT NULL))",
           "CREATE INDEX entity_history_row ON entity_history (entity, entity_key, changed_ms)",
       }},
      {2,
       "outreach: segments, campaigns and their events, one decision per (campaign, customer), effects",
       {
           // A segment's query and a campaign's definition are proto JSON
           // (voc/v1/outreach.proto): validated on write, read whole.
           R"(CREATE TABLE outreach_segments (
                id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                query_json TEXT NOT NULL,
                size_at_creation BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                created_ms BIGINT NOT NULL))",
           R"(CREATE TABLE outreach_campaigns (
                id TEXT PRIMARY KEY,
                department TEXT NOT NULL,
                definition_json TEXT NOT NULL,
                state INTEGER NOT NULL,
                start_ms BIGINT NOT NULL,
                deferred_quiet BIGINT NOT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
           "CREATE INDEX outreach_campaigns_due ON outreach_campaigns (state, start_ms)",
           // The audit trail of the state machine.
           R"(CREATE TABLE outreach_campaign_events (
                campaign_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                from_state INTEGER NOT NULL,
                to_state INTEGER NOT NULL,
                note TEXT NOT NULL,
                at_ms BIGINT NOT NULL,
                PRIMARY KEY (campaign_id, seq)))",
           // One decision per campaign and customer (the send audit trail):
           // sent | held_out | opted_out | frequency_limit | no_address.
           // A sent row is its own outbox: published_ms 0 until voc-notify's
           // stream took the request "outreach:<campaign>:<customer>".
           R"(CREATE TABLE outreach_sends (
                campaign_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                decision TEXT NOT NULL,
                channel TEXT NOT NULL,
                language TEXT NOT NULL,
                address TEXT NOT NULL,
                decided_ms BIGINT NOT NULL,
                decided_by TEXT NOT NULL,
                published_ms BIGINT NOT NULL,
                PRIMARY KEY (campaign_id, customer_id)))",
           "CREATE INDEX outreach_sends_customer ON outreach_sends (customer_id, decision, decided_ms)",
           "CREATE INDEX outreach_sends_unpublished ON outreach_sends (published_ms, decision)",
           R"(CREATE TABLE outreach_effects (
                campaign_id TEXT PRIMARY KEY,
                effect_json TEXT NOT NULL,
                computed_ms BIGINT NOT NULL))",
           R"(CREATE TABLE outreach_ids (
                kind TEXT PRIMARY KEY,
                last_id BIGINT NOT NULL))",
       }},
      {3,
       "outreach: each stored effect is the outbox of its verdict for voc:outreach",
       {
           // 0 until the verdict (voc.v1.CampaignVerdict) was appended to
           // voc:outreach for voc-verification.
           "ALTER TABLE outreach_effects ADD COLUMN published_ms BIGINT NOT NULL DEFAULT 0",
           "CREATE INDEX outreach_effects_unpublished ON outreach_effects (published_ms, computed_ms)",
       }},
  };
}

}  // namespace voc::entities
