// Work queues between stages on Redis Streams with consumer groups:
// at-least-once delivery, a message is acked only after its handler's work is
// stored, stale pending messages of dead consumers are reclaimed, and a
// message that fails `max_deliveries` times moves to "<stream>:dead" with its
// error (fields `error`, the status message, and `code`, e.g. INVALID_ARGUMENT). Handlers must therefore be idempotent.
// What keeps Redis bounded (the stream trimmed once every group processed an
// entry, the dead letters capped) is stream_trimmer.h.
//
// Stream names used by the loop (see docs/architecture.md):
//   voc:feedback  ingest -> triage            (group "triage")
//   voc:triaged   triage -> assignment        (group "assignment")
//                 triage -> verification      (group "verification")
//   voc:tracking  tracking -> verification    (group "verification")
//                 tracking -> triage          (group "triage": red_line_marked)
//   voc:outreach  entities -> verification    (group "verification"; campaign
//                 verdicts, issue 13: fields "event" = kCampaignVerdictEvent,
//                 "campaign_id", "payload" = a serialized voc.v1.CampaignVerdict;
//                 docs/architecture.md, "Outreach verdicts")
//   voc.audit     every service -> identity   (group "identity"; common/auth/audit.h)
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/queue/disposition.h"
#include "common/queue/redis_client.h"

namespace voc::queue {

inline constexpr char kFeedbackStream[] = "voc:feedback";
inline constexpr char kTriagedStream[] = "voc:triaged";
inline constexpr char kTrackingStream[] = "voc:tracking";
// Notification requests from the stages to voc-notify, and each delivery's
// final state from voc-notify (issue 11; common/notify/stream_notifier.h).
inline constexpr char kNotifyRequestsStream[] = "voc.notify.requests";
inline constexpr char kNotifyOutcomesStream[] = "voc.notify.outcomes";
// Outreach campaigns' verdicts: voc-entities appends each from its outbox
// (at least once); voc-verification stores it once per campaign.
inline constexpr char kOutreachStream[] = "voc:outreach";
inline constexpr char kCampaignVerdictEvent[] = "campaign_verdict";

// The consumer groups that must read every entry of a loop stream (the table
// above), for its trimmer (stream_trimmer.h): an entry is trimmed only after
// each of them processed it. Empty for a stream the loop does not know.
std::vector<std::string> ConsumerGroupsOf(const std::string& stream);

// The Redis keys a consumer group keeps beside its stream.
std::string DeadLetterKey(const std::string& stream);                            // "<stream>:dead"
std::string FailureKey(const std::string& stream, const std::string& group);     // "<stream>:failures:<group>"

struct StreamMessage {
  std::string id;                             // Redis entry id, "1700000000000-0"
  std::map<std::string, std::string> fields;  // binary-safe values
};

// Appends messages to a stream. Not thread-safe (one per thread).
class StreamProducer {
 public:
  StreamProducer(RedisOptions options, std::string stream);
  // Appends one message. Returns false (and logs) when Redis is unreachable.
  bool Publish(const std::map<std::string, std::string>& fields);
  // Appends many in one pipelined round trip. Returns the length of the
  // prefix of `batch` that was appended (all, or fewer when a command failed
  // or the connection dropped); the rest must be retried.
  std::size_t PublishBatch(const std::vector<std::map<std::string, std::string>>& batch);
  const std::string& last_error() const { return client_.last_error(); }

 private:
  RedisClient client_;
  std::string stream_;
};

// A handler returns OK once the message's work is stored; any other status
// is turned into retry or dead-letter by DispositionOf (disposition.h).
using StreamHandler = std::function<absl::Status(const StreamMessage&)>;

// A batch handler gets every message of one read at once (so a stage can
// store the whole batch in one transaction) and returns exactly one status
// per message, in the same order. The consumer acks the OK ones in one
// pipelined round trip after the handler returned, i.e. after the commit.
// A status whose disposition is retry stops the batch there: it and every
// later message stay pending and come back on the next poll. A handler
// that returns the wrong number of statuses is a bug: the whole batch is
// retried and the mismatch logged.
using StreamBatchHandler = std::function<std::vector<absl::Status>(const std::vector<StreamMessage>&)>;

struct ConsumerOptions {
  std::string stream;
  std::string group;
  // Stable per replica (hostname by default) so a restarted process first
  // finishes the messages it had been given before it died.
  std::string consumer;
  int batch_size = 64;
  std::chrono::milliseconds block{500};
  // Messages pending on another consumer longer than this are claimed. A
  // scan that finds more than a batch goes on at the next poll, so a dead
  // consumer's backlog is drained batch after batch before new messages.
  std::chrono::milliseconds reclaim_idle{30000};
  int max_deliveries = 5;
};

// Runs a consumer loop in the calling thread until Stop().
class StreamConsumer {
 public:
  StreamConsumer(RedisOptions redis, ConsumerOptions options, StreamHandler handler);
  StreamConsumer(RedisOptions redis, ConsumerOptions options, StreamBatchHandler handler);

  // Creates the group (and the stream) if missing, then loops: first the
  // messages already delivered to this consumer and not acked, then claimed
  // stale messages of other consumers, then new ones. Survives Redis outages
  // by retrying with back-off. Returns after Stop().
  void Run();
  void Stop() { stopping_ = true; }

  // One pass of the loop (tests): returns how many messages were handled.
  int PollOnce();

 private:
  bool EnsureGroup();
  int HandleBatch(const std::vector<StreamMessage>& batch);
  std::vector<absl::Status> RunHandler(const std::vector<StreamMessage>& batch);
  void AckAll(const std::vector<std::string>& ids);
  std::vector<StreamMessage> ReadGroup(const std::string& from_id);
  std::vector<StreamMessage> ClaimStale();
  void DeadLetter(const StreamMessage& message, const absl::Status& status);

  RedisClient client_;
  ConsumerOptions options_;
  StreamBatchHandler handler_;
  std::atomic<bool> stopping_{false};
  bool group_ready_ = false;
  bool trouble_ = false;  // the last poll hit a handler failure or lost Redis
  std::chrono::steady_clock::time_point last_reclaim_{};
  std::string reclaim_cursor_ = "0-0";  // where the next XAUTOCLAIM scan starts
};

// Parses a reply to XREADGROUP / XRANGE / XAUTOCLAIM entries into messages.
std::vector<StreamMessage> ParseEntries(const redisReply* entries);

}  // namespace voc::queue
