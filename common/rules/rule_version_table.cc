#include "common/rules/rule_version_table.h"

#include <soci/soci.h>

#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::rules {
namespace {

constexpr char kColumns[] = "kind, number, version, content_hash, author, comment, rolled_back_from, created_ms";

void Insert(soci::session& s, const std::string& table, const NewRuleVersion& v, std::int64_t number) {
  const std::string id = RuleVersionName(v.kind, number);
  const long long created = v.created_ms, n = number;
  s << "INSERT INTO " << table
    << " (id, kind, version, content_hash, yaml, created_ms, number, author, comment, rolled_back_from)"
       " VALUES (:id, :kind, :version, :hash, :yaml, :created, :number, :author, :comment, :from)",
      soci::use(id), soci::use(v.kind), soci::use(v.label), soci::use(v.content_hash), soci::use(v.yaml),
      soci::use(created), soci::use(n), soci::use(v.author), soci::use(v.comment), soci::use(v.rolled_back_from);
}

std::int64_t NewestNumberIn(soci::session& s, const std::string& table, const std::string& kind) {
  long long newest = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(number) FROM " << table << " WHERE kind = :kind", soci::use(kind), soci::into(newest, ind);
  return ind == soci::i_ok ? newest : 0;
}

RuleVersionRecord RecordFrom(const soci::row& row, bool with_yaml) {
  RuleVersionRecord r;
  r.kind = storage::AsString(row, 0);
  r.number = storage::AsInt(row, 1);
  r.label = storage::AsString(row, 2);
  r.content_hash = storage::AsString(row, 3);
  r.author = storage::AsString(row, 4);
  r.comment = storage::AsString(row, 5);
  r.rolled_back_from = storage::AsString(row, 6);
  r.created_ms = storage::AsInt(row, 7);
  if (with_yaml) r.yaml = storage::AsString(row, 8);
  return r;
}

}  // namespace

std::string RuleVersionName(const std::string& kind, std::int64_t number) {
  return kind + "/versions/" + std::to_string(number);
}

std::vector<std::string> RuleVersionTableStatements(const std::string& table) {
  return {
      "CREATE TABLE " + table +
          " ("
          " id TEXT PRIMARY KEY,"
          " kind TEXT NOT NULL,"
          " version TEXT NOT NULL,"
          " content_hash TEXT NOT NULL,"
          " yaml TEXT NOT NULL,"
          " created_ms BIGINT NOT NULL,"
          " number BIGINT NOT NULL,"
          " author TEXT NOT NULL DEFAULT '',"
          " comment TEXT NOT NULL DEFAULT '',"
          " rolled_back_from TEXT NOT NULL DEFAULT '')",
      // Two replicas storing a version of one kind at once: one fails
      // (ABORTED) instead of both getting the same number. Also the index
      // every replica's check for the newest version seeks.
      "CREATE UNIQUE INDEX " + table + "_number ON " + table + " (kind, number)",
  };
}

absl::StatusOr<std::int64_t> RuleVersionTable::Save(const NewRuleVersion& change, const NewRuleVersion& baseline) {
  return storage::Guarded("storing a rule version", [&] {
    std::int64_t number = 0;
    db_.InTransaction([&](soci::session& s) {
      number = NewestNumberIn(s, table_, change.kind);
      if (number == 0) Insert(s, table_, baseline, ++number);
      Insert(s, table_, change, ++number);
    });
    return number;
  });
}

absl::StatusOr<std::vector<StoredRuleVersion>> RuleVersionTable::Newest(const std::vector<std::string>& kinds) {
  return storage::Guarded("reading the newest rule versions", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<StoredRuleVersion> newest;
      if (kinds.empty()) return newest;
      // SQLite wants a LIMIT inside a compound SELECT in its own sub-select.
      std::string sql;
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (i > 0) sql += " UNION ALL ";
        sql += "SELECT * FROM (SELECT kind, id, version, content_hash FROM " + table_ + " WHERE kind = :k" +
               std::to_string(i) + " ORDER BY number DESC LIMIT 1) AS newest_" + std::to_string(i);
      }
      soci::details::prepare_temp_type query = s.prepare << sql;
      for (std::size_t i = 0; i < kinds.size(); ++i) query, soci::use(kinds[i], "k" + std::to_string(i));
      soci::rowset<soci::row> rows = query;
      for (const auto& row : rows) {
        newest.push_back({row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                          row.get<std::string>(3)});
      }
      return newest;
    });
  });
}

absl::StatusOr<std::optional<std::string>> RuleVersionTable::Yaml(const std::string& id) {
  return storage::Guarded("reading a rule version", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<std::string> {
      std::string yaml;
      soci::indicator ind = soci::i_null;
      s << "SELECT yaml FROM " << table_ << " WHERE id = :id", soci::use(id), soci::into(yaml, ind);
      if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
      return yaml;
    });
  });
}

absl::StatusOr<std::vector<RuleVersionRecord>> RuleVersionTable::List(const std::string& kind,
                                                                      std::int64_t before_number, int limit) {
  const long long before = before_number;
  return storage::Guarded("listing rule versions", [&] {
    return db_.WithSession([&](soci::session& s) {
      std::vector<RuleVersionRecord> versions;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT " << kColumns << " FROM " << table_
                     << " WHERE kind = :kind AND number < :before ORDER BY number DESC LIMIT :l",
           soci::use(kind), soci::use(before), soci::use(limit));
      for (const auto& row : rows) versions.push_back(RecordFrom(row, false));
      return versions;
    });
  });
}

absl::StatusOr<std::optional<RuleVersionRecord>> RuleVersionTable::Get(const std::string& kind,
                                                                       std::int64_t number) {
  const long long n = number;
  return storage::Guarded("reading a rule version", [&] {
    return db_.WithSession([&](soci::session& s) -> std::optional<RuleVersionRecord> {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT " << kColumns << ", yaml FROM " << table_ << " WHERE kind = :kind AND number = :n",
           soci::use(kind), soci::use(n));
      for (const auto& row : rows) return RecordFrom(row, true);
      return std::nullopt;
    });
  });
}

absl::StatusOr<std::int64_t> RuleVersionTable::NewestNumber(const std::string& kind) {
  return storage::Guarded("reading the newest rule version", [&] {
    return db_.WithSession([&](soci::session& s) { return NewestNumberIn(s, table_, kind); });
  });
}

}  // namespace voc::rules
