#include "services/notify/notify_consumer.h"

#include "common/log/log.h"
#include "common/notify/stream_notifier.h"

namespace voc::notify {

absl::StatusOr<v1::NotificationRequest> ParseRequestEntry(const queue::StreamMessage& message) {
  auto it = message.fields.find(kNotifyRequestField);
  if (it == message.fields.end()) return absl::InvalidArgumentError("request: missing from the stream entry");
  v1::NotificationRequest request;
  if (!request.ParseFromString(it->second)) {
    return absl::InvalidArgumentError("request: not a serialised voc.v1.NotificationRequest");
  }
  if (request.id().empty()) return absl::InvalidArgumentError("request.id: is required");
  if (request.event().empty()) return absl::InvalidArgumentError("request.event: is required");
  return request;
}

std::vector<absl::Status> NotifyConsumer::HandleBatch(const std::vector<queue::StreamMessage>& batch) {
  std::vector<absl::Status> results(batch.size());
  std::vector<ExpandedRequest> expanded;
  std::vector<std::size_t> positions;
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto request = ParseRequestEntry(batch[i]);
    if (!request.ok()) {
      results[i] = request.status();
      continue;
    }
    expanded.push_back(expander_.Expand(*request, now));
    positions.push_back(i);
  }
  if (expanded.empty()) return results;
  const auto stored = store_.SaveRequests(expanded, now);
  for (std::size_t p : positions) results[p] = stored.status();
  if (stored.ok()) {
    log::Info("notification_requests_stored", {{"read", expanded.size()}, {"new", *stored}});
  }
  return results;
}

}  // namespace voc::notify
