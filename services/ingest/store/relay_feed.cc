#include "services/ingest/store/relay_feed.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace voc::ingest {
namespace {

std::size_t BytesOf(const RelayFeed::Row& row) {
  std::size_t bytes = 0;
  for (const auto& [field, value] : row.message) bytes += value.size();
  return bytes;
}

}  // namespace

void RelayFeed::Push(std::vector<Row> rows, std::uint64_t erasure_generation) {
  if (rows.empty()) return;
  std::size_t bytes = 0;
  for (const auto& row : rows) bytes += BytesOf(row);
  std::lock_guard lock(mu_);
  if (rows_ + rows.size() > max_rows_ || bytes_ + bytes > max_bytes_) {  // the table covers for it
    dropped_up_to_ = std::max(dropped_up_to_, rows.back().rowid);
    return;
  }
  const std::int64_t first = rows.front().rowid;
  const std::size_t n = rows.size();
  auto [it, fresh] = entries_.try_emplace(first);
  if (!fresh) {
    // Cannot happen (each rowid is inserted once); keep what is there.
    return;
  }
  it->second.rows = std::move(rows);
  it->second.erasure_generation = erasure_generation;
  it->second.bytes = bytes;
  rows_ += n;
  bytes_ += bytes;
}

RelayFeed::Taken RelayFeed::Take(std::int64_t watermark, std::size_t limit, std::uint64_t erasure_generation) {
  Taken taken;
  std::lock_guard lock(mu_);
  std::int64_t expected = watermark + 1;
  while (!entries_.empty() && taken.rows.size() < limit) {
    auto it = entries_.begin();
    Entry& entry = it->second;
    if (entry.erasure_generation != erasure_generation) {
      rows_ -= entry.rows.size() - entry.next;
      bytes_ -= entry.bytes;
      entries_.erase(it);
      taken.gap = true;
      continue;
    }
    while (entry.next < entry.rows.size() && entry.rows[entry.next].rowid < expected) {
      Release(entry);
    }
    if (entry.next == entry.rows.size()) {
      entries_.erase(it);
      continue;
    }
    if (entry.rows[entry.next].rowid != expected) break;  // a gap before this entry
    while (entry.next < entry.rows.size() && taken.rows.size() < limit &&
           entry.rows[entry.next].rowid == expected) {
      taken.rows.push_back(std::move(entry.rows[entry.next]));
      Release(entry, BytesOf(taken.rows.back()));
      ++expected;
    }
    if (entry.next == entry.rows.size()) {
      entries_.erase(it);
    } else if (taken.rows.size() < limit) {
      break;  // a gap inside the entry
    }
  }
  taken.gap = taken.gap || (!entries_.empty() && taken.rows.size() < limit) || dropped_up_to_ >= expected;
  return taken;
}

void RelayFeed::Release(Entry& entry, std::optional<std::size_t> bytes) {
  const std::size_t released = bytes ? *bytes : BytesOf(entry.rows[entry.next]);
  entry.bytes -= released;
  bytes_ -= released;
  ++entry.next;
  --rows_;
}

std::size_t RelayFeed::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::size_t RelayFeed::rows() const {
  std::lock_guard lock(mu_);
  return rows_;
}

}  // namespace voc::ingest
