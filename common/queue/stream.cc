#include "common/queue/stream.h"

#include <thread>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"

namespace voc::queue {
namespace {

std::vector<std::string> XaddArgs(const std::string& stream, const std::map<std::string, std::string>& fields) {
  std::vector<std::string> args{"XADD", stream, "*"};
  for (const auto& [k, v] : fields) {
    args.push_back(k);
    args.push_back(v);
  }
  return args;
}

std::string GroupFailureKey(const ConsumerOptions& o) { return FailureKey(o.stream, o.group); }

// True when every reply of a MULTI ... EXEC pipeline came back and EXEC ran
// the transaction (an error reply or a nil EXEC means nothing was applied).
bool Executed(const std::vector<Reply>& replies) {
  if (replies.empty()) return false;
  const Reply& exec = replies.back();
  if (!exec || exec->type != REDIS_REPLY_ARRAY) return false;
  for (std::size_t i = 0; i < exec->elements; ++i) {
    if (exec->element[i]->type == REDIS_REPLY_ERROR) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> ConsumerGroupsOf(const std::string& stream) {
  if (stream == kFeedbackStream) return {"triage"};
  if (stream == kTriagedStream) return {"assignment", "verification"};
  // issue 10 item 4: triage keeps the red_line_marked events (red-line marks).
  if (stream == kTrackingStream) return {"verification", "triage"};
  // issue 13: campaign verdicts for the knowledge base and the weekly digest.
  if (stream == kOutreachStream) return {"verification"};
  if (stream == kNotifyRequestsStream) return {"notify"};
  if (stream == kNotifyOutcomesStream) return {"verification"};  // re-survey sent / failed counts
  // issue 9: common/auth's security events (auth::kAuditStream), stored by voc-identity.
  if (stream == "voc.audit") return {"identity"};
  return {};
}

std::string DeadLetterKey(const std::string& stream) { return stream + ":dead"; }

std::string FailureKey(const std::string& stream, const std::string& group) {
  return stream + ":failures:" + group;
}

std::vector<StreamMessage> ParseEntries(const redisReply* entries) {
  std::vector<StreamMessage> messages;
  if (!entries || entries->type != REDIS_REPLY_ARRAY) return messages;
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) continue;
    StreamMessage message;
    message.id.assign(entry->element[0]->str, entry->element[0]->len);
    const redisReply* kv = entry->element[1];
    // A deleted entry still pending shows up with a nil field list.
    if (kv && kv->type == REDIS_REPLY_ARRAY) {
      for (size_t j = 0; j + 1 < kv->elements; j += 2) {
        message.fields[std::string(kv->element[j]->str, kv->element[j]->len)] =
            std::string(kv->element[j + 1]->str, kv->element[j + 1]->len);
      }
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

StreamProducer::StreamProducer(RedisOptions options, std::string stream)
    : client_(std::move(options)), stream_(std::move(stream)) {}

bool StreamProducer::Publish(const std::map<std::string, std::string>& fields) {
  Reply reply = client_.Command(XaddArgs(stream_, fields));
  if (!reply || reply->type == REDIS_REPLY_ERROR) {
    log::Warn("queue_publish_failed",
              {{"stream", stream_}, {"error", reply ? std::string(reply->str, reply->len) : client_.last_error()}});
    return false;
  }
  return true;
}

std::size_t StreamProducer::PublishBatch(const std::vector<std::map<std::string, std::string>>& batch) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(batch.size());
  for (const auto& fields : batch) commands.push_back(XaddArgs(stream_, fields));
  auto replies = client_.Pipeline(commands);
  // Count only the leading successes: callers mark that prefix as published,
  // so a failure in the middle must not let a later success stand for it.
  std::size_t ok = 0;
  while (ok < replies.size() && replies[ok] && replies[ok]->type != REDIS_REPLY_ERROR) ++ok;
  if (ok != batch.size()) {
    log::Warn("queue_publish_batch_incomplete",
              {{"stream", stream_}, {"published", ok}, {"requested", batch.size()}, {"error", client_.last_error()}});
  }
  return ok;
}

StreamConsumer::StreamConsumer(RedisOptions redis, ConsumerOptions options, StreamBatchHandler handler)
    : client_(std::move(redis)), options_(std::move(options)), handler_(std::move(handler)) {}

// One message at a time, as a batch handler: after a status to retry, the
// later messages are not attempted (they would meet the same outage) and
// stay pending with it.
StreamConsumer::StreamConsumer(RedisOptions redis, ConsumerOptions options, StreamHandler handler)
    : StreamConsumer(std::move(redis), std::move(options),
                     StreamBatchHandler([this, handler = std::move(handler)](const std::vector<StreamMessage>& batch) {
                       std::vector<absl::Status> results;
                       results.reserve(batch.size());
                       for (const auto& message : batch) {
                         if (stopping_) {
                           results.push_back(absl::UnavailableError("consumer stopping"));
                           continue;
                         }
                         if (!results.empty() && DispositionOf(results.back()) == Disposition::kRetry) {
                           results.push_back(results.back());
                           continue;
                         }
                         try {
                           results.push_back(handler(message));
                         } catch (const std::exception& e) {
                           // A handler must return its errors; a throw is a bug, counted like one.
                           results.push_back(absl::InternalError(std::string("handler threw: ") + e.what()));
                         }
                       }
                       return results;
                     })) {}

bool StreamConsumer::EnsureGroup() {
  if (group_ready_) return true;
  Reply reply = client_.Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!reply) return false;
  if (reply->type == REDIS_REPLY_ERROR && std::string(reply->str, reply->len).find("BUSYGROUP") == std::string::npos) {
    log::Error("queue_group_create_failed", {{"stream", options_.stream}, {"error", std::string(reply->str, reply->len)}});
    return false;
  }
  group_ready_ = true;
  return true;
}

std::vector<StreamMessage> StreamConsumer::ReadGroup(const std::string& from_id) {
  std::vector<std::string> args{"XREADGROUP", "GROUP", options_.group, options_.consumer,
                                "COUNT", std::to_string(options_.batch_size)};
  // Only block when waiting for new messages; our own backlog is returned at once.
  if (from_id == ">") {
    args.push_back("BLOCK");
    args.push_back(std::to_string(options_.block.count()));
  }
  args.push_back("STREAMS");
  args.push_back(options_.stream);
  args.push_back(from_id);
  Reply reply = client_.Command(args);
  if (!reply) trouble_ = true;
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
    if (reply && reply->type == REDIS_REPLY_ERROR) {
      std::string error(reply->str, reply->len);
      // The stream or group was deleted (e.g. FLUSHALL): recreate it next time.
      if (error.find("NOGROUP") != std::string::npos) group_ready_ = false;
      log::Warn("queue_read_failed", {{"stream", options_.stream}, {"error", error}});
    }
    return {};
  }
  const redisReply* stream = reply->element[0];
  if (!stream || stream->type != REDIS_REPLY_ARRAY || stream->elements < 2) return {};
  return ParseEntries(stream->element[1]);
}

std::vector<StreamMessage> StreamConsumer::ClaimStale() {
  Reply reply = client_.Command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                                 std::to_string(options_.reclaim_idle.count()), reclaim_cursor_, "COUNT",
                                 std::to_string(options_.batch_size)});
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) {
    reclaim_cursor_ = "0-0";
    return {};
  }
  // The cursor is "0-0" once the scan reached the end of the pending list;
  // anything else means more may be stale: the next poll claims on from it.
  const redisReply* cursor = reply->element[0];
  reclaim_cursor_ = (cursor && cursor->type == REDIS_REPLY_STRING) ? std::string(cursor->str, cursor->len) : "0-0";
  auto messages = ParseEntries(reply->element[1]);
  if (!messages.empty()) {
    log::Info("queue_reclaimed", {{"stream", options_.stream}, {"count", messages.size()}});
  }
  return messages;
}

void StreamConsumer::DeadLetter(const StreamMessage& message, const absl::Status& status) {
  const std::string error(status.message());
  // The dead-letter stream is capped by the stream's trimmer
  // (queue.dead_letter_max_len, stream_trimmer.h), not here: one setting,
  // applied where the configuration is read.
  std::vector<std::string> xadd{"XADD", DeadLetterKey(options_.stream), "*", "original_id", message.id, "group",
                                options_.group, "error", error, "code", absl::StatusCodeToString(status.code())};
  for (const auto& [k, v] : message.fields) {
    xadd.push_back(k);
    xadd.push_back(v);
  }
  // One transaction: the message is never acked without its dead letter,
  // nor its failure count left behind once it is acked.
  auto replies = client_.Pipeline({{"MULTI"},
                                   xadd,
                                   {"XACK", options_.stream, options_.group, message.id},
                                   {"HDEL", GroupFailureKey(options_), message.id},
                                   {"EXEC"}});
  if (!Executed(replies)) return;  // keep it pending; retried later
  metrics::DeadLetters(options_.stream, options_.group).Increment();
  log::Error("queue_dead_lettered", {{"stream", options_.stream},
                                     {"message_id", message.id},
                                     {"code", absl::StatusCodeToString(status.code())},
                                     {"error", error}});
}

std::vector<absl::Status> StreamConsumer::RunHandler(const std::vector<StreamMessage>& batch) {
  // Entries deleted from the stream while pending (XDEL by hand; the trimmer
  // never removes a pending entry) come back without fields: nothing to
  // hand to the handler, they fail (DATA_LOSS) until they are dead-lettered.
  std::vector<StreamMessage> live;
  std::vector<std::size_t> live_index;
  std::vector<absl::Status> results(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].fields.empty()) {
      results[i] = absl::DataLossError("entry has no fields (deleted from the stream)");
    } else {
      live_index.push_back(i);
      live.push_back(batch[i]);
    }
  }
  if (live.empty()) return results;
  std::vector<absl::Status> handled;
  try {
    handled = handler_(live);
  } catch (const std::exception& e) {
    handled.assign(live.size(), absl::InternalError(std::string("handler threw: ") + e.what()));
  }
  if (handled.size() != live.size()) {
    log::Error("queue_handler_result_mismatch",
               {{"stream", options_.stream}, {"messages", live.size()}, {"statuses", handled.size()}});
    handled.assign(live.size(), absl::UnavailableError("handler returned the wrong number of statuses"));
  }
  for (std::size_t j = 0; j < live.size(); ++j) results[live_index[j]] = std::move(handled[j]);
  return results;
}

// XACK and HDEL take many ids: one round trip for the whole batch, in one
// MULTI/EXEC so a dropped connection cannot ack a message and leave its
// failure count behind (the trimmer sweeps any that are left anyway).
void StreamConsumer::AckAll(const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::vector<std::string> xack{"XACK", options_.stream, options_.group};
  std::vector<std::string> hdel{"HDEL", GroupFailureKey(options_)};
  xack.insert(xack.end(), ids.begin(), ids.end());
  hdel.insert(hdel.end(), ids.begin(), ids.end());
  auto replies = client_.Pipeline({{"MULTI"}, xack, hdel, {"EXEC"}});
  // Not acked: the messages come back and the idempotent handler finds its work done.
  if (!Executed(replies)) {
    trouble_ = true;
    log::Warn("queue_ack_failed", {{"stream", options_.stream}, {"count", ids.size()}, {"error", client_.last_error()}});
  }
}

int StreamConsumer::HandleBatch(const std::vector<StreamMessage>& batch) {
  if (batch.empty() || stopping_) return 0;
  const std::vector<absl::Status> results = RunHandler(batch);
  std::vector<std::string> acked;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const StreamMessage& message = batch[i];
    const absl::Status& result = results[i];
    const Disposition disposition = DispositionOf(result);
    if (disposition == Disposition::kAck) {
      acked.push_back(message.id);
      continue;
    }
    trouble_ = true;
    const std::string error(result.message());
    if (disposition == Disposition::kRetry) {
      log::Warn("queue_handler_retry", {{"stream", options_.stream}, {"message_id", message.id}, {"error", error}});
      // Later messages would meet the same outage: retry this one first.
      break;
    }
    // Failures are counted in Redis so the count survives restarts.
    Reply count = client_.Command({"HINCRBY", GroupFailureKey(options_), message.id, "1"});
    long long failures = (count && count->type == REDIS_REPLY_INTEGER) ? count->integer : 1;
    log::Warn("queue_handler_failed", {{"stream", options_.stream},
                                       {"message_id", message.id},
                                       {"failures", failures},
                                       {"error", error}});
    if (failures >= options_.max_deliveries) DeadLetter(message, result);
  }
  AckAll(acked);
  return static_cast<int>(acked.size());
}

int StreamConsumer::PollOnce() {
  if (!EnsureGroup()) return 0;
  int handled = 0;
  // 1. Messages this consumer was given before (e.g. before a crash) and not acked.
  auto own = ReadGroup("0");
  if (!own.empty()) return HandleBatch(own);
  // 2. Messages stuck on consumers that died: every reclaim_idle / 2, and
  // at every poll while a scan has not reached the end of the pending list.
  auto now = std::chrono::steady_clock::now();
  if (reclaim_cursor_ != "0-0" || now - last_reclaim_ >= options_.reclaim_idle / 2) {
    last_reclaim_ = now;
    auto stale = ClaimStale();
    if (!stale.empty()) return HandleBatch(stale);
  }
  // 3. New messages.
  handled += HandleBatch(ReadGroup(">"));
  return handled;
}

void StreamConsumer::Run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    if (!EnsureGroup()) {
      log::Warn("queue_unavailable", {{"stream", options_.stream}, {"error", client_.last_error()}});
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    trouble_ = false;
    PollOnce();
    // A failed handler or a lost connection: pause before retrying so a
    // poisoned message or an outage does not spin the CPU.
    if (trouble_) {
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    } else {
      backoff = std::chrono::milliseconds(100);
    }
  }
}

}  // namespace voc::queue
