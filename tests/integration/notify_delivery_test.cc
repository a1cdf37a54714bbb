// voc-notify's core against a real redis-server and a real SQLite file (and
// PostgreSQL when installed): requests published by StreamNotifier are
// stored before they are acked and de-duplicated by id, expanded by the
// subscriptions file, rendered in each recipient's language with names,
// delivered through a recording channel with retries on the fake clock, and
// their final states published to voc.notify.outcomes.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>

#include "common/auth/role_book.h"
#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/notify/stream_notifier.h"
#include "common/org/org_directory.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/notify_consumer.h"
#include "services/notify/notify_service.h"
#include "services/notify/outcome_publisher.h"
#include "services/notify/store/migrations.h"
#include "services/notify/store/notify_store.h"
#include "services/notify/subscriptions.h"
#include "services/notify/subscriptions_reloader.h"
#include "services/notify/templates.h"
#include "tests/support/servers.h"

namespace voc::notify {
namespace {

using namespace std::chrono_literals;

std::int64_t Ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The outside edge: records what it is given, and fails the first
// `failures` tries of each message with `failure`.
class RecordingChannel final : public Channel {
 public:
  absl::Status Deliver(const RenderedMessage& m, const Destination& to) override {
    std::lock_guard lock(mu_);
    ++tries_[m.message_id];
    if (tries_[m.message_id] <= failures) return failure;
    delivered.push_back({m, to});
    return absl::OkStatus();
  }
  int TriesOf(const std::string& id) {
    std::lock_guard lock(mu_);
    return tries_[id];
  }
  int failures = 0;
  absl::Status failure = absl::UnavailableError("receiver answered 500");
  std::vector<std::pair<RenderedMessage, Destination>> delivered;

 private:
  std::mutex mu_;
  std::map<std::string, int> tries_;
};

class RecordingOutcomes final : public OutcomeSink {
 public:
  std::size_t Publish(const std::vector<v1::DeliveryOutcome>& o) override {
    outcomes.insert(outcomes.end(), o.begin(), o.end());
    return o.size();
  }
  std::vector<v1::DeliveryOutcome> outcomes;
};

constexpr char kSubscriptions[] = R"(defaults:
  channels: [email]
rules:
  - event: red_line
    heads_of: [legal, pr]
  - event: escalation
    level: 3
    people: [p-chen-jianguo]
)";

class NotifyDeliveryTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      pg_ = std::make_unique<testing::PostgresServer>();
      pg_->CreateDatabase("notify");
      db_ = storage::Database::Open(pg_->Url("notify")).value();
    } else {
      db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/notify.db").value();
    }
    ASSERT_TRUE(db_->Migrate("notify", Migrations()).ok());
    store_ = std::make_unique<NotifyStore>(*db_);
    directory_ = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
    holder_ = std::make_unique<SubscriptionsHolder>(Subscriptions::Parse(kSubscriptions, "s.yaml", *directory_).value());
    expander_ = std::make_unique<Expander>(directory_, *holder_, "http://voc.example");
    consumer_ = std::make_unique<NotifyConsumer>(*store_, *expander_, clock_);
    channel_ = std::make_shared<RecordingChannel>();
    router_.Add("email", channel_);
    redis_options_.port = redis_.port();
  }

  queue::StreamConsumer MakeStreamConsumer() {
    queue::ConsumerOptions options{kNotifyRequestsStream, "notify", "notify-test"};
    options.block = 50ms;
    return queue::StreamConsumer(redis_options_, options, [this](const std::vector<queue::StreamMessage>& batch) {
      auto statuses = consumer_->HandleBatch(batch);
      if (before_ack) before_ack(batch);
      return statuses;
    });
  }

  long long PendingCount() {
    queue::RedisClient client(redis_options_);
    queue::Reply r = client.Command({"XPENDING", kNotifyRequestsStream, "notify"});
    return r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 ? r->element[0]->integer : -1;
  }

  Notification RedLine(const std::string& id) {
    Notification n;
    n.id = id;
    n.kind = "red_line";
    n.case_id = "cases/77";
    n.department = "legal";
    n.recipients = {"p-sarah-johnson"};
    n.params = {{"feedback_id", "fb-9"}, {"owner_people", "p-jiang-hong,p-lucy-wang"}};
    n.subject = "fallback";
    return n;
  }

  DeliveryWorker Worker(RetryPolicy policy, OutcomeSink* outcomes = nullptr) {
    return DeliveryWorker(*store_, router_, clock_, [] { return 0.5; }, policy, outcomes);
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  std::unique_ptr<testing::PostgresServer> pg_;
  queue::RedisOptions redis_options_;
  FakeClock clock_{TimePoint(std::chrono::milliseconds(1'800'000'000'000))};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<NotifyStore> store_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<SubscriptionsHolder> holder_;
  std::unique_ptr<Expander> expander_;
  std::unique_ptr<NotifyConsumer> consumer_;
  std::shared_ptr<RecordingChannel> channel_;
  DeliveryChannels router_;
  std::function<void(const std::vector<queue::StreamMessage>&)> before_ack;
};

TEST_P(NotifyDeliveryTest, ARequestIsStoredBeforeItIsAcked) {
  StreamNotifier notifier(redis_options_, &clock_);
  ASSERT_TRUE(notifier.Send(RedLine("redline:fb-9")));
  auto stream = MakeStreamConsumer();
  bool checked = false;
  before_ack = [&](const std::vector<queue::StreamMessage>& batch) {
    // The handler has returned, the consumer has not acked yet.
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_TRUE(store_->HasRequest("redline:fb-9").value());
    EXPECT_EQ(PendingCount(), 1);
    checked = true;
  };
  EXPECT_EQ(stream.PollOnce(), 1);
  EXPECT_TRUE(checked);
  EXPECT_EQ(PendingCount(), 0);
}

TEST_P(NotifyDeliveryTest, ARequestThatCannotBeStoredStaysPending) {
  db_->WithSession([](soci::session& s) { s << "DROP TABLE notify_deliveries"; });
  StreamNotifier notifier(redis_options_, &clock_);
  ASSERT_TRUE(notifier.Send(RedLine("redline:fb-10")));
  auto stream = MakeStreamConsumer();
  stream.PollOnce();
  EXPECT_FALSE(store_->HasRequest("redline:fb-10").value());  // rolled back with its deliveries
  EXPECT_EQ(PendingCount(), 1);                               // not acked: it comes back
}

TEST_P(NotifyDeliveryTest, TheSameRequestIdTwiceIsStoredAndDeliveredOnce) {
  StreamNotifier notifier(redis_options_, &clock_);
  ASSERT_TRUE(notifier.Send(RedLine("redline:fb-11")));
  ASSERT_TRUE(notifier.Send(RedLine("redline:fb-11")));  // the sender retried
  auto stream = MakeStreamConsumer();
  EXPECT_EQ(stream.PollOnce(), 2);
  // Sarah (named by the sender) plus the heads of legal and PR (subscriptions).
  const auto deliveries = store_->DeliveriesOfRequest("redline:fb-11", 100).value();
  ASSERT_EQ(deliveries.size(), 3u);
  std::set<std::string> recipients;
  for (const auto& d : deliveries) recipients.insert(d.recipient);
  EXPECT_EQ(recipients, (std::set<std::string>{"p-sarah-johnson", "p-jiang-hong", "p-lucy-wang"}));
  auto worker = Worker({});
  EXPECT_EQ(worker.RunOnce().value().delivered, 3);
  EXPECT_EQ(worker.RunOnce().value().delivered, 0);
  EXPECT_EQ(channel_->delivered.size(), 3u);
  std::set<std::string> ids;
  for (const auto& [m, to] : channel_->delivered) ids.insert(m.message_id);
  EXPECT_TRUE(ids.count("redline:fb-11/p-sarah-johnson/email"));
  EXPECT_EQ(ids.size(), 3u);
}

TEST_P(NotifyDeliveryTest, RetriesAfterAChannelFailureWithBackOffOnTheClock) {
  channel_->failures = 2;
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-retry"), clock_.Now()), Ms(clock_.Now()))},
                                   Ms(clock_.Now())).ok());
  RetryPolicy policy;
  policy.initial = 1000ms;
  policy.multiplier = 3;
  policy.jitter = 0.5;  // the random source says 0.5: the factor is exactly 1
  RecordingOutcomes outcomes;
  auto worker = Worker(policy, &outcomes);
  const std::string id = "r-retry/p-sarah-johnson/email";
  EXPECT_EQ(worker.RunOnce().value().retried, 3);
  EXPECT_EQ(channel_->TriesOf(id), 1);
  clock_.Advance(999ms);
  worker.RunOnce().value();
  EXPECT_EQ(channel_->TriesOf(id), 1);  // not before the back-off
  clock_.Advance(1ms);
  worker.RunOnce().value();
  EXPECT_EQ(channel_->TriesOf(id), 2);
  clock_.Advance(2999ms);  // the second wait is three times the first
  worker.RunOnce().value();
  EXPECT_EQ(channel_->TriesOf(id), 2);
  clock_.Advance(1ms);
  EXPECT_EQ(worker.RunOnce().value().delivered, 3);
  EXPECT_EQ(channel_->TriesOf(id), 3);
  const auto log = store_->DeliveriesOfRequest("r-retry", 10).value();
  for (const auto& d : log) {
    EXPECT_EQ(d.state, v1::DELIVERY_STATE_DELIVERED);
    EXPECT_EQ(d.attempts, 3);
  }
  ASSERT_EQ(outcomes.outcomes.size(), 3u);
  EXPECT_EQ(outcomes.outcomes[0].request_id(), "r-retry");
  EXPECT_EQ(outcomes.outcomes[0].case_id(), "77");
  EXPECT_EQ(outcomes.outcomes[0].event(), "red_line");
  EXPECT_EQ(outcomes.outcomes[0].state(), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(worker.RunOnce().value().outcomes_published, 0);  // each once
}

TEST_P(NotifyDeliveryTest, GivesUpAfterTheConfiguredTriesWithTheLastError) {
  channel_->failures = 100;
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-fail"), clock_.Now()), Ms(clock_.Now()))},
                                   Ms(clock_.Now())).ok());
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.initial = 10ms;
  RecordingOutcomes outcomes;
  auto worker = Worker(policy, &outcomes);
  for (int i = 0; i < 10; ++i) {
    worker.RunOnce().value();
    clock_.Advance(1h);
  }
  const std::string id = "r-fail/p-sarah-johnson/email";
  EXPECT_EQ(channel_->TriesOf(id), 3);
  const auto log = store_->DeliveriesOfRequest("r-fail", 10).value();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].state, v1::DELIVERY_STATE_FAILED);
  EXPECT_EQ(log[0].attempts, 3);
  EXPECT_EQ(log[0].last_error, "UNAVAILABLE: receiver answered 500");
  ASSERT_EQ(outcomes.outcomes.size(), 3u);
  EXPECT_EQ(outcomes.outcomes[0].state(), v1::DELIVERY_STATE_FAILED);
  EXPECT_EQ(outcomes.outcomes[0].last_error(), "UNAVAILABLE: receiver answered 500");
}

TEST_P(NotifyDeliveryTest, APermanentErrorFailsAtOnce) {
  channel_->failures = 100;
  channel_->failure = absl::InvalidArgumentError("mailbox does not exist");
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-perm"), clock_.Now()), Ms(clock_.Now()))},
                                   Ms(clock_.Now())).ok());
  auto worker = Worker({});
  EXPECT_EQ(worker.RunOnce().value().failed, 3);
  EXPECT_EQ(channel_->TriesOf("r-perm/p-sarah-johnson/email"), 1);
}

TEST_P(NotifyDeliveryTest, OutcomesReachTheOutcomeStream) {
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-out"), clock_.Now()), Ms(clock_.Now()))},
                                   Ms(clock_.Now())).ok());
  RedisOutcomeSink sink(redis_options_);
  auto worker = Worker({}, &sink);
  EXPECT_EQ(worker.RunOnce().value().outcomes_published, 3);
  queue::RedisClient client(redis_options_);
  queue::Reply len = client.Command({"XLEN", kNotifyOutcomesStream});
  ASSERT_TRUE(len);
  EXPECT_EQ(len->integer, 3);
  queue::Reply entries = client.Command({"XRANGE", kNotifyOutcomesStream, "-", "+"});
  const auto parsed = queue::ParseEntries(entries.get());
  ASSERT_EQ(parsed.size(), 3u);
  v1::DeliveryOutcome first;
  ASSERT_TRUE(first.ParseFromString(parsed[0].fields.at(kNotifyOutcomeField)));
  EXPECT_EQ(first.request_id(), "r-out");
  EXPECT_EQ(parsed[0].fields.at("state"), "delivered");
  EXPECT_EQ(parsed[0].fields.at("case_id"), "77");
}

TEST_P(NotifyDeliveryTest, TheDeliveryLogOfACaseOverTheService) {
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-log"), clock_.Now()), Ms(clock_.Now()))},
                                   Ms(clock_.Now())).ok());
  auto worker = Worker({});
  worker.RunOnce().value();
  NotifyService service(*store_);
  v1::ListDeliveriesRequest by_case;
  by_case.set_case_id("cases/77");
  const auto log = service.ListDeliveries(by_case);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->deliveries_size(), 3);
  const v1::Delivery* sarah = nullptr;
  for (const auto& d : log->deliveries()) {
    if (d.recipient() == "p-sarah-johnson") sarah = &d;
  }
  ASSERT_NE(sarah, nullptr);
  EXPECT_EQ(sarah->channel(), "email");
  EXPECT_EQ(sarah->address(), "sarah.johnson@example.com");
  EXPECT_EQ(sarah->recipient_name(), "Sarah Johnson");
  EXPECT_EQ(sarah->language(), "en");
  EXPECT_EQ(sarah->state(), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(sarah->attempts(), 1);
  EXPECT_TRUE(sarah->has_deliver_time());
  v1::ListDeliveriesRequest neither;
  EXPECT_EQ(service.ListDeliveries(neither).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(service.ListDeliveries(neither).status().message().find("case_id"), std::string::npos);
}

// Issue 9: a delivery is read like its case. The red-line request names
// legal, the later one (after a reassignment) logistics; the log of the same
// case shows each person only their department's part, and a full page of
// it, on both databases.
TEST_P(NotifyDeliveryTest, APersonSeesOnlyTheDeliveriesOfTheirDepartmentsCasesAndTheirOwn) {
  const std::int64_t now = Ms(clock_.Now());
  Notification reassigned = RedLine("r-logistics");
  reassigned.kind = "case_reassigned";
  reassigned.department = "logistics";
  reassigned.recipients = {"p-wang-lei", "p-lin-feng"};
  Notification no_case = RedLine("r-digest");
  no_case.kind = "digest";
  no_case.case_id = "";
  no_case.department = "";
  no_case.recipients = {"p-xu-gang"};
  ASSERT_TRUE(store_->SaveRequests({expander_->Expand(ToRequest(RedLine("r-legal"), clock_.Now()), now),
                                    expander_->Expand(ToRequest(reassigned, clock_.Now()), now + 1),
                                    expander_->Expand(ToRequest(no_case, clock_.Now()), now + 2)},
                                   now).ok());
  const auth::RoleBook roles = auth::RoleBook::Load(directory_, "config/roles.yaml").value();
  auto person = [&](const std::string& id) { return roles.PersonPrincipal(id).value(); };
  auto requests_seen = [&](const auth::Principal& caller, v1::ListDeliveriesRequest request) {
    std::multiset<std::string> seen;
    const auto log = NotifyService(*store_).ListDeliveries(caller, request);
    EXPECT_TRUE(log.ok()) << caller.id << ": " << log.status();
    if (log.ok()) {
      for (const auto& d : log->deliveries()) seen.insert(d.request_id());
    }
    return seen;
  };
  v1::ListDeliveriesRequest of_case;
  of_case.set_case_id("cases/77");
  v1::ListDeliveriesRequest of_digest;
  of_digest.set_request_id("r-digest");

  // A logistics member: the logistics part only, however the page is cut.
  const auth::Principal xu_gang = person("p-xu-gang");
  EXPECT_EQ(requests_seen(xu_gang, of_case), (std::multiset<std::string>{"r-logistics", "r-logistics"}));
  v1::ListDeliveriesRequest one = of_case;
  one.set_page_size(1);
  EXPECT_EQ(requests_seen(xu_gang, one), (std::multiset<std::string>{"r-logistics"}))
      << "the page is filled with what they may see, not cut before the filter";
  // Mail of no case is the analysts' and admins' (and its recipient's).
  EXPECT_EQ(requests_seen(xu_gang, of_digest), (std::multiset<std::string>{"r-digest"}));
  EXPECT_TRUE(requests_seen(person("p-lin-feng"), of_digest).empty());
  EXPECT_EQ(requests_seen(person("p-sun-li"), of_digest).size(), 1u) << "admin";
  // Legal sees the red line's deliveries, not logistics'.
  EXPECT_EQ(requests_seen(person("p-sarah-johnson"), of_case).count("r-logistics"), 0u);
  EXPECT_EQ(requests_seen(person("p-sarah-johnson"), of_case).count("r-legal"), 3u);
  // PR's head got the alert: she sees her own delivery of it, nothing else.
  EXPECT_EQ(requests_seen(person("p-lucy-wang"), of_case), (std::multiset<std::string>{"r-legal"}));
  // An analyst reads every case's log.
  EXPECT_EQ(requests_seen(person("p-emily-carter"), of_case).size(), 5u);

  // Services and keys: notify:read or nothing.
  auth::Principal reader;
  reader.kind = auth::PrincipalKind::kApiKey;
  reader.id = "key:k1";
  reader.scopes = {"notify:read"};
  EXPECT_EQ(requests_seen(reader, of_case).size(), 5u);
  EXPECT_EQ(requests_seen(reader, of_digest).size(), 1u);
  reader.scopes = {"cases:read", "feedback:read"};
  const auto refused = NotifyService(*store_).ListDeliveries(reader, of_case);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("notify:read"), std::string::npos) << refused.status();
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyDeliveryTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

// Templates: each recipient reads the alert in their language, with people
// and departments named by name, not by id.
TEST(NotifyTemplatesTest, ARedLineAlertNamesPeopleAndDepartmentsInTheRecipientsLanguage) {
  const auto dir = org::OrgDirectory::Load("config/directory.yaml").value();
  v1::NotificationRequest r;
  r.set_id("redline:fb-1");
  r.set_event("red_line");
  r.set_case_id("cases/12");
  r.set_department("legal");
  (*r.mutable_params())["feedback_id"] = "fb-1";
  (*r.mutable_params())["owner_people"] = "p-jiang-hong,p-lucy-wang";
  RenderContext en{"en", "Sarah Johnson", "m-1", "http://voc.example"};
  const RenderedMessage english = Render(r, en, dir);
  EXPECT_EQ(english.subject, "[Red line] Case 12 needs you now");
  EXPECT_NE(english.text.find("Hello Sarah Johnson"), std::string::npos) << english.text;
  EXPECT_NE(english.text.find("蒋红, 王璐"), std::string::npos) << english.text;
  EXPECT_NE(english.text.find("(" + dir.FindDepartment("legal")->name_en + ")"), std::string::npos) << english.text;
  EXPECT_NE(english.text.find("http://voc.example/#case=12"), std::string::npos);
  RenderContext zh{"zh", "蒋红", "m-2", ""};
  const RenderedMessage chinese = Render(r, zh, dir);
  EXPECT_EQ(chinese.subject, "【红线】工单 12 需要您立即处理");
  EXPECT_NE(chinese.text.find("蒋红，您好"), std::string::npos) << chinese.text;
  EXPECT_NE(chinese.text.find("蒋红、王璐"), std::string::npos) << chinese.text;
  EXPECT_NE(chinese.text.find(dir.FindDepartment("legal")->name_zh), std::string::npos) << chinese.text;
  for (const auto* m : {&english, &chinese}) {
    EXPECT_EQ(m->text.find("p-jiang-hong"), std::string::npos) << m->text;
    EXPECT_EQ(m->text.find("head of"), std::string::npos) << m->text;
    EXPECT_NE(m->json_payload.find("\"type\":\"voc.red_line\""), std::string::npos) << m->json_payload;
  }
}

TEST(NotifyTemplatesTest, TheRecipientsLanguageComesFromTheDirectory) {
  const auto dir = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  SubscriptionsHolder holder(Subscriptions::Parse("{}", "s.yaml", *dir).value());
  Expander expander(dir, holder, "");
  v1::NotificationRequest r;
  r.set_id("esc:1");
  r.set_event("escalation");
  r.set_case_id("5");
  r.add_recipients("p-michael-brown");  // language: en
  r.add_recipients("p-sun-li");         // no language: zh
  (*r.mutable_params())["level"] = "2";
  (*r.mutable_params())["clock"] = "resolution";
  const auto e = expander.Expand(r, 0);
  ASSERT_EQ(e.deliveries.size(), 2u);
  EXPECT_EQ(e.deliveries[0].language, "en");
  EXPECT_EQ(e.deliveries[0].subject, "[Escalation level 2] Case 5 is overdue");
  EXPECT_NE(e.deliveries[0].text.find("resolution target"), std::string::npos);
  EXPECT_EQ(e.deliveries[1].language, "zh");
  EXPECT_EQ(e.deliveries[1].subject, "【第 2 级升级】工单 5 已超时");
  EXPECT_NE(e.deliveries[1].text.find("解决时限"), std::string::npos);
}

TEST(NotifyTemplatesTest, AnInactivePersonIsNotSentToAndTheLogSaysWhy) {
  const auto dir = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Parse(R"(departments:
  - {id: ops, head: p-boss}
people:
  - {id: p-boss, department: ops, email: boss@example.com}
  - {id: p-left, department: ops, manager: p-boss, email: left@example.com, active: false}
)").value());
  SubscriptionsHolder holder(Subscriptions::Parse("{}", "s.yaml", *dir).value());
  Expander expander(dir, holder, "");
  v1::NotificationRequest r;
  r.set_id("warn:1");
  r.set_event("sla_warning");
  r.set_case_id("7");
  r.add_recipients("p-boss");
  r.add_recipients("p-left");
  const auto e = expander.Expand(r, 1000);
  ASSERT_EQ(e.deliveries.size(), 2u);
  EXPECT_EQ(e.deliveries[0].recipient, "p-boss");
  EXPECT_NE(e.deliveries[0].state, v1::DELIVERY_STATE_FAILED);
  EXPECT_EQ(e.deliveries[1].recipient, "p-left");
  EXPECT_EQ(e.deliveries[1].state, v1::DELIVERY_STATE_FAILED) << "final at once: never handed to a channel";
  EXPECT_EQ(e.deliveries[1].final_ms, 1000);
  EXPECT_NE(e.deliveries[1].last_error.find("inactive"), std::string::npos) << e.deliveries[1].last_error;
}

// Subscriptions: mistakes name file and line; a refused reload keeps the rules.
TEST(NotifySubscriptionsTest, AMistakeNamesFileAndLine) {
  const auto dir = org::OrgDirectory::Load("config/directory.yaml").value();
  const auto bad_person = Subscriptions::Parse("rules:\n  - event: red_line\n    people: [p-nobody]\n", "subs.yaml", dir);
  ASSERT_FALSE(bad_person.ok());
  EXPECT_EQ(bad_person.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_person.status().message().find("subs.yaml:3:"), std::string::npos) << bad_person.status();
  EXPECT_NE(bad_person.status().message().find("p-nobody"), std::string::npos);
  const auto bad_event = Subscriptions::Parse("rules:\n  - event: red_lines\n    people: [p-sun-li]\n", "subs.yaml", dir);
  EXPECT_NE(bad_event.status().message().find("subs.yaml:2:"), std::string::npos) << bad_event.status();
  const auto bad_channel = Subscriptions::Parse("defaults:\n  channels: [pigeon]\n", "subs.yaml", dir);
  EXPECT_NE(bad_channel.status().message().find("subs.yaml:2:"), std::string::npos) << bad_channel.status();
  EXPECT_TRUE(Subscriptions::Load("config/subscriptions.yaml", dir).ok());
}

TEST(NotifySubscriptionsTest, ARefusedReloadKeepsTheRulesInForce) {
  testing::TempDir tmp;
  const auto dir = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  const std::string path = tmp.path() + "/subscriptions.yaml";
  const std::string good = "rules:\n  - event: red_line\n    people: [p-sun-li]\n";
  std::ofstream(path) << good;
  SubscriptionsHolder holder(Subscriptions::Load(path, *dir).value());
  SubscriptionsReloader reloader(path, dir, holder, good);
  v1::NotificationRequest r;
  r.set_event("red_line");
  std::ofstream(path) << "rules:\n  - event: red_line\n    people: [p-ghost]\n";
  const absl::Status refused = reloader.CheckOnce();
  EXPECT_NE(refused.message().find(path + ":3:"), std::string::npos) << refused;
  ASSERT_EQ(holder.Get()->RecipientsOf(r, *dir).size(), 1u);
  EXPECT_EQ(holder.Get()->RecipientsOf(r, *dir)[0].person, "p-sun-li");
  std::ofstream(path) << "rules:\n  - event: red_line\n    people: [p-zhao-min]\n";
  EXPECT_TRUE(reloader.CheckOnce().ok());
  EXPECT_EQ(holder.Get()->RecipientsOf(r, *dir)[0].person, "p-zhao-min");
}

TEST(NotifySubscriptionsTest, EscalationLevelsAndDepartmentsNarrowARule) {
  const auto dir = org::OrgDirectory::Load("config/directory.yaml").value();
  const auto subs = Subscriptions::Parse(
      "rules:\n  - event: escalation\n    level: 3\n    people: [p-chen-jianguo]\n"
      "  - event: sla_breach\n    departments: [pr]\n    heads_of: [$department]\n",
      "s.yaml", dir).value();
  v1::NotificationRequest r;
  r.set_event("escalation");
  (*r.mutable_params())["level"] = "2";
  EXPECT_TRUE(subs.RecipientsOf(r, dir).empty());
  (*r.mutable_params())["level"] = "3";
  ASSERT_EQ(subs.RecipientsOf(r, dir).size(), 1u);
  v1::NotificationRequest breach;
  breach.set_event("sla_breach");
  breach.set_department("legal");
  EXPECT_TRUE(subs.RecipientsOf(breach, dir).empty());
  breach.set_department("pr");
  ASSERT_EQ(subs.RecipientsOf(breach, dir).size(), 1u);
  EXPECT_EQ(subs.RecipientsOf(breach, dir)[0].person, "p-lucy-wang");
}

}  // namespace
}  // namespace voc::notify

namespace voc::notify {
namespace {

// A person's language is zh unless the directory says en; anything else is a
// mistake with its line.
TEST(NotifyDirectoryTest, APersonsLanguageIsZhByDefaultAndCheckedOnLoad) {
  const std::string base =
      "departments:\n  - {id: d, name: D, head: p-a}\npeople:\n  - id: p-a\n    name: A\n    department: d\n";
  const auto zh = org::OrgDirectory::Parse(base, "dir.yaml");
  ASSERT_TRUE(zh.ok()) << zh.status();
  EXPECT_EQ(zh->FindPerson("p-a")->language, "zh");
  const auto en = org::OrgDirectory::Parse(base + "    language: en\n", "dir.yaml");
  ASSERT_TRUE(en.ok()) << en.status();
  EXPECT_EQ(en->FindPerson("p-a")->language, "en");
  const auto fr = org::OrgDirectory::Parse(base + "    language: fr\n", "dir.yaml");
  ASSERT_FALSE(fr.ok());
  EXPECT_NE(fr.status().message().find("dir.yaml:7:"), std::string::npos) << fr.status();
}

// With Redis configured and no kind named, the stages publish to voc-notify.
TEST(NotifyDirectoryTest, TheStagesPublishToTheStreamByDefaultWhenRedisIsConfigured) {
  testing::RedisServer redis;
  const auto config = Config::FromString("redis: {host: 127.0.0.1, port: " + std::to_string(redis.port()) + "}\n",
                                         "tracking").value();
  auto notifier = NotifierFromConfig(config);
  ASSERT_TRUE(notifier.ok()) << notifier.status();
  ASSERT_NE(dynamic_cast<StreamNotifier*>(notifier->get()), nullptr);
  Notification n;
  n.kind = "sla_breach";
  n.case_id = "cases/9";
  n.recipients = {"p-wang-lei"};
  ASSERT_TRUE((*notifier)->Send(n));
  queue::RedisOptions options;
  options.port = redis.port();
  queue::RedisClient client(options);
  queue::Reply entries = client.Command({"XRANGE", kNotifyRequestsStream, "-", "+"});
  const auto parsed = queue::ParseEntries(entries.get());
  ASSERT_EQ(parsed.size(), 1u);
  const auto request = ParseRequestEntry(parsed[0]);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->event(), "sla_breach");
  EXPECT_FALSE(request->id().empty());  // derived from the content when the sender gives none
  EXPECT_EQ(request->recipients(0), "p-wang-lei");
}

}  // namespace
}  // namespace voc::notify
