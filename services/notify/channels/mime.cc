#include "services/notify/channels/mime.h"

#include <ctime>

#include "common/status/status.h"
#include "services/notify/channels/crypto.h"

namespace voc::notify {
namespace {

bool IsPrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Length of the UTF-8 sequence starting with `lead` (1 for a stray byte, so
// bad input still advances).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string WithoutLineBreaks(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  return out;
}

// RFC 5322 atext: what may stand unquoted in a Message-ID's left part.
bool IsAtext(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

// MIME's canonical form of text has CRLF line ends (RFC 2045 §6.8), also
// inside a base64 body.
std::string CanonicalLineEnds(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

void AppendBase64Lines(std::string_view bytes, std::string* out) {
  std::string encoded = Base64Encode(CanonicalLineEnds(bytes));
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    *out += encoded.substr(i, 76);
    *out += "\r\n";
  }
}

std::string DomainOf(std::string_view address) {
  std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string("localhost") : std::string(address.substr(at + 1));
}

}  // namespace

std::string EncodeHeaderText(std::string_view utf8) {
  std::string flat = WithoutLineBreaks(utf8);
  if (IsPrintableAscii(flat) && flat.size() <= 900) return flat;
  // 39 bytes -> 52 base64 characters -> a 64-character encoded-word, so even
  // "Subject: " plus the first word stays within 78 columns.
  constexpr std::size_t kChunkBytes = 39;
  std::string out;
  std::size_t i = 0;
  while (i < flat.size()) {
    std::size_t end = i;
    while (end < flat.size()) {
      std::size_t next = end + SequenceLength(static_cast<unsigned char>(flat[end]));
      if (next - i > kChunkBytes) break;
      end = next;
    }
    if (end == i) end = std::min(flat.size(), i + SequenceLength(static_cast<unsigned char>(flat[i])));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(std::string_view(flat).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string FormatMailbox(std::string_view display_name, std::string_view address) {
  std::string angle;
  angle.reserve(address.size() + 2);
  angle.append("<").append(address).append(">");
  std::string name = WithoutLineBreaks(display_name);
  if (name.empty()) return angle;
  if (!IsPrintableAscii(name)) return EncodeHeaderText(name) + " " + angle;
  // A quoted-string keeps commas, dots and the like from being read as syntax.
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" " + angle;
}

bool IsPlainAddress(std::string_view address) {
  std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '(' ||
        c == ')' || c == '\\' || c == '[' || c == ']') {
      return false;
    }
  }
  return address.size() <= 254;
}

std::string FormatMailDate(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // strftime's %a / %b follow the locale; RFC 5322 wants the English names.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

std::string FormatMessageId(std::string_view message_id, std::string_view domain) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string left;
  for (unsigned char c : message_id) {
    // "." is allowed but not at the ends or twice in a row; escaping it too
    // keeps the rule simple and the mapping one-to-one.
    if (IsAtext(c) && c != '=') {
      left += static_cast<char>(c);
    } else {
      left += '=';
      left += kHex[c >> 4];
      left += kHex[c & 15];
    }
  }
  return "<" + left + "@" + std::string(domain) + ">";
}

absl::StatusOr<std::string> BuildMailMessage(const MailContent& mail) {
  if (!IsPlainAddress(mail.from_address)) {
    return status::InvalidArgument("email.from", "is not a plain e-mail address: " + mail.from_address);
  }
  if (!IsPlainAddress(mail.to_address)) {
    return status::InvalidArgument("destination.address", "is not a plain e-mail address");
  }
  if (mail.message_id.empty()) return status::InvalidArgument("message.message_id", "must not be empty");

  // Base64 never produces "=_" or ".", so this boundary cannot occur in a part.
  std::string boundary = "=_voc." + Base64Encode(HmacSha256("boundary", mail.message_id)).substr(0, 16);
  for (char& c : boundary) {
    if (c == '+' || c == '/') c = '.';
  }
  std::string out;
  out += "Date: " + FormatMailDate(mail.date_ms) + "\r\n";
  out += "From: " + FormatMailbox(mail.from_name, mail.from_address) + "\r\n";
  out += "To: " + FormatMailbox(mail.to_name, mail.to_address) + "\r\n";
  out += "Subject: " + EncodeHeaderText(mail.subject) + "\r\n";
  out += "Message-ID: " + FormatMessageId(mail.message_id, DomainOf(mail.from_address)) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (!mail.language.empty() && IsPrintableAscii(mail.language)) {
    out += "Content-Language: " + WithoutLineBreaks(mail.language == "zh" ? "zh-CN" : mail.language) + "\r\n";
  }
  auto part = [&](std::string_view type, std::string_view body) {
    out += "Content-Type: " + std::string(type) + "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    AppendBase64Lines(body, &out);
  };
  if (mail.html.empty()) {
    part("text/plain", mail.text);
    return out;
  }
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  // Readers show the last part they understand: plain first, HTML last.
  out += "--" + boundary + "\r\n";
  part("text/plain", mail.text);
  out += "--" + boundary + "\r\n";
  part("text/html", mail.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace voc::notify
