#include "services/triage/red_line_mark_consumer.h"

#include "common/log/log.h"
#include "common/util/time.h"
#include "voc/v1/tracking.pb.h"

namespace voc::triage {

absl::Status RedLineMarkConsumer::Handle(const queue::StreamMessage& message) {
  const auto event = message.fields.find("event");
  if (event == message.fields.end()) return absl::InvalidArgumentError("voc:tracking message without an event");
  if (event->second != kRedLineMarkedEvent) return absl::OkStatus();  // not triage's
  const auto payload = message.fields.find("payload");
  v1::Case c;
  if (payload == message.fields.end() || !c.ParseFromString(payload->second)) {
    return absl::InvalidArgumentError("red_line_marked: the payload is not a voc.v1.Case");
  }
  if (c.feedback_id().empty() || !c.has_red_line_mark() ||
      c.red_line_mark().verdict() == v1::RED_LINE_VERDICT_UNSPECIFIED) {
    return absl::InvalidArgumentError("red_line_marked: " + c.name() + " carries no feedback id or mark");
  }
  RedLineMarkRecord mark;
  mark.feedback_id = c.feedback_id();
  mark.case_id = c.id();
  mark.verdict = c.red_line_mark().verdict();
  mark.reason = c.red_line_mark().reason();
  mark.actor = c.red_line_mark().actor();
  mark.marked_ms = ProtoToMillis(c.red_line_mark().mark_time());
  auto recorded = store_.RecordMark(mark);
  if (!recorded.ok()) return recorded.status();
  log::Info("red_line_mark_recorded", {{"feedback_id", mark.feedback_id},
                                       {"case_id", mark.case_id},
                                       {"verdict", v1::RedLineVerdict_Name(c.red_line_mark().verdict())},
                                       {"changed", *recorded}});
  return absl::OkStatus();
}

}  // namespace voc::triage
