// Which backend a session talks to, for SQL that differs between SQLite and
// PostgreSQL (a lock clause, a JSON expression, a plan's prefix): the one
// place that reads SOCI's backend names. A store that holds its Database
// asks Database::backend() (common/storage/database.h) instead. Header-only.
#pragma once

#include <soci/soci.h>

namespace voc::storage {

inline bool IsSqlite(soci::session& s) { return s.get_backend_name() == "sqlite3"; }
inline bool IsPostgres(soci::session& s) { return s.get_backend_name() == "postgresql"; }

}  // namespace voc::storage
