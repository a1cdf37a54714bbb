#include "common/queue/stream_trim_worker.h"

#include <utility>

#include "common/log/log.h"
#include "common/queue/stream.h"

namespace voc::queue {

TrimSettings TrimSettingsFrom(const Config& config) {
  TrimSettings settings;
  settings.enabled = config.GetBool("queue.trim_enabled", settings.enabled);
  settings.interval = std::chrono::milliseconds(config.GetInt("queue.trim_interval_ms", settings.interval.count()));
  settings.dead_letter_max_len = config.GetInt("queue.dead_letter_max_len", settings.dead_letter_max_len);
  return settings;
}

StreamTrimWorker::StreamTrimWorker(RedisOptions redis, const std::string& stream, TrimSettings settings)
    : StreamTrimWorker(std::move(redis), TrimOptions{stream, ConsumerGroupsOf(stream), settings.dead_letter_max_len},
                       settings) {}

StreamTrimWorker::StreamTrimWorker(RedisOptions redis, TrimOptions options, TrimSettings settings)
    : trimmer_(std::move(redis), std::move(options)),
      enabled_(settings.enabled),
      worker_("trim " + trimmer_.options().stream, settings.interval, [this] { Pass(); }) {}

StreamTrimWorker::~StreamTrimWorker() { Stop(); }

void StreamTrimWorker::Start() {
  if (enabled_) worker_.Start();
}

void StreamTrimWorker::Stop() { worker_.Stop(); }

void StreamTrimWorker::Pass() {
  const std::string& stream = trimmer_.options().stream;
  auto result = trimmer_.TrimOnce();
  if (!result.ok()) {
    if (!failing_) {
      log::Warn("queue_trim_failed", {{"stream", stream}, {"error", std::string(result.status().message())}});
    }
    failing_ = true;
    return;
  }
  if (failing_) log::Info("queue_trim_resumed", {{"stream", stream}});
  failing_ = false;
  const std::string missing = result->min_id ? "" : result->held_back_by;
  if (missing != held_back_by_) {
    if (missing.empty()) {
      log::Info("queue_trim_released", {{"stream", stream}, {"group", held_back_by_}});
    } else {
      log::Info("queue_trim_held_back", {{"stream", stream}, {"missing_group", missing}});
    }
    held_back_by_ = missing;
  }
  if (result->trimmed + result->dead_trimmed + result->failures_swept > 0) {
    log::Debug("queue_trimmed", {{"stream", stream},
                                 {"trimmed", result->trimmed},
                                 {"dead_trimmed", result->dead_trimmed},
                                 {"failures_swept", result->failures_swept},
                                 {"oldest_needed_by", result->held_back_by}});
  }
}

}  // namespace voc::queue
