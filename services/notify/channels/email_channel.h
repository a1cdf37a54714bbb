// E-mail over SMTP with libcurl: STARTTLS (required / opportunistic / off),
// AUTH with a user and password, server certificates checked against the
// system store or a configured CA file.
#pragma once

#include <absl/status/statusor.h>

#include <string>

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
// handle per call).
class EmailChannel final : public Channel {
 public:
  // `clock` stamps the Date: header; it must outlive the channel.
  EmailChannel(SmtpOptions options, const Clock& clock);
  // OK once the server accepted the message (250 after DATA). UNAVAILABLE for
  // a server that is down or answers 4xx, DEADLINE_EXCEEDED on timeout;
  // PERMISSION_DENIED when AUTH is refused, FAILED_PRECONDITION for TLS that
  // cannot be had or trusted or a 5xx answer, INVALID_ARGUMENT for a bad
  // address.
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  SmtpOptions options_;
  const Clock& clock_;
};

}  // namespace voc::notify
