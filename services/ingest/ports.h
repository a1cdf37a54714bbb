// What ingest needs from the outside world besides its store: one port, the
// queue its outbox relay feeds. It is queue::Publisher (common/queue/
// publisher.h): a queue::StreamPublisher on voc:feedback in production, a
// recording fake in tests. The relay itself is the shared
// storage::OutboxRelay (common/storage/outbox_relay.h) over
// IngestStore::RelayUnqueued.
#pragma once

#include "common/queue/publisher.h"
#include "voc/v1/feedback.pb.h"

namespace voc::ingest {

// The message ingest appends to voc:feedback for one stored feedback:
// feedback_id (for logs and idempotent consumers) and payload (the
// serialized voc.v1.Feedback). docs/architecture.md lists the stream.
inline queue::MessageFields FeedbackMessage(const v1::Feedback& feedback) {
  return {{"feedback_id", feedback.id()}, {"payload", feedback.SerializeAsString()}};
}

}  // namespace voc::ingest
