// voc-entities' tables (store/migrations.cc) on SQLite or PostgreSQL.
// Upsert takes a batch of checked rows of one entity and writes them in
// one transaction: what is new is inserted, what changed is updated (and
// the old values of its history attributes recorded), what is the same is
// not written at all - so a re-import changes nothing, not even
// updated_ms. Errors are classified like every store's
// (common/storage/errors.h).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "services/entities/row_check.h"
#include "services/entities/schema.h"

namespace voc::entities {

struct UpsertCounts {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t history_rows = 0;
};

struct HistoryRecord {
  std::string attribute;
  std::string old_value;
  std::string new_value;
  std::int64_t changed_ms = 0;
  std::string changed_by;
};

struct EntityRecord {
  std::string entity;
  std::string key;                                // stored key
  std::map<std::string, std::string> attributes;  // canonical text
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::vector<HistoryRecord> history;             // oldest first (FindRow only)
};

class EntityStore {
 public:
  explicit EntityStore(storage::Database& db) : db_(db) {}

  // Rows later in `rows` win over earlier ones with the same key (each is
  // counted against the state the earlier left). `actor` is recorded with
  // the history rows.
  absl::StatusOr<UpsertCounts> Upsert(const EntityDef& entity, const std::vector<CheckedRow>& rows,
                                      std::int64_t now_ms, const std::string& actor);

  // The row with its history, or nullopt.
  absl::StatusOr<std::optional<EntityRecord>> FindRow(const std::string& entity, const std::string& key);
  // Up to `limit` rows with keys after `after_key` ("" = from the start), in key order.
  absl::StatusOr<std::vector<EntityRecord>> ListRows(const std::string& entity, const std::string& after_key,
                                                     int limit);
  absl::StatusOr<std::int64_t> CountRows(const std::string& entity);
  // Issue 13: the rows of these stored keys that exist (no history), in
  // statements of at most 200 keys.
  absl::StatusOr<std::vector<EntityRecord>> FindRows(const std::string& entity, const std::vector<std::string>& keys);

  // Issue 13, the schema's `lookup`: the rows of `entity` whose non-key
  // `attribute` is one of `values` (canonical text), in key order, no
  // history; statements of at most 200 values. Reads through the lookup
  // index of (entity, attribute), made on first use when EnsureLookupIndex
  // was not called (a lookup a schema reload added).
  absl::StatusOr<std::vector<EntityRecord>> FindRowsByAttribute(const std::string& entity,
                                                                const std::string& attribute,
                                                                const std::vector<std::string>& values);
  // The lookup index of (entity, attribute): a partial expression index on
  // the attribute's value in attributes_json, over that entity's rows only,
  // so the database keeps it in step with every upsert and imports of other
  // entities do not pay for it. CREATE INDEX IF NOT EXISTS: idempotent, and
  // built over the rows already stored; a build (an index not there yet) is
  // logged at info before, with the rows it covers, and after, with its
  // elapsed ms. Names must be schema names (IsName: they are written into
  // the SQL).
  absl::Status EnsureLookupIndex(const std::string& entity, const std::string& attribute);
  // Every lookup of `schema` (at start, so the first join does not build them).
  absl::Status EnsureLookupIndexes(const EntitySchema& schema);
  // The plan of FindRowsByAttribute's statement as this store would run it
  // now (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), one line a step.
  absl::StatusOr<std::string> ExplainFindRowsByAttribute(const std::string& entity, const std::string& attribute,
                                                         const std::vector<std::string>& values);

 private:
  storage::Database& db_;
  std::mutex indexed_mu_;
  std::set<std::pair<std::string, std::string>> indexed_;  // lookup indexes known to exist
};

// The name of the lookup index of (entity, attribute): readable, and a
// hash of both so that "a_b"+"c" and "a"+"b_c" differ; at most 63 bytes
// (PostgreSQL's identifier limit).
std::string LookupIndexName(const std::string& entity, const std::string& attribute);

// The attributes' JSON object text and back (sorted by name).
std::string AttributesJson(const std::map<std::string, std::string>& attributes);
std::map<std::string, std::string> ParseAttributesJson(const std::string& json);

}  // namespace voc::entities
