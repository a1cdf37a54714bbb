#include "services/notify/subscriptions_reloader.h"

#include "common/config/yaml_file.h"
#include "common/log/log.h"

namespace voc::notify {

SubscriptionsReloader::SubscriptionsReloader(std::string path, std::shared_ptr<const org::OrgDirectory> directory,
                                             SubscriptionsHolder& holder, std::string loaded_text)
    : path_(std::move(path)), directory_(std::move(directory)), holder_(holder),
      last_hash_(config::ContentHash(loaded_text)) {}

absl::Status SubscriptionsReloader::CheckOnce() {
  std::string text;
  try {
    text = config::ReadFile(path_);
  } catch (const ConfigError& e) {
    log::Warn("subscriptions_reload_refused", {{"error", e.what()}});
    return absl::InvalidArgumentError(e.what());
  }
  const std::string hash = config::ContentHash(text);
  if (hash == last_hash_) return absl::OkStatus();
  auto parsed = Subscriptions::Parse(text, path_, *directory_);
  last_hash_ = hash;  // the same broken text is reported once, not every tick
  if (!parsed.ok()) {
    log::Error("subscriptions_reload_refused", {{"file", path_}, {"error", std::string(parsed.status().message())},
                                                {"kept", "the rules in force"}});
    return parsed.status();
  }
  log::Info("subscriptions_reloaded", {{"file", path_}, {"rules", parsed->rule_count()}});
  holder_.Set(std::move(*parsed));
  return absl::OkStatus();
}

}  // namespace voc::notify
