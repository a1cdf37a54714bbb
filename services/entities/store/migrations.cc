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
  };
}

}  // namespace voc::entities
