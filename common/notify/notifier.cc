#include "common/notify/notifier.h"

#include <curl/curl.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "common/log/log.h"
#include "common/notify/stream_notifier.h"
#include "common/metrics/loop_metrics.h"
#include "common/status/status.h"

namespace voc {

std::string NotificationToJson(const Notification& n) {
  nlohmann::json body = {{"kind", n.kind},       {"recipients", n.recipients}, {"subject", n.subject},
                         {"body", n.body},       {"case_id", n.case_id}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool LogNotifier::Send(const Notification& n) {
  log::Info("notification", {{"kind", n.kind},
                             {"recipients", n.recipients},
                             {"subject", n.subject},
                             {"body", n.body},
                             {"case_id", n.case_id}});
  metrics::NotificationsSent(n.kind).Increment();
  return true;
}

WebhookNotifier::WebhookNotifier(std::string url, long timeout_ms) : url_(std::move(url)), timeout_ms_(timeout_ms) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool WebhookNotifier::Send(const Notification& n) {
  std::string payload = NotificationToJson(n);
  CURL* curl = curl_easy_init();
  if (!curl) return false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // Discard the response body.
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  bool ok = rc == CURLE_OK && status >= 200 && status < 300;
  (ok ? metrics::NotificationsSent(n.kind) : metrics::NotificationsFailed(n.kind)).Increment();
  if (!ok) {
    log::Warn("webhook_failed", {{"url", url_}, {"curl", curl_easy_strerror(rc)}, {"http_status", status},
                                 {"case_id", n.case_id}});
  }
  return ok;
}

absl::StatusOr<std::unique_ptr<Notifier>> MakeNotifier(const std::string& kind,
                                                       const std::string& url) {
  if (kind.empty() || kind == "log") return std::make_unique<LogNotifier>();
  if (kind == "webhook") {
    if (url.empty()) {
      return status::InvalidArgument("notifier.webhook_url", "is required when notifier.kind is webhook");
    }
    return std::make_unique<WebhookNotifier>(url);
  }
  return status::InvalidArgument("notifier.kind", "must be stream, log or webhook, got " + kind);
}

absl::StatusOr<std::unique_ptr<Notifier>> NotifierFromConfig(const Config& config) {
  std::string section = kNotifierConfigKey;
  if (!config.Has(section + ".kind") && !config.Has(section + ".webhook_url")) {
    // Before there was one setting, tracking's section held it.
    const std::string deprecated = "services.tracking.notifier";
    if (config.Has(deprecated + ".kind") || config.Has(deprecated + ".webhook_url")) {
      log::Warn("deprecated_config", {{"key", deprecated}, {"use", section}});
      section = deprecated;
    }
  }
  // With Redis configured the stages publish to voc-notify (issue 11);
  // without it (a bare test config) they log.
  const std::string fallback = config.Has("redis.host") || config.Has("redis.port") ? "stream" : "log";
  const std::string kind = config.GetString(section + ".kind", fallback);
  if (kind == "stream") {
    // The same keys (and VOC_REDIS_* overrides) as every service's RedisOptionsFrom (common/service).
    queue::RedisOptions redis;
    redis.host = config.GetString("redis.host", "127.0.0.1");
    redis.port = static_cast<int>(config.GetInt("redis.port", 6379));
    redis.password = config.GetString("redis.password", "");
    return std::unique_ptr<Notifier>(std::make_unique<StreamNotifier>(std::move(redis)));
  }
  return MakeNotifier(kind, config.GetString(section + ".webhook_url", ""));
}

}  // namespace voc
