// The daily overdue digest reaches the department heads' mailboxes: tracking's
// digester (on SQLite, FakeClock at 08:30 Beijing time) publishes through
// StreamNotifier to a real redis-server; voc-notify's consumer stores and
// renders each request for the recipients the shipped
// config/subscriptions.yaml names (the department's head), and its worker's
// e-mail channel delivers to a real SMTP server (Debian's python3-aiosmtpd)
// started here on a free loopback port. Each head gets one mail in their
// language listing their department's overdue cases and no other's.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/notify/stream_notifier.h"
#include "common/queue/stream.h"
#include "common/util/time.h"
#include "services/notify/channels/email_channel.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/notify_consumer.h"
#include "services/notify/store/migrations.h"
#include "services/notify/store/notify_store.h"
#include "services/notify/subscriptions.h"
#include "services/tracking/overdue_digest.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/overdue_digest_store.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/servers.h"
#include "tests/support/smtp_catcher.h"
#include "tests/unit/tracking/test_callers.h"

namespace voc {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
// 2026-12-04 00:00 in Asia/Shanghai.
constexpr std::int64_t kDec4LocalMidnight = 1'796'342'400'000 - 8 * kHourMs;

std::string WithLf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

TEST(OverdueDigestDelivery, EachDepartmentHeadGetsOneMailInTheirLanguageListingOnlyTheirDepartment) {
  testing::TempDir dir;
  testing::SmtpCatcher smtp(dir.path());
  ASSERT_TRUE(smtp.Started()) << smtp.Log();
  testing::RedisServer redis;
  queue::RedisOptions redis_options;
  redis_options.port = redis.port();
  FakeClock clock{FromMillis(kDec4LocalMidnight - 48 * kHourMs)};
  auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());

  // voc-tracking's side: overdue cases of logistics (head 王磊 reads
  // Chinese) and product quality (head Michael Brown reads English); store
  // operations has none due yet.
  auto tdb = storage::Database::Open("sqlite3://" + dir.path() + "/tracking.db").value();
  ASSERT_TRUE(tdb->Migrate("tracking", tracking::TrackingMigrations()).ok());
  tracking::TrackingStore cases(*tdb);
  tracking::TrackingService service(cases, clock);
  int n = 0;
  auto open = [&](const std::string& title, const std::string& department, const std::string& person,
                  v1::CaseKind kind, v1::Priority priority, std::int64_t due_ms) {
    v1::CreateCaseRequest req;
    req.set_request_id("digest-delivery:" + std::to_string(++n));
    v1::Case* c = req.mutable_case_();
    c->set_kind(kind);
    c->set_priority(priority);
    c->set_feedback_id("fb-" + std::to_string(n));
    c->set_customer_id("c-1");
    c->set_title(title);
    c->add_owners()->set_department(department);
    c->mutable_owners(0)->set_person(person);
    *c->mutable_due_time() = MillisToProto(due_ms);
    return service.CreateCase(tracking::TestSystem(), req).value().id();
  };
  const std::int64_t dec3 = kDec4LocalMidnight - 24 * kHourMs;
  const std::string parcel = open("包裹晚到三天", "logistics", "p-xu-gang", v1::CASE_KIND_COMPLAINT,
                                  v1::PRIORITY_P2, dec3 + 10 * kHourMs);
  const std::string courier = open("快递员态度差", "logistics", "p-lin-feng", v1::CASE_KIND_DETRACTOR_CALLBACK,
                                   v1::PRIORITY_P1, dec3 + 14 * kHourMs + 30 * kMinuteMs);
  const std::string seam = open("Seam split after a week", "product_quality", "p-zheng-qiang",
                                v1::CASE_KIND_COMPLAINT, v1::PRIORITY_P3, dec3 + 11 * kHourMs);
  open("Queue at the till", "store_operations", "p-gao-yan", v1::CASE_KIND_COMPLAINT, v1::PRIORITY_P3,
       kDec4LocalMidnight + 20 * kHourMs);

  StreamNotifier notifier(redis_options, &clock);
  tracking::OverdueDigestStore digest_store(*tdb);
  tracking::OverdueDigester digester(
      digest_store, clock, notifier, {"logistics", "product_quality", "store_operations"},
      tracking::OverdueDigestSettings{8 * 60 + 30, sla::LocalZone::Make("Asia/Shanghai").value(), 10});
  clock.Set(FromMillis(kDec4LocalMidnight + 8 * kHourMs + 30 * kMinuteMs));
  const tracking::DigestRunReport ran = digester.RunOnce().value();
  EXPECT_EQ(ran.sent, 2);
  EXPECT_EQ(ran.nothing_overdue, 1);
  EXPECT_EQ(digester.RunOnce().value().sent, 0);

  // voc-notify's side, with the shipped subscriptions.
  auto ndb = storage::Database::Open("sqlite3://" + dir.path() + "/notify.db").value();
  ASSERT_TRUE(ndb->Migrate("notify", notify::Migrations()).ok());
  notify::NotifyStore store(*ndb);
  notify::SubscriptionsHolder holder(notify::Subscriptions::Load("config/subscriptions.yaml", *directory).value());
  notify::Expander expander(directory, holder, "http://voc.example");
  notify::NotifyConsumer consumer(store, expander, clock);
  queue::ConsumerOptions options{queue::kNotifyRequestsStream, "notify", "overdue-digest-test"};
  options.block = 50ms;
  queue::StreamConsumer stream(redis_options, options, [&](const std::vector<queue::StreamMessage>& batch) {
    return consumer.HandleBatch(batch);
  });
  while (stream.PollOnce() > 0) {
  }
  notify::SmtpOptions smtp_options;
  smtp_options.url = smtp.url();
  smtp_options.from_address = "voc@example.com";
  smtp_options.starttls = notify::StartTls::kOff;
  smtp_options.timeout_ms = 10000;
  notify::DeliveryChannels router;
  router.Add("email", std::make_shared<notify::EmailChannel>(smtp_options, clock));
  notify::DeliveryWorker worker(store, router, clock, [] { return 0.5; }, {}, nullptr);
  int delivered = 0;
  for (int i = 0; i < 10; ++i) {
    auto pass = worker.RunOnce();
    ASSERT_TRUE(pass.ok()) << pass.status();
    delivered += pass->delivered;
    if (pass->delivered == 0) break;
  }
  EXPECT_EQ(delivered, 2);

  std::map<std::string, std::vector<json>> by_rcpt;
  for (const json& mail : smtp.Mails()) {
    for (const auto& rcpt : mail["rcpt_tos"]) by_rcpt[rcpt.get<std::string>()].push_back(mail);
  }
  ASSERT_EQ(by_rcpt.size(), 2u) << "only the two heads with overdue cases";
  ASSERT_EQ(by_rcpt["wang.lei@example.com"].size(), 1u);
  ASSERT_EQ(by_rcpt["michael.brown@example.com"].size(), 1u);
  const json& zh = by_rcpt["wang.lei@example.com"][0];
  const json& en = by_rcpt["michael.brown@example.com"][0];
  EXPECT_EQ(zh["subject"], "【每日逾期汇总】物流部有 2 个逾期工单");
  EXPECT_EQ(WithLf(zh["text"].get<std::string>()),
            "王磊，您好：\n物流部当前有 2 个逾期工单，最早到期的 2 个如下：\n"
            "1. 【P2·投诉】包裹晚到三天（工单 " + parcel + "），2026-12-03 10:00（UTC+08:00） 到期，负责人：徐刚（物流部）\n"
            "   查看：http://voc.example/#case=" + parcel + "\n"
            "2. 【P1·差评回访】快递员态度差（工单 " + courier + "），2026-12-03 14:30（UTC+08:00） 到期，负责人：林峰（物流部）\n"
            "   查看：http://voc.example/#case=" + courier + "\n");
  EXPECT_EQ(en["subject"], "[Daily overdue digest] Product Quality has 1 overdue case");
  EXPECT_EQ(WithLf(en["text"].get<std::string>()),
            "Hello Michael Brown,\nProduct Quality has 1 overdue case; the 1 due longest ago:\n"
            "1. [P3 · complaint] Seam split after a week (case " + seam +
                "), due 2026-12-03 11:00 (UTC+08:00), owner: 郑强 (Product Quality)\n"
            "   Open: http://voc.example/#case=" + seam + "\n");
  // No other department's case in either mail.
  EXPECT_EQ(zh["text"].get<std::string>().find(seam), std::string::npos);
  EXPECT_EQ(en["text"].get<std::string>().find(parcel), std::string::npos);
}

}  // namespace
}  // namespace voc
