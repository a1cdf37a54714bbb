// Proactive outreach (issue 13) on SQLite and PostgreSQL: the real entity
// and outreach stores, a fake clock, and delivery through a real Redis,
// voc-notify's consumer and e-mail worker and a real SMTP server
// (tests/support/notify_stack.h). The one fake at the outside edge is the
// feedback facts port (voc-ingest + voc-triage), given a generated outcome.
//   - a segment's size and members match its query on a fixed dataset;
//   - a campaign sends only once its department's head approved it, every
//     step in its audit trail; anyone else is PERMISSION_DENIED;
//   - the contact rules suppress (opt-out, N per period across campaigns)
//     and defer (quiet hours in the customer's zone) as specified, counted
//     by reason; held-out customers get nothing; a re-run sends nothing twice;
//   - the effect report on a generated outcome: its counts and its test.
#include <gtest/gtest.h>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <map>
#include <set>

#include "common/org/org_directory.h"
#include "common/util/time.h"
#include "services/entities/outreach/effect.h"
#include "services/entities/outreach/holdout.h"
#include "services/entities/outreach/outreach_service.h"
#include "services/entities/outreach/stream_sender.h"
#include "services/entities/row_check.h"
#include "services/entities/store/migrations.h"
#include <grpcpp/grpcpp.h>

#include "common/rpc/server.h"
#include "services/entities/outreach/outreach_grpc.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/backend_database.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/notify_stack.h"
#include "tests/support/test_principals.h"
#include <nlohmann/json.hpp>

#include "services/gateway/grpc_clients.h"
#include "services/gateway/router.h"

namespace voc::entities::outreach {
namespace {

using testing::Backend;
using testing::DemoPerson;
using Values = std::map<std::string, std::string>;

TimePoint Utc(int y, int mo, int d, int h, int mi = 0) {
  return absl::ToChronoTime(absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone()));
}

// The fixed dataset. 200 vehicles of 150 owners (c-000 .. c-149, some own
// two): every 4th of batch B-2026-07. Customers: every 10th from 4 lives in
// London, the rest in Shanghai; every 3rd writes in English; every 25th
// has opted out; c-149 has no e-mail address. Orders: one per customer,
// item sku-(i % 3), placed i % 60 days before 2026-12-04.
std::string Customer(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "c-%03d", i);
  return buf;
}
Values Vehicle(int i) {
  return {{"vin", "VIN" + std::to_string(100000 + i)},
          {"model", "Xingchen E7"},
          {"production_batch", i % 4 == 0 ? "B-2026-07" : "B-2026-08"},
          {"owner_customer_id", Customer(i % 150)}};
}
Values CustomerRow(int i) {
  Values v{{"customer_id", Customer(i)},
           {"time_zone", i % 10 == 4 ? "Europe/London" : "Asia/Shanghai"},
           {"language", i % 3 == 0 ? "en" : "zh"},
           {"opted_out", i % 25 == 0 ? "true" : "false"}};
  if (i != 149) v["email"] = Customer(i) + "@example.com";
  return v;
}
Values Order(int i) {
  const TimePoint at = Utc(2026, 12, 4, 2) - std::chrono::hours(24) * (i % 60);
  return {{"order_id", "o-" + std::to_string(i)},
          {"customer_id", Customer(i)},
          {"item", "sku-" + std::to_string(i % 3)},
          {"ordered_at", FormatRfc3339(at)}};
}

// Independently of the query code: the owners of B-2026-07 vehicles.
std::vector<std::string> BatchOwners() {
  std::set<std::string> owners;
  for (int i = 0; i < 200; ++i) {
    if (i % 4 == 0) owners.insert(Customer(i % 150));
  }
  return {owners.begin(), owners.end()};
}

class FakeFeedback final : public CustomerFeedback {
 public:
  std::map<std::string, TopicOutcome> outcomes;
  std::string last_topic;
  absl::StatusOr<std::map<std::string, TopicOutcome>> Outcomes(const std::vector<std::string>& customers,
                                                               const std::string& topic, TimePoint, TimePoint) override {
    last_topic = topic;
    std::map<std::string, TopicOutcome> out;
    for (const std::string& c : customers) {
      if (auto it = outcomes.find(c); it != outcomes.end()) out[c] = it->second;
    }
    return out;
  }
};

class OutreachTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (testing::BackendMissing(GetParam())) GTEST_SKIP() << "PostgreSQL server binaries not installed";
    db_ = storage::Database::Open(testing::FreshDatabaseUrl(GetParam(), dir_.path(), "outreach")).value();
    ASSERT_TRUE(db_->Migrate("entities", Migrations()).ok());
    auto schema = EntitySchema::Load("config/entities.yaml");
    ASSERT_TRUE(schema.ok()) << schema.status();
    holder_ = std::make_unique<SchemaHolder>(std::make_shared<const EntitySchema>(*std::move(schema)));
    entities_ = std::make_unique<EntityStore>(*db_);
    store_ = std::make_unique<OutreachStore>(*db_);
    Import("vehicle", 200, Vehicle);
    Import("customer", 150, CustomerRow);
    Import("order", 150, Order);
    stack_ = std::make_unique<testing::NotifyStack>(dir_.path());
    ASSERT_TRUE(stack_->Started()) << stack_->SmtpLog();
    sender_ = std::make_unique<StreamSender>(stack_->redis_options(), clock_);
    service_ = std::make_unique<OutreachService>(*entities_, *store_, *holder_, clock_, settings_, *sender_, &feedback_);
  }

  void Import(const std::string& entity, int n, Values (*row)(int)) {
    const EntityDef* def = holder_->Get()->Find(entity);
    ASSERT_NE(def, nullptr);
    std::vector<CheckedRow> rows;
    for (int i = 0; i < n; ++i) {
      auto checked = CheckRow(*def, row(i));
      ASSERT_TRUE(checked.ok()) << checked.status();
      rows.push_back(*checked);
    }
    ASSERT_TRUE(entities_->Upsert(*def, rows, 1, "test").ok());
  }

  v1::SegmentQuery BatchQuery() const {
    v1::SegmentQuery q;
    q.set_entity("vehicle");
    v1::SegmentCondition* c = q.add_where();
    c->set_attribute("production_batch");
    c->set_op("eq");
    c->add_values("B-2026-07");
    return q;
  }

  std::string MakeSegment() {
    v1::CreateSegmentRequest request;
    request.set_display_name("B-2026-07 owners");
    *request.mutable_query() = BatchQuery();
    auto segment = service_->CreateSegment(DemoPerson("p-emily-carter"), request);
    EXPECT_TRUE(segment.ok()) << segment.status();
    return segment.ok() ? segment->id() : "";
  }

  v1::Campaign Draft(const std::string& segment_id) {
    v1::Campaign c;
    c.set_display_name("E7 brake squeal: free pad replacement");
    c.set_department("product_quality");
    c.mutable_issue()->set_kind("signal");
    c.mutable_issue()->set_id("signal-squeal-4s");
    c.mutable_issue()->set_topic("product.quality");
    c.set_segment_id(segment_id);
    c.mutable_message()->set_subject_zh("星辰 E7 刹车片免费更换");
    c.mutable_message()->set_body_zh("尊敬的客户 {customer_id}：您的车辆可免费更换刹车片。");
    c.mutable_message()->set_subject_en("Xingchen E7: free brake pad replacement");
    c.mutable_message()->set_body_en("Dear {customer_id}, your car's brake pads will be replaced free of charge.");
    c.set_channel("email");
    c.set_holdout_share(0.2);
    c.set_effect_window_days(14);
    return c;
  }

  // A campaign of the batch's owners, approved by Product Quality's head.
  std::string Approved(const std::string& segment_id) {
    auto c = service_->CreateCampaign(DemoPerson("p-emily-carter"), Draft(segment_id));
    EXPECT_TRUE(c.ok()) << c.status();
    EXPECT_TRUE(service_->Submit(DemoPerson("p-emily-carter"), c->id(), "").ok());
    auto approved = service_->Approve(DemoPerson("p-michael-brown"), c->id(), "go");
    EXPECT_TRUE(approved.ok()) << approved.status();
    return c->id();
  }

  // Mails per recipient address, after voc-notify delivered what is queued.
  std::map<std::string, int> Deliver() {
    auto directory =
        std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
    auto delivered =
        stack_->DeliverAll(directory, "defaults:\n  channels: [email]\n", clock_, "c" + std::to_string(++rounds_));
    EXPECT_TRUE(delivered.ok()) << delivered.status();
    std::map<std::string, int> mails;
    for (const auto& mail : stack_->Mails()) {
      for (const auto& to : mail["rcpt_tos"]) ++mails[to.get<std::string>()];
    }
    return mails;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<SchemaHolder> holder_;
  std::unique_ptr<EntityStore> entities_;
  std::unique_ptr<OutreachStore> store_;
  std::unique_ptr<testing::NotifyStack> stack_;
  std::unique_ptr<StreamSender> sender_;
  FakeClock clock_{Utc(2026, 12, 4, 4)};  // 12:00 in Shanghai, 04:00 in London
  OutreachSettings settings_;
  FakeFeedback feedback_;
  std::unique_ptr<OutreachService> service_;
  int rounds_ = 0;
};

TEST_P(OutreachTest, ASegmentsSizeAndMembersMatchItsQuery) {
  v1::PreviewSegmentRequest preview;
  *preview.mutable_query() = BatchQuery();
  preview.set_sample_size(5);
  auto p = service_->PreviewSegment(DemoPerson("p-emily-carter"), preview);
  ASSERT_TRUE(p.ok()) << p.status();
  const std::vector<std::string> owners = BatchOwners();
  EXPECT_EQ(p->size(), static_cast<std::int64_t>(owners.size()));
  EXPECT_EQ(p->rows_matched(), 50);
  ASSERT_EQ(p->sample_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p->sample(i), owners[static_cast<std::size_t>(i)]);
  auto members = service_->Members(Compile(*holder_->Get(), BatchQuery()).value());
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->customers, owners);

  // Customers who bought sku-1 in the last 30 days, counted here by hand.
  v1::SegmentQuery orders;
  orders.set_entity("order");
  auto* item = orders.add_where();
  item->set_attribute("item");
  item->set_op("eq");
  item->add_values("sku-1");
  auto* recent = orders.add_where();
  recent->set_attribute("ordered_at");
  recent->set_op("within_days");
  recent->add_values("30");
  std::int64_t expected = 0;
  for (int i = 0; i < 150; ++i) expected += (i % 3 == 1 && i % 60 <= 30) ? 1 : 0;
  *preview.mutable_query() = orders;
  p = service_->PreviewSegment(DemoPerson("p-emily-carter"), preview);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->size(), expected);

  // Saved with its size; a bad query is refused naming the field; a member
  // of a department may not look.
  v1::CreateSegmentRequest create;
  create.set_display_name("sku-1 buyers, 30 days");
  *create.mutable_query() = orders;
  auto saved = service_->CreateSegment(DemoPerson("p-wang-lei"), create);
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->size_at_creation(), expected);
  auto got = service_->GetSegment(DemoPerson("p-emily-carter"), saved->id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->query().where_size(), 2);
  EXPECT_EQ(got->created_by(), "p-wang-lei");
  EXPECT_EQ(service_->GetSegment(DemoPerson("p-emily-carter"), "seg-99").status().code(), absl::StatusCode::kNotFound);
  create.mutable_query()->mutable_where(1)->set_op("around");
  auto bad = service_->CreateSegment(DemoPerson("p-wang-lei"), create);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad.status().message()).rfind("query.where[1].op:", 0), 0u) << bad.status();
  EXPECT_EQ(service_->PreviewSegment(DemoPerson("p-xu-gang"), preview).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(OutreachTest, ACampaignSendsOnlyAfterItsDepartmentHeadApproved) {
  const std::string segment = MakeSegment();
  v1::Campaign draft = Draft(segment);
  draft.set_channel("fax");
  auto refused = service_->CreateCampaign(DemoPerson("p-emily-carter"), draft);
  EXPECT_EQ(std::string(refused.status().message()).rfind("campaign.channel:", 0), 0u) << refused.status();
  EXPECT_EQ(service_->CreateCampaign(DemoPerson("p-wang-lei"), Draft(segment)).status().code(),
            absl::StatusCode::kPermissionDenied);  // heads Logistics, not Product Quality

  auto c = service_->CreateCampaign(DemoPerson("p-emily-carter"), Draft(segment));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->state(), v1::CAMPAIGN_STATE_DRAFT);
  const std::string id = c->id();
  EXPECT_EQ(service_->Run(DemoPerson("p-emily-carter"), id).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Approve(DemoPerson("p-michael-brown"), id, "").status().code(),
            absl::StatusCode::kFailedPrecondition);  // not submitted
  ASSERT_TRUE(service_->Submit(DemoPerson("p-emily-carter"), id, "please").ok());
  for (const char* other : {"p-emily-carter", "p-sun-li", "p-wang-lei", "p-chen-jianguo"}) {
    EXPECT_EQ(service_->Approve(DemoPerson(other), id, "").status().code(), absl::StatusCode::kPermissionDenied)
        << other;
  }
  EXPECT_EQ(service_->Approve(testing::ApiKeyCaller({"entities:write"}), id, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(service_->Reject(DemoPerson("p-michael-brown"), id, "say when the pads arrive").ok());
  ASSERT_TRUE(service_->Submit(DemoPerson("p-emily-carter"), id, "").ok());
  // Nothing went out before approval.
  ASSERT_TRUE(service_->RunDue().ok());
  EXPECT_TRUE(Deliver().empty());
  auto approved = service_->Approve(DemoPerson("p-michael-brown"), id, "ok");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::CAMPAIGN_STATE_APPROVED);

  std::vector<std::string> trail;
  for (const auto& e : approved->events()) trail.push_back(e.action() + " " + e.actor());
  EXPECT_EQ(trail, (std::vector<std::string>{"create p-emily-carter", "submit p-emily-carter",
                                             "reject p-michael-brown", "submit p-emily-carter",
                                             "approve p-michael-brown"}));
  EXPECT_EQ(approved->events(2).note(), "say when the pads arrive");
  EXPECT_EQ(approved->events(4).from_state(), v1::CAMPAIGN_STATE_PENDING_APPROVAL);

  auto sent = service_->Run(DemoPerson("p-emily-carter"), id);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_GT(sent->counts().sent(), 0);
  EXPECT_EQ(service_->Cancel(DemoPerson("p-emily-carter"), id, "").status().code(),
            sent->state() == v1::CAMPAIGN_STATE_SENT ? absl::StatusCode::kFailedPrecondition : absl::StatusCode::kOk);
}

TEST_P(OutreachTest, ContactRulesSuppressAndDeferAsSpecifiedAndTheHoldOutGetsNothing) {
  const std::string segment = MakeSegment();
  const std::vector<std::string> owners = BatchOwners();
  const auto index = [](const std::string& customer) { return std::stoi(customer.substr(2)); };

  // 13:30 UTC: 21:30 in Shanghai (quiet), 13:30 in London.
  clock_.Set(Utc(2026, 12, 4, 13, 30));
  const std::string a = Approved(segment);
  auto run = service_->Run(DemoPerson("p-emily-carter"), a);
  ASSERT_TRUE(run.ok()) << run.status();
  std::int64_t held = 0, opted = 0, london = 0, shanghai = 0, no_address = 0;
  for (const std::string& c : owners) {
    const int i = index(c);
    if (IsHeldOut(a, c, 0.2)) {
      ++held;
    } else if (i % 25 == 0) {
      ++opted;
    } else if (i == 149) {
      ++no_address;
    } else if (i % 10 == 4) {
      ++london;
    } else {
      ++shanghai;
    }
  }
  ASSERT_GT(london, 0);
  ASSERT_GT(opted, 0);
  EXPECT_EQ(run->state(), v1::CAMPAIGN_STATE_SENDING);
  EXPECT_EQ(run->counts().held_out(), held);
  EXPECT_EQ(run->counts().sent(), london);
  EXPECT_EQ(run->counts().suppressed().at("opted_out"), opted);
  EXPECT_EQ(run->counts().deferred_quiet_hours(), shanghai);
  EXPECT_EQ(run->counts().suppressed().count("no_address") ? run->counts().suppressed().at("no_address") : 0,
            no_address);

  // 01:30 UTC next day: 09:30 in Shanghai. The rest go; London's were sent already.
  clock_.Set(Utc(2026, 12, 5, 1, 30));
  ASSERT_TRUE(service_->RunDue().ok());
  auto done = service_->GetCampaign(DemoPerson("p-emily-carter"), a);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state(), v1::CAMPAIGN_STATE_SENT);
  EXPECT_EQ(done->counts().sent(), london + shanghai);
  EXPECT_EQ(done->counts().deferred_quiet_hours(), 0);
  EXPECT_EQ(done->events(done->events_size() - 1).action(), "finish");

  // Delivered once each through voc-notify, in the customer's language;
  // the held-out, the opted-out and the unreachable got nothing.
  std::map<std::string, int> mails = Deliver();
  EXPECT_EQ(static_cast<std::int64_t>(mails.size()), london + shanghai);
  for (const std::string& c : owners) {
    const bool contacted = !IsHeldOut(a, c, 0.2) && index(c) % 25 != 0 && index(c) != 149;
    const auto it = mails.find(c + "@example.com");
    EXPECT_EQ(it == mails.end() ? 0 : it->second, contacted ? 1 : 0) << c;
  }
  bool saw_zh = false, saw_en = false;
  for (const auto& mail : stack_->Mails()) {
    const std::string subject = mail["subject"].get<std::string>();
    saw_zh |= subject == "星辰 E7 刹车片免费更换";
    saw_en |= subject == "Xingchen E7: free brake pad replacement";
  }
  EXPECT_TRUE(saw_zh && saw_en);
  // A re-run decides nothing again and sends nothing twice.
  clock_.Set(Utc(2026, 12, 5, 2));
  EXPECT_EQ(service_->Run(DemoPerson("p-emily-carter"), a).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(service_->RunDue().ok());
  EXPECT_EQ(Deliver(), mails);

  // Two more campaigns to the same owners at 10:00 UTC (18:00 in Shanghai,
  // 10:00 in London): at most 2 messages in 30 days.
  clock_.Set(Utc(2026, 12, 5, 10));
  const std::string b = Approved(segment);
  const std::string c3 = Approved(segment);
  ASSERT_TRUE(service_->RunDue().ok());
  auto third = service_->GetCampaign(DemoPerson("p-emily-carter"), c3);
  ASSERT_TRUE(third.ok());
  std::int64_t limited = 0;
  for (const std::string& c : owners) {
    if (index(c) % 25 == 0 || index(c) == 149 || IsHeldOut(c3, c, 0.2)) continue;
    if (!IsHeldOut(a, c, 0.2) && !IsHeldOut(b, c, 0.2)) ++limited;
  }
  ASSERT_GT(limited, 0);
  EXPECT_EQ(third->counts().suppressed().at("frequency_limit"), limited);
  mails = Deliver();
  for (const auto& [address, n] : mails) EXPECT_LE(n, 2) << address;
  // 31 days later the first campaign's messages have left the period.
  clock_.Set(Utc(2026, 12, 5, 10) + std::chrono::hours(24) * 31);
  const std::string d = Approved(segment);
  ASSERT_TRUE(service_->RunDue().ok());
  auto fourth = service_->GetCampaign(DemoPerson("p-emily-carter"), d);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(fourth->counts().suppressed().count("frequency_limit"), 0u);
}

TEST_P(OutreachTest, TheEffectReportOnAGeneratedOutcomeIsTheTwoProportionTestOfItsCounts) {
  const std::string segment = MakeSegment();
  const std::string id = Approved(segment);
  ASSERT_TRUE(service_->RunDue().ok());
  EXPECT_EQ(service_->Effect(DemoPerson("p-emily-carter"), id).status().code(), absl::StatusCode::kFailedPrecondition);

  // The outcome: a complaint for every 2nd held-out customer and every 7th
  // contacted one; every 5th customer wrote about the topic without complaining.
  auto contacted = store_->CustomersWithDecision(id, "sent").value();
  auto held = store_->CustomersWithDecision(id, "held_out").value();
  std::int64_t x1 = 0, x2 = 0, contact1 = 0;
  for (std::size_t i = 0; i < contacted.size(); ++i) {
    TopicOutcome o;
    o.complained = i % 7 == 0;
    o.contacted_us = o.complained || i % 5 == 0;
    x1 += o.complained;
    contact1 += o.contacted_us;
    if (o.contacted_us) feedback_.outcomes[contacted[i]] = o;
  }
  for (std::size_t i = 0; i < held.size(); ++i) {
    TopicOutcome o;
    o.complained = o.contacted_us = i % 2 == 0;
    x2 += o.complained;
    if (o.complained) feedback_.outcomes[held[i]] = o;
  }
  feedback_.outcomes["c-999"] = {true, true};  // not in the campaign: not counted
  clock_.Advance(std::chrono::hours(24) * 14 + std::chrono::minutes(1));
  auto effect = service_->Effect(DemoPerson("p-michael-brown"), id);
  ASSERT_TRUE(effect.ok()) << effect.status();
  EXPECT_EQ(feedback_.last_topic, "product.quality");
  EXPECT_EQ(effect->contacted().customers(), static_cast<std::int64_t>(contacted.size()));
  EXPECT_EQ(effect->held_out().customers(), static_cast<std::int64_t>(held.size()));
  EXPECT_EQ(effect->contacted().complained(), x1);
  EXPECT_EQ(effect->held_out().complained(), x2);
  EXPECT_EQ(effect->contacted().contacted_us(), contact1);
  const TwoProportionTest t = CompareProportions(x1, static_cast<std::int64_t>(contacted.size()), x2,
                                                 static_cast<std::int64_t>(held.size()), settings_.min_group);
  EXPECT_DOUBLE_EQ(effect->z(), t.z);
  EXPECT_DOUBLE_EQ(effect->p_value(), t.p_value);
  EXPECT_DOUBLE_EQ(effect->ci_low(), t.ci_low);
  EXPECT_DOUBLE_EQ(effect->ci_high(), t.ci_high);
  EXPECT_EQ(effect->verdict(), t.verdict);
  EXPECT_NE(effect->test().find("two-proportion z-test"), std::string::npos);

  // The verdict is stored: asked again later, the same report.
  feedback_.outcomes.clear();
  clock_.Advance(std::chrono::hours(24));
  auto again = service_->Effect(DemoPerson("p-emily-carter"), id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->contacted().complained(), x1);
  EXPECT_EQ(ProtoToMillis(again->compute_time()), ProtoToMillis(effect->compute_time()));
  EXPECT_EQ(service_->Effect(DemoPerson("p-xu-gang"), id).status().code(), absl::StatusCode::kPermissionDenied);
}

// Over gRPC with the real authenticator: the department head approves
// through the gateway (x-voc-acting-for), anyone else is PERMISSION_DENIED,
// a call without a token UNAUTHENTICATED, a bad query INVALID_ARGUMENT.
TEST_P(OutreachTest, OverGrpcOnlyTheHeadApprovesThroughTheGateway) {
  testing::TestCredentials creds;
  creds.Add("reader", "entities:read");
  auto auth = testing::InProcessAuthenticator(creds, clock_, "entities");
  OutreachGrpc grpc_impl(*service_, *auth);
  rpc::ServiceServer server(rpc::ServerOptions{"entities", "127.0.0.1:0", nullptr},
                            std::vector<grpc::Service*>{&grpc_impl});
  const auto port = server.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  const std::string address = "127.0.0.1:" + std::to_string(*port);
  const auto call = [&](const std::string& principal, const std::string& person, auto&& rpc) {
    auto stub = v1::OutreachService::NewStub(creds.Channel(address, principal));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!person.empty()) testing::ActFor(ctx, person);
    return rpc(*stub, ctx);
  };

  v1::PreviewSegmentRequest preview;
  *preview.mutable_query() = BatchQuery();
  v1::SegmentPreview p;
  grpc::Status s = call("reader", "", [&](auto& stub, auto& ctx) { return stub.PreviewSegment(&ctx, preview, &p); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(p.size(), static_cast<std::int64_t>(BatchOwners().size()));
  preview.mutable_query()->set_entity("spaceship");
  s = call("reader", "", [&](auto& stub, auto& ctx) { return stub.PreviewSegment(&ctx, preview, &p); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("query.entity:", 0), 0u) << s.error_message();
  {
    auto stub = v1::OutreachService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    EXPECT_EQ(stub->PreviewSegment(&ctx, preview, &p).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }

  const std::string segment = MakeSegment();
  v1::CreateCampaignRequest create;
  *create.mutable_campaign() = Draft(segment);
  v1::Campaign c;
  s = call("gateway", "p-emily-carter", [&](auto& stub, auto& ctx) { return stub.CreateCampaign(&ctx, create, &c); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(c.created_by(), "p-emily-carter");
  v1::CampaignActionRequest action;
  action.set_id(c.id());
  s = call("gateway", "p-emily-carter", [&](auto& stub, auto& ctx) { return stub.SubmitCampaign(&ctx, action, &c); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const char* other : {"p-emily-carter", "p-wang-lei", "p-sun-li"}) {
    s = call("gateway", other, [&](auto& stub, auto& ctx) { return stub.ApproveCampaign(&ctx, action, &c); });
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << other;
  }
  s = call("reader", "", [&](auto& stub, auto& ctx) { return stub.ApproveCampaign(&ctx, action, &c); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  action.set_note("approved for the E7 owners");
  s = call("gateway", "p-michael-brown", [&](auto& stub, auto& ctx) { return stub.ApproveCampaign(&ctx, action, &c); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(c.state(), v1::CAMPAIGN_STATE_APPROVED);
  EXPECT_EQ(c.events(c.events_size() - 1).actor(), "p-michael-brown");
  EXPECT_EQ(c.events(c.events_size() - 1).note(), "approved for the E7 owners");
  v1::GetCampaignRequest get;
  get.set_id("camp-404");
  s = call("reader", "", [&](auto& stub, auto& ctx) { return stub.GetCampaign(&ctx, get, &c); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  server.Shutdown();
}

// The gateway's Router over gRPC to the real service: OutreachGrpc on a
// loopback port behind the in-process authenticator, the gateway's channel
// acting for the person each route is asked for.
class GatewayOverGrpc {
 public:
  GatewayOverGrpc(OutreachService& service, const Clock& clock)
      : auth_(testing::InProcessAuthenticator(creds_, clock, "entities")),
        grpc_impl_(service, *auth_),
        server_(rpc::ServerOptions{"entities", "127.0.0.1:0", nullptr}, std::vector<grpc::Service*>{&grpc_impl_}) {}

  absl::Status Start() {
    const auto port = server_.Start();
    if (!port.ok()) return port.status();
    auto channel = creds_.Channel("127.0.0.1:" + std::to_string(*port), "gateway");
    gateway::GrpcBackendOptions options;
    options.tracking = channel;  // never called here; a stub needs a channel
    options.ingest = channel;
    options.entities = channel;
    options.deadline = std::chrono::milliseconds(10000);
    backend_ = std::make_unique<gateway::GrpcBackend>(std::move(options), wall_);
    auto directory = org::OrgDirectory::Load("config/directory.yaml");
    if (!directory.ok()) return directory.status();
    std::vector<org::Department> departments;
    for (const auto* d : directory->Departments()) departments.push_back(*d);
    router_ = std::make_unique<gateway::Router>(*backend_, departments, gateway::StaticFiles("/nonexistent"));
    return absl::OkStatus();
  }
  gateway::HttpResponse Get(const std::string& target, const std::string& who) {
    return router_->Handle({"GET", target, {}, ""}, Person(who));
  }
  gateway::HttpResponse Post(const std::string& target, const std::string& body, const std::string& who) {
    gateway::HttpRequest r{"POST", target, {}, body};
    r.headers["content-type"] = "application/json";
    return router_->Handle(r, Person(who));
  }
  static nlohmann::json Json(const gateway::HttpResponse& r) { return nlohmann::json::parse(r.body); }
  void Shutdown() { server_.Shutdown(); }

 private:
  static gateway::Caller Person(const std::string& id) {
    gateway::Caller c;
    c.person_id = id;
    return c;
  }
  testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> auth_;
  OutreachGrpc grpc_impl_;
  rpc::ServiceServer server_;
  SystemClock wall_;
  std::unique_ptr<gateway::GrpcBackend> backend_;
  std::unique_ptr<gateway::Router> router_;
};

// Issue 13 (the Campaigns panel): the gateway's routes over gRPC to the real
// service, each call made for the logged-in person: the list and a campaign
// with its segment's size now, a segment preview, the head's approval; another
// head's approve is the service's 403, a second approve its 409.
TEST_P(OutreachTest, TheGatewaysCampaignRoutesReachTheServiceForThePerson) {
  GatewayOverGrpc gateway(*service_, clock_);
  ASSERT_TRUE(gateway.Start().ok());
  const auto get = [&](const std::string& target, const std::string& who) { return gateway.Get(target, who); };
  const auto post = [&](const std::string& target, const std::string& body, const std::string& who) {
    return gateway.Post(target, body, who);
  };
  const auto json = GatewayOverGrpc::Json;

  const std::string segment = MakeSegment();
  auto c = service_->CreateCampaign(DemoPerson("p-emily-carter"), Draft(segment));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(service_->Submit(DemoPerson("p-emily-carter"), c->id(), "").ok());
  const auto owners = static_cast<std::int64_t>(BatchOwners().size());

  const auto listed = get("/api/campaigns?department=product_quality", "p-michael-brown");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(json(listed)["campaigns"].size(), 1u);
  EXPECT_EQ(json(listed)["campaigns"][0]["state"], "PENDING_APPROVAL");
  EXPECT_EQ(json(listed)["campaigns"][0]["can_decide"], true);
  EXPECT_EQ(json(get("/api/campaigns", "p-emily-carter"))["campaigns"][0]["can_decide"], false);

  const auto one = get("/api/campaigns/" + c->id(), "p-michael-brown");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one)["segment"]["id"], segment);
  EXPECT_EQ(json(one)["segment"]["size_at_creation"], owners);
  EXPECT_EQ(json(one)["preview"]["size"], owners);
  EXPECT_EQ(get("/api/campaigns/camp-404", "p-michael-brown").status, 404);

  const auto preview = post("/api/segments/preview",
                            R"({"query":{"entity":"vehicle","where":[{"attribute":"production_batch","op":"eq",)"
                            R"("values":["B-2026-07"]}]},"sample_size":3})",
                            "p-emily-carter");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(json(preview)["preview"]["size"], owners);
  EXPECT_EQ(json(preview)["preview"]["sample"].size(), 3u);
  const auto bad = post("/api/segments/preview", R"({"query":{"entity":"spaceship"}})", "p-emily-carter");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(std::string(json(bad)["error"]["message"]).rfind("query.entity:", 0), 0u) << bad.body;

  const auto other_head = post("/api/campaigns/" + c->id() + "/approve", "{}", "p-wang-lei");
  EXPECT_EQ(other_head.status, 403) << other_head.body;
  EXPECT_EQ(json(other_head)["error"]["code"], "PERMISSION_DENIED");
  const auto analyst = post("/api/campaigns/" + c->id() + "/approve", "{}", "p-emily-carter");
  EXPECT_EQ(analyst.status, 403) << analyst.body;
  const auto approved = post("/api/campaigns/" + c->id() + "/approve", R"({"note":"同意发送"})", "p-michael-brown");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(json(approved)["campaign"]["state"], "APPROVED");
  EXPECT_EQ(json(approved)["campaign"]["events"].back()["actor"], "p-michael-brown");
  EXPECT_EQ(json(approved)["campaign"]["events"].back()["note"], "同意发送");
  EXPECT_EQ(post("/api/campaigns/" + c->id() + "/approve", "{}", "p-michael-brown").status, 409);
  auto stored = service_->GetCampaign(DemoPerson("p-michael-brown"), c->id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->state(), v1::CAMPAIGN_STATE_APPROVED);
  gateway.Shutdown();
}

// Issue 13 (the page's campaign form): a segment saved, a draft created,
// submitted and cancelled through the gateway for the person. The service's
// field error reaches the page naming the field and stores nothing; a
// department member who is neither analyst nor head is its 403 at each step.
TEST_P(OutreachTest, TheGatewayCreatesSubmitsAndCancelsACampaignForThePerson) {
  GatewayOverGrpc gateway(*service_, clock_);
  ASSERT_TRUE(gateway.Start().ok());
  const auto json = GatewayOverGrpc::Json;
  const std::string query = R"({"entity":"vehicle","where":[{"attribute":"production_batch","op":"eq",)"
                            R"("values":["B-2026-07"]}]})";
  const std::string segment_body = R"({"display_name":"B-2026-07 车主","query":)" + query + "}";

  // p-xu-gang is a member of Logistics: neither analyst nor head.
  const auto member_segment = gateway.Post("/api/segments", segment_body, "p-xu-gang");
  EXPECT_EQ(member_segment.status, 403) << member_segment.body;
  EXPECT_EQ(json(member_segment)["error"]["code"], "PERMISSION_DENIED");
  const auto saved = gateway.Post("/api/segments", segment_body, "p-emily-carter");
  ASSERT_EQ(saved.status, 201) << saved.body;
  const std::string segment = json(saved)["segment"]["id"];
  EXPECT_EQ(json(saved)["segment"]["size_at_creation"], static_cast<std::int64_t>(BatchOwners().size()));
  EXPECT_EQ(json(saved)["segment"]["created_by"], "p-emily-carter");

  nlohmann::json campaign = {
      {"display_name", "E7 刹车片免费更换"},
      {"department", "product_quality"},
      {"issue", {{"kind", "finding"}, {"id", "signal:异响,4s店 vehicle.production_batch=B-2026-07"},
                 {"topic", "product.defect"}}},
      {"segment_id", segment},
      {"message", {{"subject_zh", "星辰 E7 刹车片免费更换"}, {"body_zh", "您的车辆可免费更换刹车片。"},
                   {"subject_en", "Xingchen E7: free brake pad replacement"}, {"body_en", ""}}},
      {"channel", "email"},
      {"start_time", "2026-12-05T02:00:00Z"},
      {"holdout_share", 0.2}};
  const auto empty = gateway.Post("/api/campaigns", nlohmann::json{{"campaign", campaign}}.dump(), "p-emily-carter");
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(json(empty)["error"]["message"], "campaign.message.body_en: must not be empty");
  auto none = service_->ListCampaigns(DemoPerson("p-emily-carter"), "");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->campaigns_size(), 0);

  campaign["message"]["body_en"] = "Your car's brake pads are replaced free of charge.";
  const std::string create = nlohmann::json{{"campaign", campaign}}.dump();
  EXPECT_EQ(gateway.Post("/api/campaigns", create, "p-xu-gang").status, 403);
  const auto created = gateway.Post("/api/campaigns", create, "p-emily-carter");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json(created)["campaign"]["id"];
  EXPECT_EQ(json(created)["campaign"]["state"], "DRAFT");
  EXPECT_EQ(json(created)["campaign"]["created_by"], "p-emily-carter");
  EXPECT_EQ(json(created)["campaign"]["start_time"], "2026-12-05T02:00:00.000Z");
  EXPECT_EQ(json(created)["campaign"]["can_submit"], true) << "its author";

  const auto member_submit = gateway.Post("/api/campaigns/" + id + "/submit", "{}", "p-xu-gang");
  EXPECT_EQ(member_submit.status, 403) << member_submit.body;
  const auto submitted = gateway.Post("/api/campaigns/" + id + "/submit", R"({"note":"请审批"})", "p-emily-carter");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(json(submitted)["campaign"]["state"], "PENDING_APPROVAL");
  EXPECT_EQ(json(gateway.Get("/api/campaigns/" + id, "p-michael-brown"))["campaign"]["can_decide"], true);

  EXPECT_EQ(gateway.Post("/api/campaigns/" + id + "/cancel", R"({"reason":"x"})", "p-xu-gang").status, 403);
  const auto cancelled =
      gateway.Post("/api/campaigns/" + id + "/cancel", R"({"reason":"配件延期到货"})", "p-emily-carter");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json(cancelled)["campaign"]["state"], "CANCELLED");
  EXPECT_EQ(json(cancelled)["campaign"]["can_cancel"], false);
  EXPECT_EQ(gateway.Post("/api/campaigns/" + id + "/cancel", R"({"reason":"again"})", "p-emily-carter").status, 409);

  // The history, as the Campaigns panel's detail shows it.
  const auto shown = gateway.Get("/api/campaigns/" + id, "p-michael-brown");
  ASSERT_EQ(shown.status, 200) << shown.body;
  std::vector<std::string> trail;
  const nlohmann::json shown_body = json(shown);
  for (const auto& e : shown_body["campaign"]["events"]) {
    trail.push_back(e["action"].get<std::string>() + " " + e["actor"].get<std::string>() + " " +
                    e["to_state"].get<std::string>() + " " + e["note"].get<std::string>());
  }
  EXPECT_EQ(trail, (std::vector<std::string>{"create p-emily-carter DRAFT ", "submit p-emily-carter PENDING_APPROVAL 请审批",
                                             "cancel p-emily-carter CANCELLED 配件延期到货"}));
  auto stored = service_->GetCampaign(DemoPerson("p-emily-carter"), id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->state(), v1::CAMPAIGN_STATE_CANCELLED);
  EXPECT_EQ(stored->message().body_en(), "Your car's brake pads are replaced free of charge.");
  gateway.Shutdown();
}

INSTANTIATE_TEST_SUITE_P(Backends, OutreachTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return std::string(testing::BackendName(info.param)); });

}  // namespace
}  // namespace voc::entities::outreach
