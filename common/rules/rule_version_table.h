// RuleVersionTable: the numbered versions of a service's editable rules
// (issue 9), in one table of that service's database. Triage keeps its
// taxonomy, red lines and priority matrix in `rule_versions`; assignment its
// routing rules in `routing_rule_versions`. Same columns in both
// (RuleVersionTableStatements), so the SQL lives here once.
//
// Each version: kind, number (1, 2, ... per kind, in the order made; the
// newest is the one in force), the file's own `version` label, content hash,
// YAML, who (auth::Principal::Actor(), or "config"), when, why, and for a
// rollback the version it restored.
//
// Thread safety: as storage::Database (any thread).
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"

namespace voc::rules {

// The newest stored version of one kind, without its YAML: what a replica
// compares with the rules it runs.
struct StoredRuleVersion {
  std::string kind;
  std::string id;            // the table's primary key ("taxonomy/versions/3")
  std::string version;       // the rule file's `version` field
  std::string content_hash;  // of the YAML text
};

// A version to store (who, when and why).
struct NewRuleVersion {
  std::string kind;
  std::string label;         // the rule file's `version` field
  std::string content_hash;  // of the YAML text
  std::string yaml;
  std::string author;        // auth::Principal::Actor(), or "config"
  std::string comment;
  std::string rolled_back_from;  // the restored version's name, for a rollback
  std::int64_t created_ms = 0;
};

// A stored version as a history shows it (yaml only when asked for).
struct RuleVersionRecord {
  std::string kind;
  std::int64_t number = 0;  // 1, 2, ... per kind
  std::string label;
  std::string content_hash;
  std::string author;
  std::string comment;
  std::string rolled_back_from;
  std::int64_t created_ms = 0;
  std::string yaml;
};

// "routing/versions/3": a version's name, also its row id.
std::string RuleVersionName(const std::string& kind, std::int64_t number);

// The statements a service's migration runs to create `table` with every
// column and index (new services; triage built its table up over its
// migrations 1, 2 and 5 and keeps them).
std::vector<std::string> RuleVersionTableStatements(const std::string& table);

class RuleVersionTable {
 public:
  // `table` is a constant of the owning service, never user input.
  RuleVersionTable(storage::Database& db, std::string table) : db_(db), table_(std::move(table)) {}

  // Stores `change` as the next version of its kind (numbered after the
  // newest) and returns its number. When the kind has no stored version
  // yet, `baseline` (the rules in force until now: the file) is stored
  // first, as version 1, in the same transaction, so the first change can be
  // rolled back. ABORTED when another replica stored a version of the kind
  // at the same moment (the unique index on kind and number; retry).
  absl::StatusOr<std::int64_t> Save(const NewRuleVersion& change, const NewRuleVersion& baseline);
  // The newest version of each of `kinds` that has one. One statement, one
  // index seek per kind; the YAML is not read.
  absl::StatusOr<std::vector<StoredRuleVersion>> Newest(const std::vector<std::string>& kinds);
  // The YAML of a stored version, by StoredRuleVersion::id; nullopt when
  // there is no such version.
  absl::StatusOr<std::optional<std::string>> Yaml(const std::string& id);
  // Versions of `kind` numbered below `before_number`, newest first, at most
  // `limit`, without their YAML.
  absl::StatusOr<std::vector<RuleVersionRecord>> List(const std::string& kind, std::int64_t before_number,
                                                      int limit);
  // One version with its YAML; nullopt when there is none with that number.
  absl::StatusOr<std::optional<RuleVersionRecord>> Get(const std::string& kind, std::int64_t number);
  // The number of the newest version of `kind`, 0 when none is stored.
  absl::StatusOr<std::int64_t> NewestNumber(const std::string& kind);

  const std::string& table() const { return table_; }

 private:
  storage::Database& db_;
  const std::string table_;
};

}  // namespace voc::rules
