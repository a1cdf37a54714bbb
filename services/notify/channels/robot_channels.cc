#include "services/notify/channels/robot_channels.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/status/status.h"
#include "services/notify/channels/signatures.h"

namespace voc::notify {
namespace {

using nlohmann::json;

std::string Dump(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string LinkLabel(const RenderedMessage& m) { return m.language == "en" ? "Open the case" : "查看案例"; }

// The chat text: the rendered markdown, or the plain text when the
// template has no markdown form.
std::string ChatText(const RenderedMessage& m) { return m.markdown.empty() ? m.text : m.markdown; }

// Cuts to at most `limit` bytes at a character boundary (robots refuse
// over-long messages: WeCom 4096 bytes, DingTalk ~20000).
std::string Truncate(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "…";
}

std::string RobotName(Robot robot) {
  switch (robot) {
    case Robot::kWeCom: return "wecom";
    case Robot::kDingTalk: return "dingtalk";
    case Robot::kFeishu: return "feishu";
  }
  return "robot";
}

}  // namespace

std::string BuildWeComBody(const RenderedMessage& m, const Destination& to) {
  std::string content = "**" + m.subject + "**\n" + ChatText(m);
  if (!m.link.empty()) content += "\n[" + LinkLabel(m) + "](" + m.link + ")";
  // WeCom's markdown mentions people as <@userid>.
  for (const std::string& id : to.mention_ids) content += " <@" + id + ">";
  return Dump({{"msgtype", "markdown"}, {"markdown", {{"content", Truncate(content, 4000)}}}});
}

std::string BuildDingTalkBody(const RenderedMessage& m, const Destination& to) {
  std::string text = "#### " + m.subject + "\n\n" + ChatText(m);
  if (!m.link.empty()) text += "\n\n[" + LinkLabel(m) + "](" + m.link + ")";
  // DingTalk notifies only those whose "@id" also appears in the text.
  if (!to.mention_ids.empty()) {
    text += "\n\n";
    for (const std::string& id : to.mention_ids) text += "@" + id + " ";
  }
  return Dump({{"msgtype", "markdown"},
               {"markdown", {{"title", m.subject}, {"text", Truncate(text, 18000)}}},
               {"at", {{"atUserIds", to.mention_ids}, {"isAtAll", false}}}});
}

std::string BuildFeishuBody(const RenderedMessage& m, const Destination& to, std::int64_t timestamp_s,
                            const std::string& sign) {
  std::string content = ChatText(m);
  for (const std::string& id : to.mention_ids) content += " <at id=" + id + "></at>";
  json elements = json::array({{{"tag", "div"}, {"text", {{"tag", "lark_md"}, {"content", Truncate(content, 18000)}}}}});
  if (!m.link.empty()) {
    elements.push_back({{"tag", "action"},
                        {"actions", json::array({{{"tag", "button"},
                                                  {"text", {{"tag", "plain_text"}, {"content", LinkLabel(m)}}},
                                                  {"type", "primary"},
                                                  {"url", m.link}}})}});
  }
  // Breaches and red lines in red, warnings in orange, the rest blue.
  std::string colour = m.event == "sla_warning" ? "orange"
                       : (m.event == "red_line" || m.event == "sla_breach" || m.event == "escalation") ? "red"
                                                                                                        : "blue";
  json body = {{"msg_type", "interactive"},
               {"card",
                {{"config", {{"wide_screen_mode", true}}},
                 {"header", {{"title", {{"tag", "plain_text"}, {"content", m.subject}}}, {"template", colour}}},
                 {"elements", elements}}}};
  if (!sign.empty()) {
    body["timestamp"] = std::to_string(timestamp_s);
    body["sign"] = sign;
  }
  return Dump(body);
}

absl::Status VendorStatus(Robot robot, long http_status, const std::string& body) {
  std::string name = RobotName(robot);
  if (http_status == 429 || http_status == 408 || http_status >= 500) return StatusOfHttp(http_status, name);
  json reply = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const char* code_key = robot == Robot::kFeishu ? "code" : "errcode";
  const char* msg_key = robot == Robot::kFeishu ? "msg" : "errmsg";
  // Feishu's older answer form: {"StatusCode":0,"StatusMessage":"success"}.
  if (robot == Robot::kFeishu && reply.is_object() && !reply.contains("code") && reply.contains("StatusCode")) {
    code_key = "StatusCode";
    msg_key = "StatusMessage";
  }
  if (!reply.is_object() || !reply.contains(code_key) || !reply[code_key].is_number_integer()) {
    if (http_status >= 200 && http_status < 300) {
      return absl::UnavailableError(name + " answered HTTP " + std::to_string(http_status) +
                                    " without its result code");
    }
    return StatusOfHttp(http_status, name);
  }
  long long code = reply[code_key].get<long long>();
  if (code == 0) return absl::OkStatus();
  std::string text = reply.contains(msg_key) && reply[msg_key].is_string() ? reply[msg_key].get<std::string>() : "";
  std::string message = name + " error " + std::to_string(code) + (text.empty() ? "" : ": " + text);
  if (code == -1) return absl::UnavailableError(message);
  bool rate_limited = (robot == Robot::kWeCom && code == 45009) ||
                      (robot == Robot::kDingTalk && (code == 130101 || code == 410100)) ||
                      (robot == Robot::kFeishu && code == 11232);
  if (rate_limited) return absl::ResourceExhaustedError(message);
  bool refused = (robot == Robot::kDingTalk && code == 310000) ||
                 (robot == Robot::kFeishu && (code == 19021 || code == 19022));
  if (refused) return absl::PermissionDeniedError(message);
  return absl::FailedPreconditionError(message);
}

RobotChannel::RobotChannel(Robot robot, HttpOptions http, const Clock& clock)
    : robot_(robot), http_(std::move(http)), clock_(clock) {}

absl::Status RobotChannel::Deliver(const RenderedMessage& message, const Destination& to) {
  if (to.address.rfind("https://", 0) != 0 && to.address.rfind("http://", 0) != 0) {
    return status::InvalidArgument("destination.address", "must be the robot's http(s) webhook URL");
  }
  std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
  std::string url = to.address;
  const std::string secret = TrimSecret(to.secret);
  std::string body;
  switch (robot_) {
    case Robot::kWeCom:
      body = BuildWeComBody(message, to);
      break;
    case Robot::kDingTalk:
      body = BuildDingTalkBody(message, to);
      if (!secret.empty()) url = DingTalkSignedUrl(to.address, secret, now_ms);
      break;
    case Robot::kFeishu: {
      std::int64_t now_s = now_ms / 1000;
      body = BuildFeishuBody(message, to, now_s, secret.empty() ? "" : FeishuSign(secret, now_s));
      break;
    }
  }
  absl::StatusOr<HttpResponse> response =
      HttpPost(url, {"Content-Type: application/json; charset=utf-8"}, body, http_);
  if (!response.ok()) return response.status();
  return VendorStatus(robot_, response->status, response->body);
}

}  // namespace voc::notify
