// The chat robots Chinese companies receive alerts in, each in its own
// message format and with its own signature:
//   WeCom (企业微信) group robot   markdown, the key is in the URL
//   DingTalk (钉钉) custom robot   markdown, "加签" in the URL's query
//   Feishu / Lark (飞书) custom bot interactive card, "签名校验" in the body
// Each vendor answers HTTP 200 with its own error code in the JSON body;
// VendorStatus maps those to channel.h's retryable / permanent statuses.
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <string>

#include "common/clock/clock.h"
#include "services/notify/channels/channel.h"
#include "services/notify/channels/http_client.h"

namespace voc::notify {

enum class Robot { kWeCom, kDingTalk, kFeishu };

// The JSON bodies, separate from sending so tests read them directly.
// `timestamp`/`sign` are Feishu's (seconds; empty sign = no signing).
std::string BuildWeComBody(const RenderedMessage& message, const Destination& to);
std::string BuildDingTalkBody(const RenderedMessage& message, const Destination& to);
std::string BuildFeishuBody(const RenderedMessage& message, const Destination& to, std::int64_t timestamp_s,
                            const std::string& sign);

// A vendor's answer -> status. OK for errcode/code 0; RESOURCE_EXHAUSTED
// for the documented rate limits (WeCom 45009, DingTalk 130101 and 410100,
// Feishu 11232) and UNAVAILABLE for "system busy" (-1): retry later.
// PERMISSION_DENIED for rejected signatures / IP allow-lists (DingTalk
// 310000, Feishu 19021, 19022); every other code FAILED_PRECONDITION:
// a robot that is misconfigured stays so. 5xx/429 without a code as
// StatusOfHttp; a 2xx whose body is not the vendor's JSON is UNAVAILABLE
// (a proxy's page; the message may not have arrived).
absl::Status VendorStatus(Robot robot, long http_status, const std::string& body);

// Thread safety: Deliver() may be called from several threads.
class RobotChannel final : public Channel {
 public:
  // `clock` gives the signature timestamps. Pass the wall clock (SystemClock),
  // never the demo's DevClock: DingTalk and Feishu reject timestamps more
  // than an hour from their own time. It must outlive the channel.
  RobotChannel(Robot robot, HttpOptions http, const Clock& clock);
  // POSTs to `to.address` (the robot's webhook URL); signs with `to.secret`
  // when it is not empty (DingTalk, Feishu; WeCom robots have no signature).
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  Robot robot_;
  HttpOptions http_;
  const Clock& clock_;
};

}  // namespace voc::notify
