// Outreach delivery (issue 13) with voc-notify as a process, SIGKILLed
// mid-campaign and restarted: every contacted customer gets the campaign's
// message, and no customer gets it twice beyond what its id de-duplicates
// (one delivery in flight at the kill may be sent again after its lease,
// as for any notification). voc-entities' side adds duplicates on purpose:
// a sender that hands every 5th message to Redis but reports a failure
// (the reply lost) leaves it unmarked, so the next run publishes it again
// under the same id "outreach:<campaign>:<customer>". Mail goes to a real
// SMTP server; the entity and outreach tables are on SQLite.
#include <gtest/gtest.h>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/status/status.h"
#include "services/entities/outreach/outreach_service.h"
#include "services/entities/outreach/stream_sender.h"
#include "services/entities/row_check.h"
#include "services/entities/store/migrations.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "tests/support/smtp_catcher.h"
#include "tests/support/test_principals.h"

namespace voc::entities::outreach {
namespace {

using namespace std::chrono_literals;
using testing::DemoPerson;

// Hands everything to the stream; in its first pass reports every 5th
// message as failed although Redis took it.
class LossyReplySender final : public OutreachSender {
 public:
  explicit LossyReplySender(OutreachSender& inner) : inner_(inner) {}
  absl::Status Send(const OutreachMessage& m) override {
    VOC_RETURN_IF_ERROR(inner_.Send(m));
    if (lossy && ++count_ % 5 == 0) {
      ++lost;
      return absl::UnavailableError("reply lost");
    }
    return absl::OkStatus();
  }
  bool lossy = true;
  int lost = 0;

 private:
  OutreachSender& inner_;
  int count_ = 0;
};

class OutreachCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(smtp_.Started()) << smtp_.Log();
    port_ = testing::FreePort();
    config_ = dir_.path() + "/voc.yaml";
    std::ofstream(dir_.path() + "/subscriptions.yaml") << "defaults:\n  channels: [email]\n";
    std::ofstream out(config_);
    out << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: text\nlog_level: info\n"
        << "org: {directory: config/directory.yaml}\n"
        << creds_.AuthYaml()
        << "services:\n  notify:\n"
        << "    listen: \"127.0.0.1:" << port_ << "\"\n"
        << "    metrics_listen: \"\"\n"
        << "    database: sqlite3://notify.db\n"
        << "    subscriptions: " << dir_.path() << "/subscriptions.yaml\n"
        << "    delivery_interval_ms: 10\n"
        << "    batch_size: 16\n"
        << "    delivery_batch: 16\n"
        << "    claim_lease_ms: 300\n"
        << "    reclaim_idle_ms: 300\n"
        << "    channels:\n      email: {smtp_url: \"" << smtp_.url() << "\", from: voc@example.com, starttls: off}\n";
  }

  std::unique_ptr<testing::ChildProcess> StartNotify(const std::string& log_name) {
    return testing::StartServiceProcess(VOC_NOTIFY_BIN, config_, dir_.path() + "/" + log_name,
                                        creds_.ServiceEnv("notify"), port_);
  }

  std::string Log(const std::string& name) const { return testing::ReadFileText(dir_.path() + "/" + name); }

  std::map<std::string, int> MailsPerRecipient() const {
    std::map<std::string, int> out;
    for (const auto& mail : smtp_.Mails()) {
      for (const auto& to : mail["rcpt_tos"]) ++out[to.get<std::string>()];
    }
    return out;
  }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  testing::RedisServer redis_;
  testing::SmtpCatcher smtp_{dir_.path()};
  std::string config_;
  int port_ = 0;
};

TEST_F(OutreachCrashTest, ASigkillOfNotifyMidCampaignSendsNoCustomerTheMessageTwice) {
  constexpr int kCustomers = 300;
  auto db = storage::Database::Open("sqlite3://" + dir_.path() + "/entities.db").value();
  ASSERT_TRUE(db->Migrate("entities", Migrations()).ok());
  SchemaHolder holder(std::make_shared<const EntitySchema>(EntitySchema::Load("config/entities.yaml").value()));
  EntityStore entities(*db);
  OutreachStore store(*db);
  const EntityDef* customer = holder.Get()->Find("customer");
  std::vector<CheckedRow> rows;
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = "c-" + std::to_string(5000 + i);
    rows.push_back(CheckRow(*customer, {{"customer_id", id}, {"segment", "standard"}, {"email", id + "@example.com"}})
                       .value());
  }
  ASSERT_TRUE(entities.Upsert(*customer, rows, 1, "test").ok());

  FakeClock clock(absl::ToChronoTime(absl::FromCivil(absl::CivilHour(2026, 12, 4, 4), absl::UTCTimeZone())));
  queue::RedisOptions redis;
  redis.port = redis_.port();
  StreamSender stream(redis, clock);
  LossyReplySender sender(stream);
  OutreachService service(entities, store, holder, clock, OutreachSettings{}, sender, nullptr);

  v1::CreateSegmentRequest segment;
  segment.set_display_name("standard customers");
  segment.mutable_query()->set_entity("customer");
  auto* where = segment.mutable_query()->add_where();
  where->set_attribute("segment");
  where->set_op("eq");
  where->add_values("standard");
  auto seg = service.CreateSegment(DemoPerson("p-emily-carter"), segment);
  ASSERT_TRUE(seg.ok()) << seg.status();
  v1::Campaign c;
  c.set_display_name("App 5.2.0 login fix");
  c.set_department("app_engineering");
  c.mutable_issue()->set_kind("cluster");
  c.mutable_issue()->set_id("cl-login");
  c.mutable_issue()->set_topic("app");
  c.set_segment_id(seg->id());
  c.mutable_message()->set_subject_zh("登录问题已修复");
  c.mutable_message()->set_body_zh("请升级到 5.2.1。");
  c.mutable_message()->set_subject_en("Login fixed");
  c.mutable_message()->set_body_en("Please update to 5.2.1.");
  c.set_channel("email");
  auto created = service.CreateCampaign(DemoPerson("p-kevin-zhou"), c);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(service.Submit(DemoPerson("p-kevin-zhou"), created->id(), "").ok());
  ASSERT_TRUE(service.Approve(DemoPerson("p-kevin-zhou"), created->id(), "").ok());

  // The run decides everyone and publishes; every 5th reply is "lost",
  // which stops a pass: the next one publishes that message again first.
  const auto unpublished = [&] { return store.Unpublished(1000).value().size(); };
  EXPECT_FALSE(service.RunDue().ok());
  for (int pass = 0; unpublished() > 130 && pass < 1000; ++pass) (void)service.RunDue();
  ASSERT_GT(sender.lost, 0);
  auto notify = StartNotify("notify-1.log");
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (MailsPerRecipient().size() < 20 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(2ms);
  notify->Kill();
  const auto before = MailsPerRecipient();
  ASSERT_GT(before.size(), 0u) << Log("notify-1.log");

  // While voc-notify is down the campaign goes on, re-publishing under the
  // same ids, until nothing is left unpublished; then it is SENT.
  for (int pass = 0; unpublished() > 0 && pass < 1000; ++pass) (void)service.RunDue();
  EXPECT_EQ(unpublished(), 0u);
  sender.lossy = false;
  ASSERT_TRUE(service.Run(DemoPerson("p-kevin-zhou"), created->id()).ok());  // finishes it (RunDue waits 5 min)
  auto sent = service.GetCampaign(DemoPerson("p-kevin-zhou"), created->id());
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->state(), v1::CAMPAIGN_STATE_SENT);
  const std::int64_t contacted = sent->counts().sent();
  EXPECT_EQ(contacted + sent->counts().held_out(), kCustomers);
  ASSERT_LT(static_cast<std::int64_t>(before.size()), contacted) << "finished before the kill; nothing was tested";

  notify = StartNotify("notify-2.log");
  while (static_cast<std::int64_t>(MailsPerRecipient().size()) < contacted &&
         std::chrono::steady_clock::now() < give_up + 60s) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(1s);  // longer than the lease: a late duplicate would show now
  const auto mails = MailsPerRecipient();
  ASSERT_EQ(static_cast<std::int64_t>(mails.size()), contacted) << Log("notify-2.log");
  int extra = 0;
  for (const auto& [address, n] : mails) extra += n - 1;
  // The re-published requests add nothing; only the delivery in flight at
  // the kill may arrive twice.
  EXPECT_LE(extra, 1);
  const std::vector<std::string> held_out = store.CustomersWithDecision(created->id(), "held_out").value();
  ASSERT_FALSE(held_out.empty());
  for (const std::string& held : held_out) {
    EXPECT_EQ(mails.count(held + "@example.com"), 0u) << held;
  }
  const int exit_status = notify->Terminate();
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << exit_status << Log("notify-2.log");
}

}  // namespace
}  // namespace voc::entities::outreach
