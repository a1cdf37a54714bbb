// The e-mail message as built: RFC 2047 headers (Chinese subjects and names),
// the multipart/alternative body, Message-ID and Date.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "services/notify/channels/crypto.h"
#include "services/notify/channels/mime.h"

namespace voc::notify {
namespace {

// Decodes a header made of "=?UTF-8?B?...?=" words joined by folding
// whitespace (what a mail reader does), checking each word on the way.
std::string DecodeEncodedWords(const std::string& header) {
  std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  std::string out;
  for (auto it = std::sregex_iterator(header.begin(), header.end(), word); it != std::sregex_iterator(); ++it) {
    EXPECT_LE(it->str().size(), 75u) << "RFC 2047 limits an encoded-word to 75 characters";
    auto bytes = Base64Decode((*it)[1].str());
    EXPECT_TRUE(bytes.has_value());
    // Each word must hold whole characters: its last byte is not a lead or
    // continuation of a cut sequence.
    std::string b = bytes.value_or("");
    std::size_t i = 0;
    while (i < b.size()) {
      unsigned char c = b[i];
      std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      EXPECT_LE(i + len, b.size()) << "a character split across encoded-words";
      i += len;
    }
    out += b;
  }
  return out;
}

TEST(EncodeHeaderText, LeavesPlainAsciiAlone) {
  EXPECT_EQ(EncodeHeaderText("SLA breach: case 7"), "SLA breach: case 7");
}

TEST(EncodeHeaderText, EncodesChineseInWholeCharacterWordsThatDecodeBack) {
  std::string subject = "【超时】案例 3f2a9c0d 的首次响应已超过 8 个工作小时，请立即处理并回电客户";
  std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos) << "a long subject is folded into several words";
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
  for (char c : encoded) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(EncodeHeaderText, NeverLetsALineBreakIntoTheHeader) {
  std::string plain = EncodeHeaderText("hi\r\nBcc: victim@example.com");
  EXPECT_EQ(plain.find('\n'), std::string::npos);
  std::string encoded = EncodeHeaderText("你好\r\nBcc: victim@example.com");
  EXPECT_EQ(DecodeEncodedWords(encoded).find('\n'), std::string::npos);
}

TEST(FormatMailbox, QuotesAsciiNamesAndEncodesChineseOnes) {
  EXPECT_EQ(FormatMailbox("", "a@example.com"), "<a@example.com>");
  EXPECT_EQ(FormatMailbox("Li, Wei \"Ops\"", "a@example.com"), "\"Li, Wei \\\"Ops\\\"\" <a@example.com>");
  std::string zh = FormatMailbox("王芳", "wang.fang@example.com");
  EXPECT_EQ(zh, "=?UTF-8?B?" + Base64Encode("王芳") + "?= <wang.fang@example.com>");
}

TEST(IsPlainAddress, AcceptsOrdinaryAddressesOnly) {
  EXPECT_TRUE(IsPlainAddress("wang.fang+voc@example.com.cn"));
  for (std::string bad : {"", "no-at", "@example.com", "a@", "a b@example.com", "a@b@c", "<a@example.com>",
                          "a@example.com\r\nRCPT TO:<x@y>", "a,b@example.com"}) {
    EXPECT_FALSE(IsPlainAddress(bad)) << bad;
  }
}

TEST(FormatMailDate, IsRfc5322InUtcWithEnglishNames) {
  // 2026-12-02T02:30:05Z was a Wednesday.
  EXPECT_EQ(FormatMailDate(1796178605000), "Wed, 02 Dec 2026 02:30:05 +0000");
  EXPECT_EQ(FormatMailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(FormatMessageId, KeepsIdsDistinctAndSyntacticallyValid) {
  std::string a = FormatMessageId("sla:case-7:resolution:breach/p-1", "example.com");
  EXPECT_EQ(a, "<sla=3Acase-7=3Aresolution=3Abreach/p-1@example.com>");
  EXPECT_NE(FormatMessageId("a:b", "x"), FormatMessageId("a.b", "x"));
  EXPECT_NE(FormatMessageId("a:b", "x"), FormatMessageId("a=3Ab", "x"));
  EXPECT_TRUE(std::regex_match(FormatMessageId("id with spaces.和中文", "x.y"),
                               std::regex(R"(<[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+@x\.y>)")));
}

MailContent SampleMail() {
  MailContent mail;
  mail.from_name = "VoC 客户之声";
  mail.from_address = "voc@example.com";
  mail.to_name = "王芳";
  mail.to_address = "wang.fang@example.com";
  mail.subject = "【升级】案例 c-7 已超时";
  mail.text = "案例 c-7 的解决时限已过。\n请处理。";
  mail.html = "<p>案例 <b>c-7</b> 的解决时限已过。</p>";
  mail.message_id = "sla:c-7:resolution:breach:p-wang:email";
  mail.language = "zh";
  mail.date_ms = 1796178605000;
  return mail;
}

// The body of the part whose Content-Type starts with `type`, decoded.
std::string PartBody(const std::string& message, const std::string& type) {
  std::size_t at = message.find("Content-Type: " + type);
  if (at == std::string::npos) return "<missing>";
  std::size_t start = message.find("\r\n\r\n", at) + 4;
  std::size_t end = message.find("\r\n--", start);
  std::string encoded;
  for (char c : message.substr(start, end - start)) {
    if (c != '\r' && c != '\n') encoded += c;
  }
  return Base64Decode(encoded).value_or("<bad base64>");
}

TEST(BuildMailMessage, HasHeadersAndBothAlternativePartsWithCrlfLines) {
  auto built = BuildMailMessage(SampleMail());
  ASSERT_TRUE(built.ok()) << built.status();
  const std::string& m = *built;
  EXPECT_NE(m.find("Date: Wed, 02 Dec 2026 02:30:05 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("From: =?UTF-8?B?" + Base64Encode("VoC 客户之声") + "?= <voc@example.com>\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("To: =?UTF-8?B?" + Base64Encode("王芳") + "?= <wang.fang@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <sla=3Ac-7=3Aresolution=3Abreach=3Ap-wang=3Aemail@example.com>\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Language: zh-CN\r\n"), std::string::npos);

  std::smatch boundary;
  ASSERT_TRUE(std::regex_search(m, boundary, std::regex("multipart/alternative; boundary=\"([^\"]+)\"")));
  std::string b = boundary[1];
  std::size_t plain = m.find("--" + b + "\r\nContent-Type: text/plain; charset=UTF-8");
  std::size_t html = m.find("--" + b + "\r\nContent-Type: text/html; charset=UTF-8");
  std::size_t close = m.find("--" + b + "--\r\n");
  ASSERT_NE(plain, std::string::npos);
  ASSERT_NE(html, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  EXPECT_LT(plain, html) << "the richer alternative comes last";
  EXPECT_LT(html, close);
  EXPECT_EQ(PartBody(m, "text/plain"), "案例 c-7 的解决时限已过。\r\n请处理。") << "text in MIME's CRLF form";
  EXPECT_EQ(PartBody(m, "text/html"), SampleMail().html);

  // Only CRLF line ends, no line over 78 characters, 7-bit clean.
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_LT(static_cast<unsigned char>(m[i]), 0x80u);
    if (m[i] == '\n') {
      EXPECT_GT(i, 0u);
      EXPECT_EQ(m[i - 1], '\r') << "bare LF at " << i;
      EXPECT_LE(i - line_start, 79u) << m.substr(line_start, i - line_start);
      line_start = i + 1;
    }
  }
}

TEST(BuildMailMessage, WithoutHtmlIsASingleTextPart) {
  MailContent mail = SampleMail();
  mail.html.clear();
  auto built = BuildMailMessage(mail);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->find("multipart"), std::string::npos);
  EXPECT_EQ(PartBody(*built, "text/plain"), "案例 c-7 的解决时限已过。\r\n请处理。");
}

TEST(BuildMailMessage, RefusesABadRecipientOrMissingId) {
  MailContent mail = SampleMail();
  mail.to_address = "wang fang@example.com";
  auto built = BuildMailMessage(mail);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(built.status().message().find("destination.address"), std::string::npos);
  mail = SampleMail();
  mail.message_id.clear();
  EXPECT_EQ(BuildMailMessage(mail).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::notify
