// One HTTP POST over libcurl for the chat robots and webhooks, and the one
// place that turns transport failures and HTTP statuses into the retryable /
// permanent statuses of channel.h.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <string>
#include <vector>

namespace voc::notify {

struct HttpOptions {
  long connect_timeout_ms = 3000;
  long timeout_ms = 10000;  // the whole request
  std::string ca_file;      // empty: the system's CA store
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// What a URL may be shown as in logs and status messages: scheme and host
// only. Robot URLs carry their credential in the path or query (WeCom's
// ?key=, DingTalk's ?access_token=, Feishu's /hook/<token>).
std::string RedactUrl(const std::string& url);

// POSTs `body` with `headers` ("Name: value"). Any HTTP status comes back as
// a response; only transport failures are errors: UNAVAILABLE (connection
// refused, DNS, reset), DEADLINE_EXCEEDED (timeout), FAILED_PRECONDITION
// (TLS certificate not trusted), INVALID_ARGUMENT naming destination.address
// (malformed or unsupported URL).
absl::StatusOr<HttpResponse> HttpPost(const std::string& url, const std::vector<std::string>& headers,
                                      const std::string& body, const HttpOptions& options);

// 2xx -> OK; 429 -> RESOURCE_EXHAUSTED; 408 and 5xx -> UNAVAILABLE; other
// statuses -> FAILED_PRECONDITION (a 4xx will not change by retrying; 401/403
// -> PERMISSION_DENIED). `what` names the receiver in the message.
absl::Status StatusOfHttp(long http_status, const std::string& what);

}  // namespace voc::notify
