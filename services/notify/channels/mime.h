// Building an Internet message (RFC 5322 + MIME) for the e-mail channel:
// RFC 2047 encoded UTF-8 headers, a multipart/alternative body with a plain
// text and an HTML part, Message-ID and Date. Pure functions, tested alone.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace voc::notify {

// A header value as is when it is printable ASCII; otherwise RFC 2047
// "B" encoded-words in UTF-8 ("=?UTF-8?B?...?="), each at most 75
// characters, split only between whole characters and joined by folding
// whitespace ("\r\n "). CR and LF never reach the header (no injection).
std::string EncodeHeaderText(std::string_view utf8);

// "Name <addr>" for From:/To:, the name quoted or encoded as needed; just
// "<addr>" without a name.
std::string FormatMailbox(std::string_view display_name, std::string_view address);

// True for one plain address "local@domain" without spaces, brackets,
// quotes or control characters (what we are willing to put in RCPT TO).
bool IsPlainAddress(std::string_view address);

// RFC 5322 date-time in UTC: "Wed, 02 Dec 2026 02:30:00 +0000".
std::string FormatMailDate(std::int64_t unix_ms);

// "<id@domain>": the stable message id with every character that is not
// RFC 5322 atext or "." written as "=XX" (so distinct ids stay distinct).
std::string FormatMessageId(std::string_view message_id, std::string_view domain);

struct MailContent {
  std::string from_name;
  std::string from_address;
  std::string to_name;
  std::string to_address;
  std::string subject;
  std::string text;  // the text/plain part
  std::string html;  // the text/html part; empty: text only
  std::string message_id;
  std::string language;  // "zh" | "en" -> Content-Language
  std::int64_t date_ms = 0;
};

// The whole message with CRLF line ends, bodies base64 encoded in 76-column
// lines. INVALID_ARGUMENT naming the field for a bad address or an empty
// message id.
absl::StatusOr<std::string> BuildMailMessage(const MailContent& mail);

}  // namespace voc::notify
