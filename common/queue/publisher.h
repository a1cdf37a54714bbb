// The one publisher port: where an outbox relay (common/storage/
// outbox_relay.h) sends the rows it claimed. Faked in unit tests; on Redis it
// is a stream (StreamPublisher).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/queue/stream.h"

namespace voc::queue {

using MessageFields = std::map<std::string, std::string>;

// Thread safety: implementations allow concurrent calls.
class Publisher {
 public:
  virtual ~Publisher() = default;
  // Appends the messages in order. Returns how many of the first were
  // appended: all, or fewer when the queue became unreachable (the rest
  // must be retried, in order).
  virtual std::size_t Publish(const std::vector<MessageFields>& batch) = 0;
};

// Appends to one Redis stream in one pipelined round trip per batch.
class StreamPublisher final : public Publisher {
 public:
  StreamPublisher(RedisOptions options, std::string stream) : producer_(std::move(options), std::move(stream)) {}
  std::size_t Publish(const std::vector<MessageFields>& batch) override {
    std::lock_guard lock(mu_);  // StreamProducer is not thread-safe
    return producer_.PublishBatch(batch);
  }

 private:
  std::mutex mu_;
  StreamProducer producer_;
};

}  // namespace voc::queue
