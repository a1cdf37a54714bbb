#include "services/notify/channels/email_channel.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/status/status.h"
#include "services/notify/channels/mime.h"

namespace voc::notify {
namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t room = size * n;
  std::size_t left = upload->data->size() - upload->offset;
  std::size_t count = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, count);
  upload->offset += count;
  return count;
}

// Turns a failed transfer into channel.h's statuses. `reply` is the last
// SMTP reply code (0 when the server never answered).
absl::Status StatusOfSmtp(CURLcode rc, long reply, const char* detail) {
  std::string message = std::string("smtp: ") + (detail && *detail ? detail : curl_easy_strerror(rc));
  if (reply > 0) message += " (reply " + std::to_string(reply) + ")";
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      return absl::PermissionDeniedError(message);
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return absl::FailedPreconditionError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return status::InvalidArgument("email.smtp_url", message);
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return absl::UnavailableError(message);
    default:
      break;
  }
  // The server answered: 4xx is "try again later" (greylisting, full
  // mailbox), 535 a refused login, other 5xx will not change.
  if (reply == 535) return absl::PermissionDeniedError(message);
  if (reply >= 500) return absl::FailedPreconditionError(message);
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<StartTls> ParseStartTls(const std::string& text, const std::string& field) {
  if (text == "required") return StartTls::kRequired;
  if (text == "opportunistic") return StartTls::kOpportunistic;
  if (text == "off") return StartTls::kOff;
  return status::InvalidArgument(field, "must be required, opportunistic or off, got " + text);
}

EmailChannel::EmailChannel(SmtpOptions options, const Clock& clock) : options_(std::move(options)), clock_(clock) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

EmailChannel::~EmailChannel() {
  for (void* handle : idle_) curl_easy_cleanup(handle);
}

void* EmailChannel::TakeHandle() {
  {
    std::lock_guard lock(idle_mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void EmailChannel::KeepHandle(void* handle) {
  // Forgets the last transfer's options (pointers into a finished call's
  // stack: its error buffer, envelope, upload), keeps its open connection.
  curl_easy_reset(handle);
  // As many idle connections as deliveries ran at once, up to a few.
  constexpr std::size_t kMaxIdle = 4;
  {
    std::lock_guard lock(idle_mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

absl::Status EmailChannel::Deliver(const RenderedMessage& message, const Destination& to) {
  MailContent mail;
  mail.from_name = options_.from_name;
  mail.from_address = options_.from_address;
  mail.to_name = to.display_name;
  mail.to_address = to.address;
  mail.subject = message.subject;
  mail.text = message.text;
  mail.html = message.html;
  mail.message_id = message.message_id;
  mail.language = message.language;
  mail.date_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
  absl::StatusOr<std::string> built = BuildMailMessage(mail);
  if (!built.ok()) return built.status();

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(TakeHandle(), &curl_easy_cleanup);
  if (!curl) return absl::ResourceExhaustedError("smtp: curl_easy_init failed");
  std::string mail_from = "<" + options_.from_address + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + to.address + ">").c_str()), &curl_slist_free_all);
  Upload upload{&*built};
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(built->size()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  long use_ssl = options_.starttls == StartTls::kRequired        ? CURLUSESSL_ALL
                 : options_.starttls == StartTls::kOpportunistic ? CURLUSESSL_TRY
                                                                 : CURLUSESSL_NONE;
  curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    KeepHandle(curl.release());
    return absl::OkStatus();
  }
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  return StatusOfSmtp(rc, reply, error);
}

}  // namespace voc::notify
