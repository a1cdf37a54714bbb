// What triage needs from outside itself besides its own store: somewhere to
// send each triaged feedback (voc:triaged, read by assignment and
// verification). The one publisher port of the loop, queue::Publisher
// (common/queue/publisher.h): a queue::StreamPublisher in production, a
// recording fake in unit tests.
#pragma once

#include "common/queue/publisher.h"

namespace voc::triage {

// Publish() gets one message per triaged feedback: {feedback_id, payload =
// serialized voc.v1.TriagedFeedback}. A short count means the queue was
// unreachable (TriageConsumer returns UNAVAILABLE and the feedback is
// retried).
using TriagedPublisher = queue::Publisher;

}  // namespace voc::triage
