#include "common/storage/errors.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

#include "common/util/utf8.h"

namespace voc::storage {
namespace {

// SQLite primary result codes (sqlite3.h), without including it.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteConstraint = 19;

absl::StatusCode SqliteCode(int result) {
  switch (result & 0xff) {  // extended codes carry the primary one in the low byte
    case kSqliteBusy:
    case kSqliteLocked:
    case kSqliteIoErr:
    case kSqliteFull:
    case kSqliteCantOpen: return absl::StatusCode::kUnavailable;
    case kSqliteConstraint: return absl::StatusCode::kAborted;
    default: return absl::StatusCode::kInternal;
  }
}

absl::StatusCode PostgresCode(const std::string& sqlstate) {
  const std::string cls = sqlstate.substr(0, 2);
  // 08: connection exception; 53: insufficient resources; 57P0x: the
  // server is shutting down or starting; 58: system error.
  if (cls == "08" || cls == "53" || cls == "58" || sqlstate.rfind("57P0", 0) == 0) {
    return absl::StatusCode::kUnavailable;
  }
  // 40001 serialization failure, 40P01 deadlock, 23505 unique violation.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505") return absl::StatusCode::kAborted;
  return absl::StatusCode::kInternal;
}

// libpq reports a dropped connection without a SQLSTATE ("server closed the
// connection unexpectedly", "no connection to the server"), and SOCI's
// pool reports "Cannot establish connection": both mean the server is away.
bool LooksLikeLostConnection(std::string_view what) {
  for (std::string_view marker : {"server closed the connection", "no connection to the server",
                                  "could not connect", "Cannot establish connection",
                                  "Connection refused", "terminating connection",
                                  "database is locked", "connection to server"}) {
    if (what.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

absl::Status StatusFromException(const std::exception& e, std::string_view action) {
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    code = SqliteCode(sqlite->result());
  } else if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    code = PostgresCode(pg->sqlstate());
  } else if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    if (soci_error->get_error_category() == soci::soci_error::connection_error) {
      code = absl::StatusCode::kUnavailable;
    } else if (soci_error->get_error_category() == soci::soci_error::constraint_violation) {
      code = absl::StatusCode::kAborted;
    }
  }
  if (code == absl::StatusCode::kInternal && LooksLikeLostConnection(e.what())) {
    code = absl::StatusCode::kUnavailable;
  }
  return absl::Status(code, std::string(action) + ": " + ClientSafeError(e.what()));
}

}  // namespace voc::storage
