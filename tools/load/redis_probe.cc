#include "tools/load/redis_probe.h"

#include <sstream>

namespace voc::load {
namespace {

std::string Text(const redisReply* r) {
  if (!r) return "";
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) {
    return std::string(r->str, r->len);
  }
  if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
  return "";
}

absl::Status ErrorOf(const queue::Reply& reply, const std::string& what, const queue::RedisClient& client) {
  if (!reply) return absl::UnavailableError(what + ": " + client.last_error());
  if (reply->type == REDIS_REPLY_ERROR) return absl::InternalError(what + ": " + std::string(reply->str, reply->len));
  return absl::OkStatus();
}

// A flat [key, value, key, value...] reply (RESP2) as a map
// of the values' text.
std::map<std::string, const redisReply*> Fields(const redisReply* r) {
  std::map<std::string, const redisReply*> out;
  if (!r || r->type != REDIS_REPLY_ARRAY) return out;
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) out[Text(r->element[i])] = r->element[i + 1];
  return out;
}

}  // namespace

queue::RedisOptions RedisOptionsFor(const std::string& address) {
  queue::RedisOptions options;
  const auto colon = address.rfind(':');
  options.host = colon == std::string::npos ? address : address.substr(0, colon);
  options.port = colon == std::string::npos ? 6379 : std::stoi(address.substr(colon + 1));
  return options;
}

absl::StatusOr<std::int64_t> RedisProbe::UsedMemory() {
  auto reply = client_.Command({"INFO", "memory"});
  if (auto s = ErrorOf(reply, "INFO memory", client_); !s.ok()) return s;
  std::istringstream lines(Text(reply.get()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("used_memory:", 0) == 0) return std::stoll(line.substr(12));
  }
  return absl::InternalError("INFO memory has no used_memory");
}

absl::StatusOr<std::vector<std::string>> RedisProbe::Streams() {
  std::vector<std::string> streams;
  std::string cursor = "0";
  do {
    auto reply = client_.Command({"SCAN", cursor, "MATCH", "voc:*", "TYPE", "stream", "COUNT", "1000"});
    if (auto s = ErrorOf(reply, "SCAN", client_); !s.ok()) return s;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) return absl::InternalError("SCAN: odd reply");
    cursor = Text(reply->element[0]);
    const redisReply* keys = reply->element[1];
    for (std::size_t i = 0; i < keys->elements; ++i) streams.push_back(Text(keys->element[i]));
  } while (cursor != "0");
  return streams;
}

absl::StatusOr<std::map<std::string, std::int64_t>> RedisProbe::StreamLengths() {
  auto streams = Streams();
  if (!streams.ok()) return streams.status();
  std::map<std::string, std::int64_t> lengths;
  for (const auto& stream : *streams) {
    auto reply = client_.Command({"XLEN", stream});
    if (auto s = ErrorOf(reply, "XLEN " + stream, client_); !s.ok()) return s;
    lengths[stream] = reply->integer;
  }
  return lengths;
}

absl::StatusOr<bool> RedisProbe::GroupsDrained() {
  auto streams = Streams();
  if (!streams.ok()) return streams.status();
  for (const auto& stream : *streams) {
    auto info = client_.Command({"XINFO", "STREAM", stream});
    if (auto s = ErrorOf(info, "XINFO STREAM " + stream, client_); !s.ok()) return s;
    const auto stream_fields = Fields(info.get());
    const auto last = stream_fields.find("last-generated-id");
    const std::string last_id = last == stream_fields.end() ? "" : Text(last->second);

    auto groups = client_.Command({"XINFO", "GROUPS", stream});
    if (auto s = ErrorOf(groups, "XINFO GROUPS " + stream, client_); !s.ok()) return s;
    for (std::size_t g = 0; g < groups->elements; ++g) {
      const auto fields = Fields(groups->element[g]);
      const auto pending = fields.find("pending");
      const auto delivered = fields.find("last-delivered-id");
      if (pending == fields.end() || delivered == fields.end()) return absl::InternalError("XINFO GROUPS: odd reply");
      if (pending->second->integer != 0 || Text(delivered->second) != last_id) return false;
    }
  }
  return true;
}

absl::StatusOr<std::map<std::string, std::int64_t>> RedisProbe::EntryTimes(const std::string& stream,
                                                                       const std::string& field,
                                                                       std::int64_t from_ms) {
  std::map<std::string, std::int64_t> times;
  std::string start = std::to_string(from_ms) + "-0";
  while (true) {
    auto reply = client_.Command({"XRANGE", stream, start, "+", "COUNT", "2000"});
    if (auto s = ErrorOf(reply, "XRANGE " + stream, client_); !s.ok()) return s;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) break;
    std::string last_id;
    for (std::size_t i = 0; i < reply->elements; ++i) {
      const redisReply* entry = reply->element[i];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
      last_id = Text(entry->element[0]);
      const auto fields = Fields(entry->element[1]);
      const auto value = fields.find(field);
      if (value != fields.end()) times.emplace(Text(value->second), std::stoll(last_id.substr(0, last_id.find('-'))));
    }
    if (reply->elements < 2000) break;
    start = "(" + last_id;  // exclusive: the next entry after the last one read
  }
  return times;
}

}  // namespace voc::load
