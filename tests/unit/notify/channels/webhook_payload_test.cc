// The versioned webhook payload documented in docs/api.md ("Webhooks").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/notify/channels/webhook_channel.h"

namespace voc::notify {
namespace {

using nlohmann::json;

TEST(BuildWebhookPayload, HasTheDocumentedEnvelopeAndFields) {
  WebhookEvent e;
  e.notification_id = "sla:c-7:resolution:breach";
  e.event = "sla_breach";
  e.occurred_ms = 1796178605123;
  e.case_id = "c-7";
  e.department = "logistics";
  e.recipients = {"p-wang", "p-li"};
  e.language = "zh";
  e.subject = "案例 c-7 已超时";
  e.text = "解决时限已过";
  e.link = "https://voc.example.com/#/cases/c-7";
  e.params = {{"clock", "resolution"}, {"level", "1"}};
  json body = json::parse(BuildWebhookPayload(e));
  EXPECT_EQ(body["type"], "voc.sla_breach");
  EXPECT_EQ(body["timestamp"], "2026-12-02T02:30:05.123Z");
  EXPECT_EQ(body["version"], 1);
  const json& d = body["data"];
  EXPECT_EQ(d["notification_id"], "sla:c-7:resolution:breach");
  EXPECT_EQ(d["event"], "sla_breach");
  EXPECT_EQ(d["case_id"], "c-7");
  EXPECT_EQ(d["department"], "logistics");
  EXPECT_EQ(d["recipients"], json::array({"p-wang", "p-li"}));
  EXPECT_EQ(d["language"], "zh");
  EXPECT_EQ(d["subject"], "案例 c-7 已超时");
  EXPECT_EQ(d["text"], "解决时限已过");
  EXPECT_EQ(d["link"], "https://voc.example.com/#/cases/c-7");
  EXPECT_EQ(d["params"]["level"], "1");
}

TEST(BuildWebhookPayload, AnEventWithoutACaseHasANullCaseId) {
  WebhookEvent e;
  e.notification_id = "digest:2026-12-02:logistics";
  e.event = "overdue_digest";
  json body = json::parse(BuildWebhookPayload(e));
  EXPECT_TRUE(body["data"]["case_id"].is_null());
  EXPECT_EQ(body["type"], "voc.overdue_digest");
}

TEST(PayloadOfMessage, UsesTheRenderedMessagesIdEventAndText) {
  RenderedMessage m;
  m.message_id = "m-1";
  m.event = "red_line";
  m.language = "en";
  m.subject = "Red line";
  m.text = "A safety complaint";
  m.created_ms = 1000;
  json body = json::parse(PayloadOfMessage(m));
  EXPECT_EQ(body["type"], "voc.red_line");
  EXPECT_EQ(body["data"]["notification_id"], "m-1");
  EXPECT_EQ(body["data"]["subject"], "Red line");
  EXPECT_EQ(body["timestamp"], "1970-01-01T00:00:01.000Z");
}

}  // namespace
}  // namespace voc::notify
