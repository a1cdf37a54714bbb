#include "services/notify/settings.h"

#include <cstdlib>
#include <utility>

#include "common/status/status.h"
#include "services/notify/channels/channels_config.h"

namespace voc::notify {

absl::StatusOr<NotifySettings> NotifySettingsFrom(const Config& config) {
  NotifySettings s;
  s.subscriptions_path = config.ServiceString("subscriptions", s.subscriptions_path);
  s.subscriptions_reload_interval_ms = config.ServiceInt("subscriptions_reload_interval_ms", 5000);
  s.batch_size = static_cast<int>(config.ServiceInt("batch_size", 64));
  s.delivery_interval_ms = config.ServiceInt("delivery_interval_ms", 500);
  s.delivery_batch = static_cast<int>(config.ServiceInt("delivery_batch", 256));
  s.case_link_base = config.ServiceString("case_link_base", "");
  s.retry.max_attempts = static_cast<int>(config.ServiceInt("max_attempts", 6));
  s.retry.initial = std::chrono::milliseconds(config.ServiceInt("backoff_initial_ms", 2000));
  s.retry.multiplier = config.ServiceDouble("backoff_multiplier", 2.0);
  s.retry.max_delay = std::chrono::milliseconds(config.ServiceInt("backoff_max_ms", 600000));
  s.retry.jitter = config.ServiceDouble("backoff_jitter", 0.2);
  s.retry.lease = std::chrono::milliseconds(config.ServiceInt("claim_lease_ms", 60000));
  const std::string p = "services.notify.";
  if (s.batch_size < 1) return status::InvalidArgument(p + "batch_size", "must be at least 1");
  if (s.delivery_batch < 1) return status::InvalidArgument(p + "delivery_batch", "must be at least 1");
  if (s.retry.max_attempts < 1) return status::InvalidArgument(p + "max_attempts", "must be at least 1");
  if (s.retry.multiplier < 1) return status::InvalidArgument(p + "backoff_multiplier", "must be at least 1");
  if (s.retry.jitter < 0 || s.retry.jitter >= 1) return status::InvalidArgument(p + "backoff_jitter", "must be in [0, 1)");
  if (s.retry.initial.count() < 0 || s.retry.lease.count() < 0) {
    return status::InvalidArgument(p + "backoff_initial_ms", "and claim_lease_ms must not be negative");
  }
  return s;
}

namespace {

// "config/voc.yaml:88: services.notify.channels.wecom.departments.pr.url_env: ..."
absl::Status ConfigProblem(const Config& config, const std::string& key, const std::string& problem) {
  return absl::InvalidArgumentError(config.Where(key) + ": " + key + ": " + problem);
}

bool EnvSet(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value != nullptr && *value != '\0';
}

// services.notify.channels.<name>.departments.<department>: {url_env, secret_env}.
absl::Status AddDepartmentEndpoints(const Config& config, const std::string& name,
                                    const org::OrgDirectory* directory, DeliveryChannels* router) {
  const std::string section = "services.notify.channels." + name + ".departments";
  for (const std::string& department : config.ChildKeys(section)) {
    const std::string key = section + "." + department;
    if (directory != nullptr && directory->FindDepartment(department) == nullptr) {
      return ConfigProblem(config, key, "'" + department + "' is not a department of the org directory");
    }
    if (config.Has(key + ".url")) {
      return ConfigProblem(config, key + ".url",
                           "a robot's URL carries its key: name the environment variable holding it with url_env");
    }
    ChannelEndpoint endpoint;
    endpoint.url_env = config.GetString(key + ".url_env", "");
    endpoint.secret_env = config.GetString(key + ".secret_env", "");
    if (endpoint.url_env.empty()) return ConfigProblem(config, key + ".url_env", "is required");
    for (const auto& [field, variable] : {std::pair<std::string, std::string>{"url_env", endpoint.url_env},
                                          {"secret_env", endpoint.secret_env}}) {
      if (!variable.empty() && !EnvSet(variable)) {
        return ConfigProblem(config, key + "." + field, "the environment variable " + variable + " is not set");
      }
    }
    router->AddDepartmentEndpoint(name, department, std::move(endpoint));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AddChannels(const Config& config, const Clock& wall_clock, DeliveryChannels* router,
                         const org::OrgDirectory* directory) {
  const std::string section = "services.notify.channels.";
  if (config.GetBool(section + "log.enabled", true)) router->Add("log", std::make_shared<LogChannel>());
  const std::string file = config.GetString(section + "file.path", "");
  if (!file.empty()) router->Add("file", std::make_shared<FileChannel>(config.DataPath(file)));
  auto external = ChannelsFromConfig(config, wall_clock);
  if (!external.ok()) return external.status();
  std::shared_ptr<ChannelRouter> shared = std::move(*external);
  for (const char* name : {"email", "wecom", "dingtalk", "feishu", "webhook"}) {
    if (!shared->Has(name)) continue;
    ChannelEndpoint endpoint;
    endpoint.url = config.GetString(section + name + ".url", "");
    endpoint.url_env = config.GetString(section + name + ".url_env", "");
    endpoint.secret_env = config.GetString(section + name + ".secret_env", "");
    router->Add(name, shared, endpoint);
    if (std::string(name) != "email") {
      if (absl::Status own = AddDepartmentEndpoints(config, name, directory, router); !own.ok()) return own;
    }
  }
  return absl::OkStatus();
}

}  // namespace voc::notify
