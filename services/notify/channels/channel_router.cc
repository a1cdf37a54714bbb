#include "services/notify/channels/channel_router.h"

#include "common/status/status.h"

namespace voc::notify {

void ChannelRouter::Add(const std::string& name, std::unique_ptr<Channel> channel) {
  channels_[name] = std::move(channel);
}

absl::Status ChannelRouter::Deliver(const RenderedMessage& message, const Destination& to) {
  auto it = channels_.find(to.channel);
  if (it == channels_.end()) {
    return status::InvalidArgument("destination.channel", "no channel \"" + to.channel + "\" is configured");
  }
  return it->second->Deliver(message, to);
}

}  // namespace voc::notify

namespace voc::notify {

bool IsRetryableDelivery(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable || status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

}  // namespace voc::notify
