// Runs a StreamTrimmer (stream_trimmer.h) every `interval` in the service
// that produces the stream (ingest: voc:feedback, triage: voc:triaged,
// tracking: voc:tracking), so Redis holds only what some consumer group has
// not processed yet, at most `dead_letter_max_len` dead letters per stream,
// and no stale failure counts. Two replicas trimming the same stream is
// harmless: each pass trims only what every group has processed.
//
// Configuration (config/voc.yaml, docs/operations.md):
//   queue.trim_enabled        true    false: nothing is trimmed (Redis grows)
//   queue.trim_interval_ms    1000    how often a pass runs
//   queue.dead_letter_max_len 10000   cap of each <stream>:dead (MAXLEN ~)
//
// Logs: queue_trim_failed (warn, once per outage) and queue_trim_resumed;
// queue_trim_held_back (info) when a group that does not exist yet starts
// holding the trim back, queue_trim_released when it stops; queue_trimmed (debug) per pass that removed
// something.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/queue/stream_trimmer.h"
#include "common/service/periodic_worker.h"

namespace voc::queue {

struct TrimSettings {
  bool enabled = true;
  std::chrono::milliseconds interval{1000};
  long long dead_letter_max_len = kDefaultDeadLetterMaxLen;
};

// The `queue` section of the configuration; ConfigError on a bad value.
TrimSettings TrimSettingsFrom(const Config& config);

class StreamTrimWorker {
 public:
  // Trims `stream` for the groups ConsumerGroupsOf(stream) names.
  StreamTrimWorker(RedisOptions redis, const std::string& stream, TrimSettings settings);
  StreamTrimWorker(RedisOptions redis, TrimOptions options, TrimSettings settings);
  ~StreamTrimWorker();  // Stop()s
  StreamTrimWorker(const StreamTrimWorker&) = delete;
  StreamTrimWorker& operator=(const StreamTrimWorker&) = delete;

  // Starts the background passes (the first after one interval); a no-op
  // when trimming is off.
  void Start();
  void Stop();

 private:
  void Pass();

  StreamTrimmer trimmer_;
  bool enabled_;
  bool failing_ = false;        // the last pass failed (log an outage once)
  std::string held_back_by_;    // the missing group last logged as holding the trim back
  PeriodicWorker worker_;
};

}  // namespace voc::queue
