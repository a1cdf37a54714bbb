// The relay feed (SQLite only): committed feedback rows handed from the
// insert to the outbox relay in memory, so the relay publishes them without
// reading them back from the table.
//
// Why it is exact: on SQLite one process writes the file and its write
// transactions are serialised, so the rows each commit inserts get rowids
// that continue those of the commit before (SQLite gives a new row the
// largest rowid plus one; a rolled-back transaction leaves nothing behind).
// The relay keeps one watermark, the rowid of the last row it published
// (`feedback_relay_mark`, migration 4), and takes from the feed only rows
// that continue it without a gap: rowid == watermark + 1, + 2, ... Whatever
// the feed does not have at the front - rows pushed late by a commit that
// lost the race to push first, rows dropped because the feed was full, rows
// taken by a pass whose publish failed, rows committed before a restart -
// the relay reads from the table (`rowid > watermark`), which holds every
// committed row. So the feed only saves work; it never decides what is
// published.
//
// Erasure: rows pushed before an erasure committed (ErasuresCommitted()
// moved on) are dropped at the front, and the relay reads the erased rows
// from the table instead.
//
// Bound: at most `max_rows` rows and `max_bytes` of message values (a push
// that would exceed either is dropped, and the table covers for it).
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "common/queue/publisher.h"

namespace voc::ingest {

class RelayFeed {
 public:
  struct Row {
    std::int64_t rowid = 0;
    queue::MessageFields message;  // FeedbackMessage() of the stored row
  };
  struct Taken {
    std::vector<Row> rows;  // consecutive rowids, the first one watermark + 1
    // Rows are left in the feed past a gap, or rows after these were
    // dropped (stale, or the feed was full): the table has to be read for
    // what lies between.
    bool gap = false;
  };

  explicit RelayFeed(std::size_t max_rows, std::size_t max_bytes = std::numeric_limits<std::size_t>::max())
      : max_rows_(max_rows), max_bytes_(max_bytes) {}

  // After a commit: the rows it inserted, in ascending rowid order, pushed
  // while `erasure_generation` was current. Dropped whole when the feed
  // would exceed its bound.
  void Push(std::vector<Row> rows, std::uint64_t erasure_generation);

  // Takes up to `limit` rows continuing `watermark` (rowid watermark + 1,
  // + 2, ...), drops rows at or below it, and drops at the front whatever was
  // pushed before `erasure_generation`.
  Taken Take(std::int64_t watermark, std::size_t limit, std::uint64_t erasure_generation);

  std::size_t rows() const;
  std::size_t bytes() const;

 private:
  struct Entry {
    std::vector<Row> rows;
    std::size_t next = 0;  // rows before it were taken
    std::size_t bytes = 0;  // of the rows not taken
    std::uint64_t erasure_generation = 0;
  };

  // Counts the row at entry.next (of `bytes`, when moved out already) as taken.
  void Release(Entry& entry, std::optional<std::size_t> bytes = std::nullopt);

  const std::size_t max_rows_;
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::map<std::int64_t, Entry> entries_;  // by first rowid
  std::size_t rows_ = 0;                   // rows held (not yet taken)
  std::size_t bytes_ = 0;                  // their message values
  std::int64_t dropped_up_to_ = 0;         // the largest rowid of a dropped push
};

}  // namespace voc::ingest
