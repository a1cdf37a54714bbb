// E-mail over SMTP with libcurl: STARTTLS (required / opportunistic / off),
// AUTH with a user and password, server certificates checked against the
// system store or a configured CA file.
#pragma once

#include <absl/status/statusor.h>

#include <mutex>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/notify/channels/channel.h"

namespace voc::notify {

enum class StartTls {
  kRequired,       // refuse to send in clear: FAILED_PRECONDITION if the server offers no STARTTLS
  kOpportunistic,  // upgrade when offered, else send in clear
  kOff,            // never upgrade (a local mail catcher)
};

struct SmtpOptions {
  // "smtp://host:587" (STARTTLS per `starttls`) or "smtps://host:465"
  // (TLS from the first byte).
  std::string url;
  std::string from_address;
  std::string from_name;  // may be UTF-8 ("VoC 客户之声")
  std::string username;   // empty: no AUTH
  std::string password;   // from the environment only; never logged
  StartTls starttls = StartTls::kRequired;
  std::string ca_file;    // PEM bundle; empty: the system's CA store
  long connect_timeout_ms = 5000;
  long timeout_ms = 30000;
};

// "required" | "opportunistic" | "off"; INVALID_ARGUMENT naming `field`.
absl::StatusOr<StartTls> ParseStartTls(const std::string& text, const std::string& field);

// Thread safety: Deliver() may be called from several threads (one curl
// handle per call at a time). Handles that delivered are kept for the next
// delivery, so a busy channel reuses its SMTP connection (and TLS session)
// instead of a handshake per mail; a handle that failed is dropped with its
// connection.
class EmailChannel final : public Channel {
 public:
  // `clock` stamps the Date: header; it must outlive the channel.
  EmailChannel(SmtpOptions options, const Clock& clock);
  ~EmailChannel() override;
  EmailChannel(const EmailChannel&) = delete;
  EmailChannel& operator=(const EmailChannel&) = delete;
  // OK once the server accepted the message (250 after DATA). UNAVAILABLE for
  // a server that is down or answers 4xx, DEADLINE_EXCEEDED on timeout;
  // PERMISSION_DENIED when AUTH is refused, FAILED_PRECONDITION for TLS that
  // cannot be had or trusted or a 5xx answer, INVALID_ARGUMENT for a bad
  // address.
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  void* TakeHandle();            // a CURL*, idle or new; nullptr when curl fails
  void KeepHandle(void* handle);  // back to the idle ones (or cleaned up)

  SmtpOptions options_;
  const Clock& clock_;
  std::mutex idle_mu_;
  std::vector<void*> idle_;  // CURL* (curl.h's CURL is void) not in use
};

}  // namespace voc::notify
