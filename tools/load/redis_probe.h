// Read-only looks at the loop's Redis: memory in use, stream lengths, and
// whether every consumer group has taken and acknowledged everything.
// Nothing here reads through a group (XREADGROUP) or acknowledges, so the
// services' consumer groups are never disturbed.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <map>
#include <string>

#include "common/queue/redis_client.h"

namespace voc::load {

class RedisProbe {
 public:
  explicit RedisProbe(queue::RedisOptions options) : client_(std::move(options)) {}

  // INFO memory's used_memory, in bytes.
  absl::StatusOr<std::int64_t> UsedMemory();
  // The length of every stream named voc:* (dead letters included).
  absl::StatusOr<std::map<std::string, std::int64_t>> StreamLengths();
  // True when, on every voc:* stream, every consumer group has been given
  // the stream's last entry and has nothing pending.
  absl::StatusOr<bool> GroupsDrained();
  // For each entry of `stream` from `from_ms` on (XRANGE, read-only): the
  // value of its `field` -> the entry id's milliseconds (when Redis added
  // it), first occurrence only. How the e2e mode times each stage.
  absl::StatusOr<std::map<std::string, std::int64_t>> EntryTimes(const std::string& stream, const std::string& field,
                                                                 std::int64_t from_ms);

 private:
  absl::StatusOr<std::vector<std::string>> Streams();
  queue::RedisClient client_;
};

// "host:port" -> options (port 6379 when absent).
queue::RedisOptions RedisOptionsFor(const std::string& address);

}  // namespace voc::load
