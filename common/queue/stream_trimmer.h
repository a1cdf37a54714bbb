// Bounded growth of Redis: a stream is trimmed only up to the oldest entry
// some consumer group still needs, so no group ever loses an entry it has
// not processed, and everything every group has processed goes.
//
// The oldest entry a group still needs is its oldest pending entry
// (XPENDING: delivered, not acked yet), or, with nothing pending, the entry
// after its last-delivered-id (XINFO GROUPS). Everything older was delivered
// to the group and acked. The groups asked are the ones expected to read the
// stream (ConsumerGroupsOf in stream.h) and any other group that exists on
// it: a reader that exists must not lose entries, and a group that does not
// exist yet holds the trim back entirely (it has read nothing: its consumer
// creates it at the stream's start). A stale group nobody reads any more
// therefore holds the stream back too: delete it (XGROUP DESTROY) and the
// next pass trims; its lag is reported in TrimResult.
//
// Safe against the consumers running meanwhile: XINFO is read before
// XPENDING, so a group that moved on in between only makes the bound older,
// and an acked entry never becomes pending again. (XGROUP SETID moving a
// group backwards is an operator's act and not covered.)
//
// One pass also bounds the keys beside the stream:
//   <stream>:failures:<group>  failure counts; the consumer deletes an entry
//       on ack and on dead-lettering; counts left for entries older than the
//       group's bound (a consumer that lost a race or its connection) are
//       deleted here;
//   <stream>:dead              capped at `dead_letter_max_len` (MAXLEN ~:
//       whole radix-tree nodes, so it may hold up to one node, 100 entries by
//       default, more).
//
// Not thread-safe (one RedisClient): one trimmer per thread.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/queue/redis_client.h"

namespace voc::queue {

// The default cap of `<stream>:dead` (config queue.dead_letter_max_len).
inline constexpr long long kDefaultDeadLetterMaxLen = 10000;

struct TrimOptions {
  std::string stream;
  // The groups that must read every entry (ConsumerGroupsOf(stream)).
  std::vector<std::string> groups;
  // <= 0: the dead-letter stream is not capped.
  long long dead_letter_max_len = kDefaultDeadLetterMaxLen;
};

// A stream entry id "<ms>-<seq>", ordered as Redis orders them.
struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  // nullopt unless `text` is a complete "<ms>-<seq>".
  static std::optional<StreamId> Parse(const std::string& text);
  std::string ToString() const;
  // The smallest id after this one.
  StreamId Next() const;
  auto operator<=>(const StreamId&) const = default;
};

struct GroupProgress {
  std::string group;
  bool exists = false;
  long long pending = 0;
  std::string last_delivered_id;        // XINFO GROUPS
  std::string oldest_pending_id;        // XPENDING; empty when nothing is pending
  std::optional<long long> lag;         // XINFO GROUPS (Redis 7); nullopt when Redis cannot tell
  std::optional<StreamId> oldest_needed;  // nullopt when the group does not exist
};

struct TrimResult {
  std::vector<GroupProgress> groups;
  // Entries older than this were trimmed; nullopt when nothing could be
  // (the stream does not exist, or a group does not exist yet).
  std::optional<StreamId> min_id;
  // The group whose progress set min_id, or the missing group that held the
  // trim back.
  std::string held_back_by;
  long long trimmed = 0;          // entries removed from the stream
  long long dead_trimmed = 0;     // entries removed from <stream>:dead
  long long failures_swept = 0;   // stale failure counts deleted
};

class StreamTrimmer {
 public:
  StreamTrimmer(RedisOptions redis, TrimOptions options);

  // One pass. UNAVAILABLE when Redis cannot be reached, FAILED_PRECONDITION
  // when the key is not a stream; nothing is trimmed then.
  absl::StatusOr<TrimResult> TrimOnce();

  const TrimOptions& options() const { return options_; }

 private:
  absl::StatusOr<std::vector<GroupProgress>> ReadProgress(bool* stream_exists);
  absl::StatusOr<long long> SweepFailures(const GroupProgress& group);
  absl::StatusOr<long long> Integer(const std::vector<std::string>& command);

  RedisClient client_;
  TrimOptions options_;
};

}  // namespace voc::queue
