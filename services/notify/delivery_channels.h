// Which Channel a stored delivery goes through, and where: e-mail goes to the
// recipient's address; a chat robot or webhook to the URL named by the
// channel's settings, with its signing secret. URLs that carry a key and
// every secret are read from environment variables whose NAMES the config
// gives (services.notify.channels.<name>.url_env / secret_env), never from a
// file.
#pragma once

#include <absl/status/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "services/notify/channels/channel.h"
#include "services/notify/store/notify_store.h"

namespace voc::notify {

struct ChannelEndpoint {
  std::string url;         // a URL without a secret in it (a local receiver)
  std::string url_env;     // or the environment variable holding the URL
  std::string secret_env;  // the environment variable holding the signing secret
};

// Thread safety: Add before use; Deliver from several threads.
class DeliveryChannels {
 public:
  void Add(const std::string& name, std::shared_ptr<Channel> channel, ChannelEndpoint endpoint = {});
  bool Has(const std::string& name) const { return channels_.count(name) > 0; }
  // A department's own robot or webhook for channel `name` (added before):
  // deliveries of requests that department owns go there instead of to the
  // channel's endpoint, so its alerts reach its own group.
  void AddDepartmentEndpoint(const std::string& name, const std::string& department, ChannelEndpoint endpoint);

  // FAILED_PRECONDITION (permanent) when the channel is not configured or its
  // URL's environment variable is unset; otherwise what the channel says.
  absl::Status Deliver(const DeliveryRecord& delivery) const;

 private:
  struct Entry {
    std::shared_ptr<Channel> channel;
    ChannelEndpoint endpoint;
    std::map<std::string, ChannelEndpoint> by_department;
  };
  std::map<std::string, Entry> channels_;
};

// Writes each message as a log line (the development default).
class LogChannel final : public Channel {
 public:
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;
};

// Appends each message as one JSON line to a file and flushes it: a local
// outbox a developer (or a test across processes) reads.
class FileChannel final : public Channel {
 public:
  explicit FileChannel(std::string path) : path_(std::move(path)) {}
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  std::string path_;
  std::mutex mu_;
};

}  // namespace voc::notify
