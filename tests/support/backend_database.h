// Storage tests run on SQLite and PostgreSQL (the same SQL must work on
// both): the backend a test is parameterised over, and a fresh, empty
// database on it for each test. SQLite is a file in the test's own temp
// folder; PostgreSQL is one private server per test binary (started on
// first use, on loopback on a free port, stopped at exit) with a new
// database each call. Header-only; link voc_test_support.
#pragma once

#include <memory>
#include <string>

#include "tests/support/servers.h"

namespace voc::testing {

enum class Backend { kSqlite, kPostgres };

inline const char* BackendName(Backend backend) { return backend == Backend::kSqlite ? "Sqlite" : "Postgres"; }

// True when `backend` cannot run here (PostgreSQL's server binaries are
// not installed): the test should GTEST_SKIP.
inline bool BackendMissing(Backend backend) {
  return backend == Backend::kPostgres && !PostgresServer::Available();
}

// The URL of a new database named after `name` (a file in `dir` on SQLite).
inline std::string FreshDatabaseUrl(Backend backend, const std::string& dir, const std::string& name) {
  if (backend == Backend::kSqlite) return "sqlite3://" + dir + "/" + name + ".db";
  static std::unique_ptr<PostgresServer> server;
  static int databases = 0;
  if (!server) server = std::make_unique<PostgresServer>();
  const std::string database = name + "_" + std::to_string(++databases);
  server->CreateDatabase(database);
  return server->Url(database);
}

}  // namespace voc::testing
