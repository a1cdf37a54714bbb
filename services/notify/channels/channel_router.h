// Picks the channel a destination names ("email", "wecom", ...), so the
// notify service holds one Channel whatever the recipient's choice.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "services/notify/channels/channel.h"

namespace voc::notify {

// Thread safety: Add() before the first Deliver(); Deliver() from any thread.
class ChannelRouter final : public Channel {
 public:
  void Add(const std::string& name, std::unique_ptr<Channel> channel);
  bool Has(const std::string& name) const { return channels_.count(name) > 0; }
  // INVALID_ARGUMENT naming destination.channel for a channel not added
  // (unknown, or not configured in this deployment).
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  std::map<std::string, std::unique_ptr<Channel>> channels_;
};

}  // namespace voc::notify

namespace voc::notify {

// True for the statuses channel.h calls retryable (UNAVAILABLE,
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED): the notify service retries these
// with back-off and fails the delivery for good on any other error.
bool IsRetryableDelivery(const absl::Status& status);

}  // namespace voc::notify
