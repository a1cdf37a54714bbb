// Tracking's outbox, relayed by the one storage::OutboxRelay: a change writes
// its event to tracking_outbox in the same transaction as the case (so none
// is lost while Redis is down), and the relay appends pending events to
// voc:tracking as {event, payload}, right after each change
// (TrackingService calls RelayPending()) and from its background loop until
// Redis takes them.
//
// Order: the claim takes events oldest first and, on PostgreSQL, locks them
// in order (ClaimOrder::kInOrder, common/storage/outbox.h), and the publisher
// appends a batch in order and reports the prefix it took; so replicas
// sharing one database take turns batch by batch, each event is published by
// one relay, and the stream keeps the events' order. Delivery stays
// at-least-once: a crash between the XADD and the commit that marks an event
// publishes it again.
#pragma once

#include "common/queue/publisher.h"
#include "common/storage/outbox_relay.h"
#include "services/tracking/store/tracking_store.h"

namespace voc::tracking {

// The relay's batch function over `store`'s outbox and `publisher`
// (voc:tracking in production). Both must outlive the relay. Storage errors
// come back as statuses (storage::Guarded); nothing throws.
storage::OutboxRelay::RelayBatch TrackingEventBatches(TrackingStore& store, queue::Publisher& publisher);

// Options of tracking's relay: name "tracking_events", batches of 100.
storage::OutboxRelayOptions TrackingRelayOptions(std::chrono::milliseconds interval);

}  // namespace voc::tracking
