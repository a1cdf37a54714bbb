#include "common/queue/stream_trimmer.h"

#include <absl/status/status.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "common/queue/stream.h"

namespace voc::queue {
namespace {

std::string Text(const redisReply* r) {
  return (r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR))
             ? std::string(r->str, r->len)
             : std::string();
}

bool ParseUint(const std::string& text, std::uint64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// A reply that is not what the command answers: Redis is not what we think.
absl::Status Unexpected(const std::string& what, const redisReply* reply) {
  if (reply && reply->type == REDIS_REPLY_ERROR) {
    const std::string error = Text(reply);
    if (error.find("WRONGTYPE") != std::string::npos) return absl::FailedPreconditionError(what + ": " + error);
    return absl::InternalError(what + ": " + error);
  }
  return absl::InternalError(what + ": unexpected reply");
}

// One group of an XINFO GROUPS reply: a flat list of field names and values.
std::map<std::string, const redisReply*> Fields(const redisReply* group) {
  std::map<std::string, const redisReply*> fields;
  if (!group || group->type != REDIS_REPLY_ARRAY) return fields;
  for (std::size_t i = 0; i + 1 < group->elements; i += 2) fields[Text(group->element[i])] = group->element[i + 1];
  return fields;
}

}  // namespace

std::optional<StreamId> StreamId::Parse(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  StreamId id;
  if (!ParseUint(text.substr(0, dash), &id.ms) || !ParseUint(text.substr(dash + 1), &id.seq)) return std::nullopt;
  return id;
}

std::string StreamId::ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

StreamId StreamId::Next() const {
  if (seq == UINT64_MAX) return {ms + 1, 0};
  return {ms, seq + 1};
}

StreamTrimmer::StreamTrimmer(RedisOptions redis, TrimOptions options)
    : client_(std::move(redis)), options_(std::move(options)) {}

absl::StatusOr<long long> StreamTrimmer::Integer(const std::vector<std::string>& command) {
  Reply reply = client_.Command(command);
  if (!reply) return absl::UnavailableError(client_.last_error());
  if (reply->type != REDIS_REPLY_INTEGER) return Unexpected(command[0], reply.get());
  return reply->integer;
}

absl::StatusOr<std::vector<GroupProgress>> StreamTrimmer::ReadProgress(bool* stream_exists) {
  *stream_exists = true;
  // First where each group's deliveries have got to, then what is pending:
  // in this order a group that moves on in between only makes the bound
  // older (see the header).
  Reply info = client_.Command({"XINFO", "GROUPS", options_.stream});
  if (!info) return absl::UnavailableError(client_.last_error());
  if (info->type == REDIS_REPLY_ERROR && Text(info.get()).find("no such key") != std::string::npos) {
    *stream_exists = false;
    return std::vector<GroupProgress>{};
  }
  if (info->type != REDIS_REPLY_ARRAY) return Unexpected("XINFO GROUPS " + options_.stream, info.get());

  std::vector<GroupProgress> groups;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < info->elements; ++i) {
    auto fields = Fields(info->element[i]);
    GroupProgress progress;
    progress.group = Text(fields["name"]);
    progress.exists = true;
    progress.last_delivered_id = Text(fields["last-delivered-id"]);
    if (const redisReply* lag = fields["lag"]; lag && lag->type == REDIS_REPLY_INTEGER) progress.lag = lag->integer;
    seen.insert(progress.group);
    groups.push_back(std::move(progress));
  }
  for (const auto& expected : options_.groups) {
    if (seen.count(expected) == 0) groups.push_back(GroupProgress{.group = expected});
  }

  std::vector<std::vector<std::string>> commands;
  for (const auto& g : groups) {
    if (g.exists) commands.push_back({"XPENDING", options_.stream, g.group});
  }
  auto replies = client_.Pipeline(commands);
  if (replies.size() != commands.size()) return absl::UnavailableError(client_.last_error());
  std::size_t next = 0;
  for (auto& g : groups) {
    if (!g.exists) continue;
    const redisReply* pending = replies[next++].get();
    if (!pending || pending->type != REDIS_REPLY_ARRAY || pending->elements < 2 ||
        pending->element[0]->type != REDIS_REPLY_INTEGER) {
      // The group was destroyed in between: it needs nothing any more, but
      // it is safest to trim nothing on its account this pass.
      return Unexpected("XPENDING " + options_.stream + " " + g.group, pending);
    }
    g.pending = pending->element[0]->integer;
    std::optional<StreamId> needed;
    if (g.pending > 0) {
      g.oldest_pending_id = Text(pending->element[1]);
      needed = StreamId::Parse(g.oldest_pending_id);
    } else if (auto delivered = StreamId::Parse(g.last_delivered_id)) {
      needed = delivered->Next();
    }
    if (!needed) return Unexpected("XINFO/XPENDING " + options_.stream + " " + g.group + ": an id", nullptr);
    g.oldest_needed = needed;
  }
  return groups;
}

absl::StatusOr<long long> StreamTrimmer::SweepFailures(const GroupProgress& group) {
  if (!group.oldest_needed) return 0;
  const std::string key = FailureKey(options_.stream, group.group);
  long long swept = 0;
  std::string cursor = "0";
  do {
    Reply page = client_.Command({"HSCAN", key, cursor, "COUNT", "500"});
    if (!page) return absl::UnavailableError(client_.last_error());
    if (page->type != REDIS_REPLY_ARRAY || page->elements < 2) return Unexpected("HSCAN " + key, page.get());
    cursor = Text(page->element[0]);
    const redisReply* entries = page->element[1];
    std::vector<std::string> hdel{"HDEL", key};
    for (std::size_t i = 0; i + 1 < entries->elements; i += 2) {
      const std::string id = Text(entries->element[i]);
      // Older than what the group still needs: the entry was acked, its
      // count can never be read again.
      if (auto parsed = StreamId::Parse(id); parsed && *parsed < *group.oldest_needed) hdel.push_back(id);
    }
    if (hdel.size() > 2) {
      auto removed = Integer(hdel);
      if (!removed.ok()) return removed.status();
      swept += *removed;
    }
  } while (cursor != "0");
  return swept;
}

absl::StatusOr<TrimResult> StreamTrimmer::TrimOnce() {
  TrimResult result;
  bool stream_exists = true;
  auto groups = ReadProgress(&stream_exists);
  if (!groups.ok()) return groups.status();
  result.groups = *std::move(groups);

  if (stream_exists && !result.groups.empty()) {
    for (const auto& g : result.groups) {
      if (!g.oldest_needed) {  // does not exist yet: has read nothing
        result.min_id.reset();
        result.held_back_by = g.group;
        break;
      }
      if (!result.min_id || *g.oldest_needed < *result.min_id) {
        result.min_id = g.oldest_needed;
        result.held_back_by = g.group;
      }
    }
  }
  if (result.min_id) {
    // Exact MINID: whole radix-tree nodes are dropped, and only the node at
    // the bound is edited entry by entry, so it costs little more than "~"
    // and removes everything every group has processed.
    auto trimmed = Integer({"XTRIM", options_.stream, "MINID", result.min_id->ToString()});
    if (!trimmed.ok()) return trimmed.status();
    result.trimmed = *trimmed;
  }
  for (const auto& g : result.groups) {
    auto swept = SweepFailures(g);
    if (!swept.ok()) return swept.status();
    result.failures_swept += *swept;
  }
  if (options_.dead_letter_max_len > 0) {
    auto dead = Integer({"XTRIM", DeadLetterKey(options_.stream), "MAXLEN", "~",
                         std::to_string(options_.dead_letter_max_len)});
    if (!dead.ok()) return dead.status();
    result.dead_trimmed = *dead;
  }
  return result;
}

}  // namespace voc::queue
