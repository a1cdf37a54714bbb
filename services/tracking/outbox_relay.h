// Moves committed events from the tracking_outbox table to voc:tracking.
// Changes write their event in the same transaction (so none is lost when
// Redis is down); the relay publishes them right after the change and again
// from the background loop until Redis accepts them. Replicas sharing one
// PostgreSQL database take turns batch by batch (the claim locks the events
// in order, common/storage/outbox.h), so an event is published by one relay
// and events keep their order. Delivery downstream is still at-least-once,
// as everywhere on the queues: a crash between the XADD and the commit that
// marks the event publishes it again.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/queue/stream.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// Where events go. Thread safety: implementations must allow concurrent calls.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Returns false when the event could not be delivered (retry later).
  virtual bool Publish(const std::string& event, const std::string& payload) = 0;
};

// Publishes {event, payload} to a Redis stream (voc:tracking).
class RedisEventSink final : public EventSink {
 public:
  RedisEventSink(queue::RedisOptions options, std::string stream);
  bool Publish(const std::string& event, const std::string& payload) override;

 private:
  std::mutex mu_;  // StreamProducer is not thread-safe
  queue::StreamProducer producer_;
};

// Thread-safe: concurrent Drain() calls are serialised.
class OutboxRelay {
 public:
  static constexpr int kBatchSize = 100;

  OutboxRelay(TrackingStore& store, EventSink& sink) : store_(store), sink_(sink) {}
  // Publishes pending events in order, batch by batch, stopping at the
  // first failure so order is kept. Returns how many were published.
  int Drain();

 private:
  std::mutex mu_;
  TrackingStore& store_;
  EventSink& sink_;
};

}  // namespace voc::tracking
