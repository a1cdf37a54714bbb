// The robots' message bodies in each vendor's format, and how their error
// codes map to retryable / permanent statuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/notify/channels/http_client.h"
#include "services/notify/channels/robot_channels.h"

namespace voc::notify {
namespace {

using nlohmann::json;

RenderedMessage Breach(const std::string& language) {
  RenderedMessage m;
  m.message_id = "sla:c-7:resolution:breach:p-wang:dingtalk";
  m.event = "sla_breach";
  m.language = language;
  m.subject = language == "zh" ? "案例 c-7 已超时" : "Case c-7 breached";
  m.text = language == "zh" ? "解决时限已过" : "The resolution target has passed";
  m.markdown = language == "zh" ? "**解决时限**已过" : "**Resolution** target passed";
  m.link = "https://voc.example.com/#/cases/c-7";
  return m;
}

Destination To(std::vector<std::string> mentions = {}) {
  Destination d;
  d.address = "https://robot.example.com/send?key=k";
  d.mention_ids = std::move(mentions);
  return d;
}

TEST(WeComBody, IsAMarkdownMessageWithSubjectLinkAndMentions) {
  json body = json::parse(BuildWeComBody(Breach("zh"), To({"wangfang"})));
  EXPECT_EQ(body["msgtype"], "markdown");
  std::string content = body["markdown"]["content"];
  EXPECT_EQ(content.rfind("**案例 c-7 已超时**\n**解决时限**已过", 0), 0u) << content;
  EXPECT_NE(content.find("[查看案例](https://voc.example.com/#/cases/c-7)"), std::string::npos);
  EXPECT_NE(content.find("<@wangfang>"), std::string::npos);
}

TEST(WeComBody, KeepsLongMessagesUnderTheLimitWithoutCuttingACharacter) {
  RenderedMessage m = Breach("zh");
  m.markdown.clear();
  for (int i = 0; i < 3000; ++i) m.text += "超";
  std::string content = json::parse(BuildWeComBody(m, To()))["markdown"]["content"];
  EXPECT_LE(content.size(), 4096u);
  EXPECT_NO_THROW(json::parse(json(content).dump()));  // still valid UTF-8
}

TEST(DingTalkBody, IsMarkdownWithTitleAndAtUserIdsNamedInTheText) {
  json body = json::parse(BuildDingTalkBody(Breach("en"), To({"user123"})));
  EXPECT_EQ(body["msgtype"], "markdown");
  EXPECT_EQ(body["markdown"]["title"], "Case c-7 breached");
  std::string text = body["markdown"]["text"];
  EXPECT_NE(text.find("[Open the case](https://voc.example.com/#/cases/c-7)"), std::string::npos);
  EXPECT_NE(text.find("@user123"), std::string::npos);
  EXPECT_EQ(body["at"]["atUserIds"], json::array({"user123"}));
  EXPECT_EQ(body["at"]["isAtAll"], false);
}

TEST(FeishuBody, IsAnInteractiveCardWithAButtonToTheCaseAndTheSignature) {
  json body = json::parse(BuildFeishuBody(Breach("zh"), To({"ou_abc"}), 1599360473, "SIGN"));
  EXPECT_EQ(body["msg_type"], "interactive");
  EXPECT_EQ(body["timestamp"], "1599360473");
  EXPECT_EQ(body["sign"], "SIGN");
  const json& card = body["card"];
  EXPECT_EQ(card["header"]["title"]["content"], "案例 c-7 已超时");
  EXPECT_EQ(card["header"]["template"], "red");
  EXPECT_EQ(card["elements"][0]["text"]["tag"], "lark_md");
  std::string content = card["elements"][0]["text"]["content"];
  EXPECT_NE(content.find("<at id=ou_abc></at>"), std::string::npos);
  const json& button = card["elements"][1]["actions"][0];
  EXPECT_EQ(button["tag"], "button");
  EXPECT_EQ(button["url"], "https://voc.example.com/#/cases/c-7");
  EXPECT_EQ(button["text"]["content"], "查看案例");
}

TEST(FeishuBody, WithoutASecretCarriesNoSignatureFields) {
  json body = json::parse(BuildFeishuBody(Breach("en"), To(), 1, ""));
  EXPECT_FALSE(body.contains("sign"));
  EXPECT_FALSE(body.contains("timestamp"));
}

TEST(VendorStatus, ZeroIsDelivered) {
  EXPECT_TRUE(VendorStatus(Robot::kWeCom, 200, R"({"errcode":0,"errmsg":"ok"})").ok());
  EXPECT_TRUE(VendorStatus(Robot::kDingTalk, 200, R"({"errcode":0,"errmsg":"ok"})").ok());
  EXPECT_TRUE(VendorStatus(Robot::kFeishu, 200, R"({"code":0,"msg":"success","data":{}})").ok());
  EXPECT_TRUE(VendorStatus(Robot::kFeishu, 200, R"({"StatusCode":0,"StatusMessage":"success"})").ok());
}

TEST(VendorStatus, RateLimitsAndBusyAreRetryable) {
  EXPECT_EQ(VendorStatus(Robot::kWeCom, 200, R"({"errcode":45009,"errmsg":"api freq out of limit"})").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(VendorStatus(Robot::kDingTalk, 200, R"({"errcode":130101,"errmsg":"send too fast"})").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(VendorStatus(Robot::kDingTalk, 200, R"({"errcode":410100,"errmsg":"limited"})").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(VendorStatus(Robot::kFeishu, 200, R"({"code":11232,"msg":"frequency limited"})").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(VendorStatus(Robot::kWeCom, 200, R"({"errcode":-1,"errmsg":"system busy"})").code(),
            absl::StatusCode::kUnavailable);
}

TEST(VendorStatus, SignatureAndConfigurationErrorsArePermanentAndNamed) {
  absl::Status sign = VendorStatus(Robot::kDingTalk, 200, R"({"errcode":310000,"errmsg":"sign not match"})");
  EXPECT_EQ(sign.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(sign.message().find("310000"), std::string::npos);
  EXPECT_NE(sign.message().find("sign not match"), std::string::npos);
  EXPECT_EQ(VendorStatus(Robot::kFeishu, 200, R"({"code":19021,"msg":"sign match fail"})").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(VendorStatus(Robot::kFeishu, 400, R"({"code":9499,"msg":"Bad Request"})").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VendorStatus(Robot::kWeCom, 200, R"({"errcode":93000,"errmsg":"invalid webhook url"})").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(VendorStatus, HttpFailuresWithoutACodeFollowTheHttpStatus) {
  EXPECT_EQ(VendorStatus(Robot::kFeishu, 502, "<html>bad gateway</html>").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(VendorStatus(Robot::kDingTalk, 429, "").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(VendorStatus(Robot::kWeCom, 404, "not found").code(), absl::StatusCode::kFailedPrecondition);
  // A 200 that is not the vendor's answer (a captive proxy): maybe not delivered.
  EXPECT_EQ(VendorStatus(Robot::kWeCom, 200, "<html>login</html>").code(), absl::StatusCode::kUnavailable);
}

TEST(StatusOfHttp, SplitsRetryableFromPermanent) {
  EXPECT_TRUE(StatusOfHttp(204, "x").ok());
  EXPECT_EQ(StatusOfHttp(500, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfHttp(503, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfHttp(408, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfHttp(429, "x").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusOfHttp(400, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusOfHttp(410, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusOfHttp(401, "x").code(), absl::StatusCode::kPermissionDenied);
}

TEST(RedactUrl, ShowsSchemeAndHostButNoCredentials) {
  EXPECT_EQ(RedactUrl("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY"),
            "https://qyapi.weixin.qq.com/…");
  EXPECT_EQ(RedactUrl("https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN"), "https://open.feishu.cn/…");
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.com/x"), "https://hooks.example.com/…");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
}

}  // namespace
}  // namespace voc::notify
