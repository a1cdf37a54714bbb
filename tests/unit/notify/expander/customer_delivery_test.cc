// Expander::Expand for a request that names a customer (outreach, issue 13):
// one delivery, on the notify channel the customer's channel goes through,
// with the JSON the company's SMS / app-push gateway receives.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/notify/expander.h"

namespace voc::notify {
namespace {

class CustomerDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto directory = org::OrgDirectory::Load("config/directory.yaml");
    ASSERT_TRUE(directory.ok()) << directory.status();
    directory_ = std::make_shared<const org::OrgDirectory>(*std::move(directory));
    auto subscriptions = Subscriptions::Load("config/subscriptions.yaml", *directory_);
    ASSERT_TRUE(subscriptions.ok()) << subscriptions.status();
    holder_ = std::make_unique<SubscriptionsHolder>(*std::move(subscriptions));
  }

  v1::NotificationRequest Request(const std::string& channel, const std::string& address) {
    v1::NotificationRequest r;
    r.set_id("outreach:cmp-1:c-7");
    r.set_subject("刹车异响的说明 \"B-2026-07\"");
    r.set_body("尊敬的车主：\n我们将免费更换刹车片。");
    v1::CustomerRecipient* c = r.mutable_customer();
    c->set_customer_id("c-7");
    c->set_channel(channel);
    c->set_address(address);
    c->set_language("zh");
    return r;
  }

  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<SubscriptionsHolder> holder_;
};

TEST_F(CustomerDeliveryTest, AnSmsGoesThroughTheWebhookWithTheGatewaysJson) {
  Expander expander(directory_, *holder_, "");
  const ExpandedRequest out = expander.Expand(Request("sms", "+86 138 0000 0000"), 1000);
  ASSERT_EQ(out.deliveries.size(), 1u);
  const DeliveryRecord& d = out.deliveries[0];
  EXPECT_EQ(d.channel, "webhook");
  EXPECT_EQ(d.recipient, "customer:c-7");
  EXPECT_EQ(d.address, "+86 138 0000 0000");
  EXPECT_EQ(d.next_attempt_ms, 1000);
  const nlohmann::json payload = nlohmann::json::parse(d.payload_json);
  EXPECT_EQ(payload["type"], "voc.outreach");
  EXPECT_EQ(payload["message_id"], d.message_id);  // what the gateway de-duplicates on
  EXPECT_EQ(payload["customer_id"], "c-7");
  EXPECT_EQ(payload["channel"], "sms");
  EXPECT_EQ(payload["language"], "zh");
  EXPECT_EQ(payload["subject"], "刹车异响的说明 \"B-2026-07\"");  // quotes and Chinese survive
  EXPECT_EQ(payload["text"], "尊敬的车主：\n我们将免费更换刹车片。");
  EXPECT_NE(d.state, v1::DELIVERY_STATE_FAILED);
}

TEST_F(CustomerDeliveryTest, TheSameRequestGivesTheSameMessageId) {
  Expander expander(directory_, *holder_, "");
  const auto a = expander.Expand(Request("email", "owner@example.com"), 1000);
  const auto b = expander.Expand(Request("email", "owner@example.com"), 5000);
  ASSERT_EQ(a.deliveries.size(), 1u);
  ASSERT_EQ(b.deliveries.size(), 1u);
  EXPECT_EQ(a.deliveries[0].channel, "email");
  EXPECT_EQ(a.deliveries[0].message_id, b.deliveries[0].message_id);
}

TEST_F(CustomerDeliveryTest, ACustomerWithoutAnAddressFailsAtOnceWithTheReason) {
  Expander expander(directory_, *holder_, "");
  const auto out = expander.Expand(Request("email", ""), 1000);
  ASSERT_EQ(out.deliveries.size(), 1u);
  EXPECT_EQ(out.deliveries[0].state, v1::DELIVERY_STATE_FAILED);
  EXPECT_EQ(out.deliveries[0].last_error, "no address for customer c-7");
}

}  // namespace
}  // namespace voc::notify
