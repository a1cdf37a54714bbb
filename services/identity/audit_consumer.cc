#include "services/identity/audit_consumer.h"

#include "common/status/status.h"

namespace voc::identity {

std::vector<absl::Status> AuditConsumer::HandleBatch(const std::vector<queue::StreamMessage>& batch) {
  std::vector<absl::Status> statuses(batch.size());
  std::vector<v1::AuditEvent> events;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto field = batch[i].fields.find("event");
    v1::AuditEvent event;
    if (field == batch[i].fields.end() || !event.ParseFromString(field->second) || event.kind().empty()) {
      statuses[i] = status::InvalidArgument("event", "not a serialised voc.v1.AuditEvent with a kind");
      continue;
    }
    // An event without an id (an older writer) is known by its stream entry.
    if (event.id().empty()) event.set_id("stream-" + batch[i].id);
    events.push_back(std::move(event));
    positions.push_back(i);
  }
  if (events.empty()) return statuses;
  const auto stored = store_.InsertAuditEvents(events);
  for (std::size_t i : positions) statuses[i] = stored.status();
  return statuses;
}

}  // namespace voc::identity
