// Issue 10 item 4 ("marks"): triage's reader of voc:tracking (consumer group
// "triage"). Of tracking's events it takes red_line_marked only (the
// payload is the voc.v1.Case with its red_line_mark) and keeps the mark for
// the term report (RedLineMarkStore::RecordMark: idempotent, the newest mark
// wins, so a redelivery or an old mark arriving late changes nothing). Other
// events are acknowledged and ignored. What happens to a message is the
// status Handle returns (queue::DispositionOf): a payload that is not a
// marked red-line case is INVALID_ARGUMENT (dead-lettered after
// max_deliveries); a database outage is UNAVAILABLE (retried).
#pragma once

#include <absl/status/status.h>

#include "common/queue/stream.h"
#include "services/triage/store/red_line_marks_store.h"

namespace voc::triage {

inline constexpr char kRedLineMarkedEvent[] = "red_line_marked";

class RedLineMarkConsumer {
 public:
  explicit RedLineMarkConsumer(RedLineMarkStore& store) : store_(store) {}

  // One voc:tracking message: fields "event" and "payload".
  absl::Status Handle(const queue::StreamMessage& message);

 private:
  RedLineMarkStore& store_;
};

}  // namespace voc::triage
