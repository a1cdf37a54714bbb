#include "services/notify/delivery_channels.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "common/log/log.h"

namespace voc::notify {
namespace {

std::string FromEnv(const std::string& name) {
  if (name.empty()) return "";
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

}  // namespace

void DeliveryChannels::Add(const std::string& name, std::shared_ptr<Channel> channel, ChannelEndpoint endpoint) {
  channels_[name] = {std::move(channel), std::move(endpoint)};
}

void DeliveryChannels::AddDepartmentEndpoint(const std::string& name, const std::string& department,
                                             ChannelEndpoint endpoint) {
  channels_.at(name).by_department[department] = std::move(endpoint);
}

absl::Status DeliveryChannels::Deliver(const DeliveryRecord& d) const {
  auto it = channels_.find(d.channel);
  if (it == channels_.end()) {
    return absl::FailedPreconditionError("channel " + d.channel + " is not configured (services.notify.channels)");
  }
  // The owning department's own robot when it has one, else the channel's.
  const auto own = it->second.by_department.find(d.department);
  const ChannelEndpoint& endpoint =
      own != it->second.by_department.end() ? own->second : it->second.endpoint;
  Destination to;
  to.channel = d.channel;
  to.display_name = d.recipient_name;
  to.address = d.address;
  if (d.channel != "email" && d.channel != "file" && d.channel != "log") {
    to.address = endpoint.url.empty() ? FromEnv(endpoint.url_env) : endpoint.url;
    if (to.address.empty()) {
      return absl::FailedPreconditionError("channel " + d.channel + " has no URL: set the environment variable " +
                                           (endpoint.url_env.empty() ? "named by url_env" : endpoint.url_env));
    }
  }
  to.secret = FromEnv(endpoint.secret_env);
  if (!d.mention.empty()) to.mention_ids.push_back(d.mention);
  RenderedMessage m;
  m.message_id = d.message_id;
  m.event = d.event;
  m.language = d.language;
  m.subject = d.subject;
  m.text = d.text;
  m.markdown = d.markdown;
  m.html = d.html;
  m.link = d.link;
  m.created_ms = d.created_ms;
  m.json_payload = d.payload_json;
  return it->second.channel->Deliver(m, to);
}

absl::Status LogChannel::Deliver(const RenderedMessage& m, const Destination& to) {
  log::Info("notification_delivered",
            {{"message_id", m.message_id}, {"to", to.address}, {"subject", m.subject}, {"text", m.text}});
  return absl::OkStatus();
}

absl::Status FileChannel::Deliver(const RenderedMessage& m, const Destination& to) {
  nlohmann::json line = {{"message_id", m.message_id}, {"to", to.address},  {"name", to.display_name},
                         {"language", m.language},     {"subject", m.subject}, {"text", m.text}};
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mu_);
  FILE* f = std::fopen(path_.c_str(), "a");
  if (!f) return absl::UnavailableError("cannot open " + path_);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  std::fclose(f);
  return ok ? absl::OkStatus() : absl::UnavailableError("cannot write " + path_);
}

}  // namespace voc::notify
