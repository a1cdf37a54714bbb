// A SQLite database made unavailable the way another process would: a second
// connection holds the file's write lock (BEGIN EXCLUSIVE) until the lock
// object is destroyed. Writes of every other connection then fail with
// SQLITE_BUSY once their busy timeout runs out (reads still work in WAL mode).
//
// common/storage/database.cc gives every connection a busy timeout of 10 s;
// ShortenBusyTimeout lowers it so a test sees the failure in milliseconds.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "common/storage/database.h"

namespace voc::testing {

class SqliteWriteLock {
 public:
  // `url` is the sqlite3:// URL of the database to lock.
  explicit SqliteWriteLock(const std::string& url) : db_(storage::Database::Open(url, 1).value()) {
    std::promise<void> locked;
    std::future<void> ready = locked.get_future();
    holder_ = std::thread([this, &locked] {
      db_->WithSession([&](soci::session& s) {
        s << "BEGIN EXCLUSIVE";
        locked.set_value();
        release_.get_future().wait();
        s << "ROLLBACK";
      });
    });
    ready.wait();
  }
  ~SqliteWriteLock() {
    release_.set_value();
    holder_.join();
  }
  SqliteWriteLock(const SqliteWriteLock&) = delete;
  SqliteWriteLock& operator=(const SqliteWriteLock&) = delete;

 private:
  std::unique_ptr<storage::Database> db_;
  std::promise<void> release_;
  std::thread holder_;
};

// REQUIRES: `db` was opened with a pool of one connection (the pragma is
// per connection).
inline void ShortenBusyTimeout(storage::Database& db, std::chrono::milliseconds timeout) {
  db.WithSession([&](soci::session& s) { s << "PRAGMA busy_timeout=" + std::to_string(timeout.count()); });
}

}  // namespace voc::testing
