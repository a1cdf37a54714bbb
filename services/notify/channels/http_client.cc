#include "services/notify/channels/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "common/status/status.h"

namespace voc::notify {

std::string RedactUrl(const std::string& url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "<url>";
  std::size_t host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string host = url.substr(0, host_end);
  // user:password@host would leak too.
  if (std::size_t at = host.find('@', scheme_end + 3); at != std::string::npos) {
    host = host.substr(0, scheme_end + 3) + host.substr(at + 1);
  }
  return host_end == std::string::npos ? host : host + "/…";
}

namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t AppendBody(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  // Vendors answer with a small JSON; a huge reply is cut rather than kept.
  if (body->size() < 64 * 1024) body->append(data, size * n);
  return size * n;
}

absl::Status StatusOfCurl(CURLcode rc, const std::string& where, const char* detail) {
  std::string message = where + ": " + (detail && *detail ? detail : curl_easy_strerror(rc));
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return status::InvalidArgument("destination.address", message);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      // A certificate nobody trusts stays untrusted on the next try.
      return absl::FailedPreconditionError(message);
    default:
      // Refused, reset, DNS, TLS handshake: the receiver may be back later.
      return absl::UnavailableError(message);
  }
}

}  // namespace

absl::StatusOr<HttpResponse> HttpPost(const std::string& url, const std::vector<std::string>& headers,
                                      const std::string& body, const HttpOptions& options) {
  InitCurlOnce();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return absl::ResourceExhaustedError("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list, &curl_slist_free_all);

  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // several threads deliver at once
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (!options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) return StatusOfCurl(rc, "POST " + RedactUrl(url), error);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

absl::Status StatusOfHttp(long http_status, const std::string& what) {
  if (http_status >= 200 && http_status < 300) return absl::OkStatus();
  std::string message = what + " answered HTTP " + std::to_string(http_status);
  if (http_status == 429) return absl::ResourceExhaustedError(message);
  if (http_status == 408 || http_status >= 500) return absl::UnavailableError(message);
  if (http_status == 401 || http_status == 403) return absl::PermissionDeniedError(message);
  return absl::FailedPreconditionError(message);
}

}  // namespace voc::notify
