#include "services/entities/store/entity_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "common/log/log.h"
#include "common/status/status.h"
#include "common/storage/backend.h"
#include "common/storage/errors.h"
#include "common/storage/plan.h"
#include "common/storage/rows.h"

namespace voc::entities {
namespace {

constexpr char kRowUpsert[] =
    "INSERT INTO entity_rows (entity, entity_key, attributes_json, created_ms, updated_ms)";
constexpr char kRowUpsertTail[] =
    " ON CONFLICT (entity, entity_key) DO UPDATE SET attributes_json = excluded.attributes_json,"
    " updated_ms = excluded.updated_ms";
constexpr char kHistoryInsert[] =
    "INSERT INTO entity_history (entity, entity_key, attribute, old_value, new_value, changed_ms, changed_by)";
// Keys looked up per statement: SQLite finds a named parameter by a linear
// search, so long IN lists cost more than linearly (200: 4% of an import's
// CPU at 500).
constexpr std::size_t kKeysPerSelect = 200;

struct StoredRow {
  std::string json;  // as stored (or as this batch left it)
  // `json` parsed, once a row needs merging; kept in step with json.
  std::optional<std::map<std::string, std::string>> attributes;
  bool dirty = false;  // to be written
};

const std::map<std::string, std::string>& Parsed(StoredRow& row) {
  if (!row.attributes) row.attributes = ParseAttributesJson(row.json);
  return *row.attributes;
}

// JSON text, escaped as RFC 8259 requires; UTF-8 passes as it is (values
// were checked to be UTF-8).
void AppendJsonString(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

// The stored JSON of exactly the non-empty values `row` gives: what the
// row's JSON is when it gives all of them (a whole-file re-import), so an
// unchanged row is found by one comparison, without parsing.
std::string JsonOfCells(const EntityDef& entity, const CheckedRow& row) {
  std::string out = "{";
  for (const int i : entity.by_name) {
    const std::optional<std::string>& cell = row.cells[static_cast<std::size_t>(i)];
    if (!cell || cell->empty()) continue;
    if (out.size() > 1) out += ',';
    AppendJsonString(out, entity.attributes[static_cast<std::size_t>(i)].name);
    out += ':';
    AppendJsonString(out, *cell);
  }
  out += '}';
  return out;
}

struct WriteRow {
  std::string key;
  std::string json;
  long long created_ms;
  long long updated_ms;
};

struct HistoryRow {
  std::string key, attribute, old_value, new_value;
};

// The rows of `keys` stored now, by key.
std::unordered_map<std::string, StoredRow> LoadExisting(soci::session& s, const std::string& entity,
                                                        const std::vector<std::string>& keys) {
  std::unordered_map<std::string, StoredRow> found;
  for (std::size_t begin = 0; begin < keys.size(); begin += kKeysPerSelect) {
    const std::size_t n = std::min(kKeysPerSelect, keys.size() - begin);
    std::vector<std::string> params{entity};
    params.insert(params.end(), keys.begin() + static_cast<long>(begin), keys.begin() + static_cast<long>(begin + n));
    // PostgreSQL: the stored rows stay locked until the batch commits, so
    // two imports changing one row take turns (and record both changes);
    // SQLite's writers are serialised by the process-wide write lock.
    const char* lock = storage::IsPostgres(s) ? " FOR UPDATE" : "";
    storage::ForEachRow(s,
                        "SELECT entity_key, attributes_json FROM entity_rows WHERE entity = :e AND entity_key IN " +
                            storage::Placeholders("k", n) + lock,
                        params, [&](const soci::row& r) {
                          found[r.get<std::string>(0)].json = r.get<std::string>(1);
                        });
  }
  return found;
}

// SQLite: one prepared single-row statement over column vectors (SOCI bulk
// binding), the fastest way into a library (common/storage/rows.h);
// PostgreSQL: multi-row statements, one round trip per 200 rows.
void WriteRows(soci::session& s, const std::string& entity, std::vector<WriteRow>& rows) {
  if (rows.empty()) return;
  if (storage::IsPostgres(s)) {
    storage::InsertRows(s, kRowUpsert, 5, kRowUpsertTail, rows, [&](soci::details::prepare_temp_type& q, WriteRow& r) {
      q, soci::use(entity), soci::use(r.key), soci::use(r.json), soci::use(r.created_ms), soci::use(r.updated_ms);
    });
    return;
  }
  std::vector<std::string> entities(rows.size(), entity), keys, jsons;
  std::vector<long long> created, updated;
  for (auto* v : {&keys, &jsons}) v->reserve(rows.size());
  for (WriteRow& r : rows) {
    keys.push_back(std::move(r.key));
    jsons.push_back(std::move(r.json));
    created.push_back(r.created_ms);
    updated.push_back(r.updated_ms);
  }
  s << std::string(kRowUpsert) + " VALUES (:e, :k, :a, :c, :u)" + kRowUpsertTail, soci::use(entities),
      soci::use(keys), soci::use(jsons), soci::use(created), soci::use(updated);
}

void WriteHistory(soci::session& s, const std::string& entity, std::vector<HistoryRow>& rows, long long now_ms,
                  const std::string& actor) {
  if (rows.empty()) return;
  storage::InsertRows(s, kHistoryInsert, 7, "", rows, [&](soci::details::prepare_temp_type& q, HistoryRow& r) {
    q, soci::use(entity), soci::use(r.key), soci::use(r.attribute), soci::use(r.old_value), soci::use(r.new_value),
        soci::use(now_ms), soci::use(actor);
  }, 100);
}

// The value of `attribute` in a row's attributes_json, as SQL: the same
// text in the lookup index and in the statements that read through it (a
// planner matches the expression as written). Canonical values are JSON
// strings, so both give the text that was stored.
std::string LookupExpression(soci::session& s, const std::string& attribute) {
  if (storage::IsPostgres(s)) return "(attributes_json::jsonb ->> '" + attribute + "')";
  return "json_extract(attributes_json, '$." + attribute + "')";
}

// Whether the index `name` exists (in the current schema on PostgreSQL).
bool IndexExists(soci::session& s, const std::string& name) {
  long long n = 0;
  if (storage::IsPostgres(s)) {
    s << "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :n", soci::use(name),
        soci::into(n);
  } else {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = :n", soci::use(name), soci::into(n);
  }
  return n > 0;
}

// How many rows `entity` has (read through the primary key's prefix).
long long EntityRowCount(soci::session& s, const std::string& entity) {
  long long n = 0;
  s << "SELECT COUNT(*) FROM entity_rows WHERE entity = :e", soci::use(entity), soci::into(n);
  return n;
}

absl::Status CheckNames(const std::string& entity, const std::string& attribute) {
  if (!IsName(entity)) return absl::InvalidArgumentError("entity: '" + entity + "' is not a schema name");
  if (!IsName(attribute)) return absl::InvalidArgumentError("attribute: '" + attribute + "' is not a schema name");
  return absl::OkStatus();
}

// The statement of FindRowsByAttribute for `n` values: the entity is
// written as a literal so that the planners see the partial index's
// condition (a bound parameter would not imply it). SQLite without
// statistics (nothing here runs ANALYZE) prefers the primary key's prefix
// (entity = ?) - a pass over the entity - so once the index is known to
// exist the statement names it (INDEXED BY); PostgreSQL's planner picks it
// by itself, with or without statistics.
std::string ByAttributeSql(soci::session& s, const std::string& entity, const std::string& attribute, std::size_t n,
                           bool indexed) {
  const bool sqlite = storage::IsSqlite(s);
  return "SELECT entity_key, attributes_json, created_ms, updated_ms FROM entity_rows" +
         std::string(sqlite && indexed ? " INDEXED BY " + LookupIndexName(entity, attribute) : "") +
         " WHERE entity = '" + entity + "' AND " + LookupExpression(s, attribute) + " IN " +
         storage::Placeholders("v", n);
}

}  // namespace

std::string AttributesJson(const std::map<std::string, std::string>& attributes) {
  std::string out = "{";
  for (const auto& [name, value] : attributes) {
    if (out.size() > 1) out += ',';
    AppendJsonString(out, name);
    out += ':';
    AppendJsonString(out, value);
  }
  out += '}';
  return out;
}

std::map<std::string, std::string> ParseAttributesJson(const std::string& json) {
  std::map<std::string, std::string> out;
  const nlohmann::json object = nlohmann::json::parse(json);
  for (auto it = object.begin(); it != object.end(); ++it) out[it.key()] = it.value().get<std::string>();
  return out;
}

absl::StatusOr<UpsertCounts> EntityStore::Upsert(const EntityDef& entity, const std::vector<CheckedRow>& rows,
                                                 std::int64_t now_ms, const std::string& actor) {
  return storage::Guarded("storing " + entity.name + " rows", [&] {
    return db_.InTransaction([&](soci::session& s) {
      std::vector<std::string> keys;
      keys.reserve(rows.size());
      for (const CheckedRow& r : rows) keys.push_back(r.key);
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      std::unordered_map<std::string, StoredRow> state = LoadExisting(s, entity.name, keys);

      UpsertCounts counts;
      std::vector<HistoryRow> history;
      for (const CheckedRow& r : rows) {
        std::string given = JsonOfCells(entity, r);
        auto [it, is_new] = state.try_emplace(r.key);
        StoredRow& row = it->second;
        if (is_new) {  // neither stored nor earlier in this batch
          ++counts.inserted;
          row.json = std::move(given);
          row.dirty = true;
          continue;
        }
        const bool clears = std::any_of(r.cells.begin(), r.cells.end(),
                                        [](const std::optional<std::string>& c) { return c && c->empty(); });
        if (!clears && given == row.json) {
          ++counts.unchanged;
          continue;
        }
        const std::map<std::string, std::string>& before = Parsed(row);
        std::map<std::string, std::string> next = before;
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
          if (!r.cells[i]) continue;
          const std::string& name = entity.attributes[i].name;
          if (r.cells[i]->empty()) {
            next.erase(name);
          } else {
            next[name] = *r.cells[i];
          }
        }
        if (next == before) {
          ++counts.unchanged;
          continue;
        }
        ++counts.updated;
        for (const AttributeDef& a : entity.attributes) {
          if (!a.history) continue;
          auto was = before.find(a.name);
          auto now = next.find(a.name);
          const std::string old_value = was == before.end() ? "" : was->second;
          const std::string new_value = now == next.end() ? "" : now->second;
          if (old_value != new_value) history.push_back({r.key, a.name, old_value, new_value});
        }
        row.json = AttributesJson(next);
        row.attributes = std::move(next);
        row.dirty = true;
      }
      std::vector<WriteRow> writes;
      for (const std::string& key : keys) {
        StoredRow& row = state[key];
        if (!row.dirty) continue;
        writes.push_back({key, std::move(row.json), now_ms, now_ms});
      }
      WriteRows(s, entity.name, writes);
      WriteHistory(s, entity.name, history, now_ms, actor);
      counts.history_rows = static_cast<std::int64_t>(history.size());
      return counts;
    });
  });
}

absl::StatusOr<std::optional<EntityRecord>> EntityStore::FindRow(const std::string& entity, const std::string& key) {
  return storage::Guarded("reading an entity row", [&]() -> std::optional<EntityRecord> {
    return db_.WithSession([&](soci::session& s) -> std::optional<EntityRecord> {
      std::optional<EntityRecord> found;
      storage::ForEachRow(s,
                          "SELECT attributes_json, created_ms, updated_ms FROM entity_rows "
                          "WHERE entity = :e AND entity_key = :k",
                          {entity, key}, [&](const soci::row& r) {
                            found = EntityRecord{entity, key, ParseAttributesJson(r.get<std::string>(0)),
                                                 storage::AsInt(r, 1), storage::AsInt(r, 2), {}};
                          });
      if (!found) return found;
      storage::ForEachRow(s,
                          "SELECT attribute, old_value, new_value, changed_ms, changed_by FROM entity_history "
                          "WHERE entity = :e AND entity_key = :k ORDER BY changed_ms, attribute",
                          {entity, key}, [&](const soci::row& r) {
                            found->history.push_back({storage::AsString(r, 0), storage::AsString(r, 1),
                                                      storage::AsString(r, 2), storage::AsInt(r, 3),
                                                      storage::AsString(r, 4)});
                          });
      return found;
    });
  });
}

absl::StatusOr<std::vector<EntityRecord>> EntityStore::ListRows(const std::string& entity,
                                                                const std::string& after_key, int limit) {
  return storage::Guarded("listing entity rows", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<EntityRecord> out;
      storage::ForEachRow(s,
                          "SELECT entity_key, attributes_json, created_ms, updated_ms FROM entity_rows "
                          "WHERE entity = :e AND entity_key > :after ORDER BY entity_key LIMIT " +
                              std::to_string(std::max(1, limit)),
                          {entity, after_key}, [&](const soci::row& r) {
                            out.push_back({entity, r.get<std::string>(0), ParseAttributesJson(r.get<std::string>(1)),
                                           storage::AsInt(r, 2), storage::AsInt(r, 3), {}});
                          });
      return out;
    });
  });
}

absl::StatusOr<std::int64_t> EntityStore::CountRows(const std::string& entity) {
  return storage::Guarded("counting entity rows", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::int64_t n = 0;
      storage::ForEachRow(s, "SELECT COUNT(*) FROM entity_rows WHERE entity = :e", {entity},
                          [&](const soci::row& r) { n = storage::AsInt(r, 0); });
      return n;
    });
  });
}

absl::StatusOr<std::vector<EntityRecord>> EntityStore::FindRows(const std::string& entity,
                                                                const std::vector<std::string>& keys) {
  // 200 like the import's lookups: SQLite finds a named parameter by a linear search.
  constexpr std::size_t kChunk = 200;
  return storage::Guarded("reading entity rows by key", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<EntityRecord> out;
      for (std::size_t start = 0; start < keys.size(); start += kChunk) {
        const std::size_t end = std::min(keys.size(), start + kChunk);
        std::string sql =
            "SELECT entity_key, attributes_json, created_ms, updated_ms FROM entity_rows WHERE entity = :e AND "
            "entity_key IN (";
        std::vector<std::string> params = {entity};
        for (std::size_t i = start; i < end; ++i) {
          sql += (i == start ? ":k" : ", :k") + std::to_string(i - start);
          params.push_back(keys[i]);
        }
        sql += ")";
        storage::ForEachRow(s, sql, params, [&](const soci::row& r) {
          out.push_back({entity, r.get<std::string>(0), ParseAttributesJson(r.get<std::string>(1)),
                         storage::AsInt(r, 2), storage::AsInt(r, 3), {}});
        });
      }
      return out;
    });
  });
}

std::string LookupIndexName(const std::string& entity, const std::string& attribute) {
  std::uint32_t h = 2166136261u;  // FNV-1a over "entity\0attribute"
  for (const char c : entity + std::string(1, '\0') + attribute) {
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return "entity_lookup_" + (entity + "_" + attribute).substr(0, 40) + "_" + hex;
}

absl::Status EntityStore::EnsureLookupIndex(const std::string& entity, const std::string& attribute) {
  VOC_RETURN_IF_ERROR(CheckNames(entity, attribute));
  {
    std::lock_guard lock(indexed_mu_);
    if (indexed_.count({entity, attribute}) > 0) return absl::OkStatus();
  }
  const std::string name = LookupIndexName(entity, attribute);
  // Built only where it is missing (the first start after a lookup was added
  // to the schema, or a lookup a reload added): a pass over the entity's rows
  // before the service serves, logged as it starts and ends so an operator
  // sees why. `to_build`: the rows it would be built over, none when it exists.
  const absl::StatusOr<std::optional<long long>> to_build = storage::Guarded("looking for lookup index " + name, [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<long long> {
      if (IndexExists(s, name)) return std::nullopt;
      return EntityRowCount(s, entity);
    });
  });
  if (!to_build.ok()) return to_build.status();
  if (to_build->has_value()) {
    const nlohmann::json fields = {
        {"index", name}, {"entity", entity}, {"attribute", attribute}, {"rows", **to_build}};
    log::Info("entities_lookup_index_building", fields);
    const auto started = std::chrono::steady_clock::now();
    absl::Status made = storage::Guarded("making the lookup index " + name, [&] {
      db_.InTransaction([&](soci::session& s) {
        s << "CREATE INDEX IF NOT EXISTS " + name + " ON entity_rows (" + LookupExpression(s, attribute) +
                 ") WHERE entity = '" + entity + "'";
      });
    });
    if (!made.ok()) return made;
    nlohmann::json built = fields;
    built["elapsed_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    log::Info("entities_lookup_index_built", built);
  }
  std::lock_guard lock(indexed_mu_);
  indexed_.insert({entity, attribute});
  return absl::OkStatus();
}

absl::Status EntityStore::EnsureLookupIndexes(const EntitySchema& schema) {
  for (const EntityDef& e : schema.entities()) {
    for (const FeedbackLink& l : e.lookups) VOC_RETURN_IF_ERROR(EnsureLookupIndex(e.name, l.attribute));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EntityRecord>> EntityStore::FindRowsByAttribute(const std::string& entity,
                                                                           const std::string& attribute,
                                                                           const std::vector<std::string>& values) {
  VOC_RETURN_IF_ERROR(CheckNames(entity, attribute));
  const absl::Status index = EnsureLookupIndex(entity, attribute);
  if (!index.ok()) {
    // The statement is right without it, only slower (a pass over the
    // entity's rows); the next call tries again.
    log::Warn("entities_lookup_index_failed", {{"entity", entity}, {"attribute", attribute},
                                               {"error", std::string(index.message())}});
  }
  absl::StatusOr<std::vector<EntityRecord>> found = storage::Guarded("reading entity rows by " + attribute, [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<EntityRecord> out;
      for (std::size_t start = 0; start < values.size(); start += kKeysPerSelect) {
        const std::size_t n = std::min(kKeysPerSelect, values.size() - start);
        const std::vector<std::string> params(values.begin() + static_cast<long>(start),
                                              values.begin() + static_cast<long>(start + n));
        storage::ForEachRow(s, ByAttributeSql(s, entity, attribute, n, index.ok()), params, [&](const soci::row& r) {
          out.push_back({entity, r.get<std::string>(0), ParseAttributesJson(r.get<std::string>(1)),
                         storage::AsInt(r, 2), storage::AsInt(r, 3), {}});
        });
      }
      // A row has one value of the attribute: no row comes twice.
      std::sort(out.begin(), out.end(), [](const EntityRecord& a, const EntityRecord& b) { return a.key < b.key; });
      return out;
    });
  });
  if (!found.ok()) {
    // Perhaps the index was dropped under us ("no such index"): made again next time.
    std::lock_guard lock(indexed_mu_);
    indexed_.erase({entity, attribute});
  }
  return found;
}

absl::StatusOr<std::string> EntityStore::ExplainFindRowsByAttribute(const std::string& entity,
                                                                    const std::string& attribute,
                                                                    const std::vector<std::string>& values) {
  VOC_RETURN_IF_ERROR(CheckNames(entity, attribute));
  bool indexed = false;
  {
    std::lock_guard lock(indexed_mu_);
    indexed = indexed_.count({entity, attribute}) > 0;
  }
  return storage::Guarded("explaining a lookup", [&] {
    return db_.WithSession([&](soci::session& s) {
      const std::size_t n = std::min(kKeysPerSelect, std::max<std::size_t>(1, values.size()));
      std::vector<std::string> params(values.begin(), values.begin() + static_cast<long>(std::min(n, values.size())));
      params.resize(n);
      const std::string sql = ByAttributeSql(s, entity, attribute, n, indexed);
      return storage::PlanText(storage::ExplainPlan(s, sql, [&](auto& query) {
        for (const std::string& p : params) query, soci::use(p);
      }));
    });
  });
}

}  // namespace voc::entities
