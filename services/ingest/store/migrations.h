#pragma once

#include <vector>

#include "common/storage/database.h"

namespace voc::ingest {

// The schema name ingest records its migrations under ("ingest_migrations").
inline constexpr char kIngestSchema[] = "ingest";

// Versioned schema of the ingest service (SQLite and PostgreSQL alike).
std::vector<voc::storage::Migration> IngestMigrations();

}  // namespace voc::ingest
