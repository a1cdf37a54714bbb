// Issue 13 end to end: voc-entities in the stack (tests/e2e/stack.h), every
// service its own process on a real Redis, voc-notify delivering e-mail to
// an SMTP server this test starts (tests/support/smtp_catcher.h).
//   - operational data imported over voc-entities' gRPC import (vehicles of
//     200 customers, one batch planted: B-2026-07, Huayu Friction pads, and
//     the customers with their e-mail addresses);
//   - complaints submitted through voc-ingest, triaged by voc-triage, whose
//     FindRootCauses (the join in voc-entities, by the vehicle `lookup` on
//     the customer) finds the planted batch with the counts of the data;
//   - a segment of the batch's owners who have not complained yet (voc-
//     entities asks voc-ingest and voc-triage, GrpcCustomerFeedback), a
//     campaign approved by Product Quality's head, run: each contacted
//     owner's mail reaches the SMTP server once, the held-out none, and a
//     second run sends nothing.
// And GrpcCustomerFeedback itself against the real voc-ingest and
// voc-triage: who complained on a topic in a window, across pages of a
// customer's feedback, and its refusal without feedback:read.
#include <absl/time/civil_time.h>
#include <absl/time/time.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/util/time.h"
#include "services/entities/outreach/grpc_customer_feedback.h"
#include "tests/e2e/stack.h"
#include "tests/support/smtp_catcher.h"

namespace voc::e2e {
namespace {

using nlohmann::json;

constexpr int kCustomers = 200;
constexpr char kSqueal[] = "刹车异响很严重，太差了";
const std::vector<std::string> kOtherComplaints = {"app一登录就闪退，太差了", "客服态度很差，问题一直没解决",
                                                   "充电桩一直坏着，太差了"};

std::string Customer(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "c-%03d", i);
  return buf;
}
std::string Email(int i) { return Customer(i) + "@example.com"; }
// The planted batch: every fifth customer's car.
bool InBatch(int i) { return i % 5 == 0; }

v1::Feedback Complaint(const std::string& external_id, const std::string& text, int customer) {
  v1::Feedback f;
  f.set_channel(v1::CHANNEL_REVIEW);
  f.set_external_id(external_id);
  f.set_text(text);
  f.mutable_customer()->set_id(Customer(customer));
  return f;
}

// Whether triage's result names `topic` (a topic id, or one below it) among
// its complaint topics (`mentions`: or among its mentions).
bool Names(const v1::TriageResult& r, const std::string& topic, bool mentions) {
  auto matches = [&](const std::string& t) { return t == topic || t.rfind(topic + ".", 0) == 0; };
  for (const auto& m : r.topics()) {
    if (matches(m.topic())) return true;
  }
  if (mentions) {
    for (const auto& m : r.topic_mentions()) {
      if (matches(m.topic())) return true;
    }
  }
  return false;
}

class EntitiesStackTest : public ::testing::Test {
 protected:
  void StartStack(bool with_mail) {
    StackOptions options;
    if (with_mail) {
      smtp_ = std::make_unique<testing::SmtpCatcher>(dir_.path());
      ASSERT_TRUE(smtp_->Started()) << smtp_->Log();
      options.smtp_url = smtp_->url();
    }
    stack_ = std::make_unique<Stack>(options);
  }

  void TearDown() override {
    stack_.reset();
    smtp_.reset();
  }

  // Moves every service's clock to the next 10:00 in Shanghai (the
  // customers' zone), out of the shipped quiet hours (21:00-09:00).
  void AdvanceToShanghaiMorning() {
    absl::TimeZone shanghai;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    const absl::Time now = absl::FromChrono(stack_->Now());
    const absl::CivilDay today = absl::ToCivilDay(now, shanghai);
    absl::Time ten = absl::FromCivil(absl::CivilSecond(today.year(), today.month(), today.day(), 10, 0, 0), shanghai);
    if (ten <= now) ten = absl::FromCivil(absl::CivilSecond(today + 1) + 10 * 3600, shanghai);
    stack_->AdvanceClock(std::chrono::seconds(absl::ToInt64Seconds(ten - now) + 1));
  }

  grpc::Status Import(const std::string& entity, const std::vector<std::map<std::string, std::string>>& rows,
                      v1::ImportEntitiesResponse* response) {
    grpc::ClientContext context;
    auto writer = stack_->entities().ImportEntities(&context, response);
    v1::ImportEntitiesRequest message;
    message.set_entity(entity);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      v1::EntityRow* row = message.add_rows();
      row->set_line(static_cast<std::int64_t>(i) + 2);
      for (const auto& [k, v] : rows[i]) (*row->mutable_values())[k] = v;
      if (message.rows_size() == 64) {
        if (!writer->Write(message)) break;
        message.Clear();
      }
    }
    if (message.rows_size() > 0) writer->Write(message);
    writer->WritesDone();
    return writer->Finish();
  }

  // The demo-like operational data: one car per customer, the planted
  // batch with its pad supplier, and the customers' addresses.
  void ImportOperationalData() {
    std::vector<std::map<std::string, std::string>> vehicles, customers;
    for (int i = 0; i < kCustomers; ++i) {
      vehicles.push_back({{"vin", "LVVE2E" + std::to_string(10000 + i)},
                          {"model", "Xingchen E7"},
                          {"production_batch", InBatch(i) ? "B-2026-07" : "B-2026-0" + std::to_string(1 + i % 4)},
                          {"brake_pad_supplier", InBatch(i) ? "Huayu Friction" : "Brembo Nanjing"},
                          {"build_date", "2026-07-0" + std::to_string(1 + i % 7)},  // not tied to the batch
                          {"owner_customer_id", Customer(i)}});
      customers.push_back({{"customer_id", Customer(i)},
                           {"email", Email(i)},
                           {"language", i % 2 ? "en" : "zh"},
                           {"time_zone", "Asia/Shanghai"},
                           {"opted_out", "false"}});
    }
    for (const auto& [entity, rows] : {std::pair{"vehicle", vehicles}, std::pair{"customer", customers}}) {
      v1::ImportEntitiesResponse response;
      const grpc::Status status = Import(entity, rows, &response);
      ASSERT_TRUE(status.ok()) << entity << ": " << status.error_message();
      EXPECT_EQ(response.inserted(), kCustomers) << entity;
      EXPECT_EQ(response.rejected(), 0) << entity;
    }
  }

  std::string Submit(const v1::Feedback& f) {
    grpc::ClientContext context;
    v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = f;
    v1::SubmitFeedbackResponse response;
    const grpc::Status status = stack_->ingest().SubmitFeedback(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.feedback().id();
  }

  // Triage's result of a feedback, once it has one (nullopt after 60 s).
  std::optional<v1::TriageResult> TriageResultOf(const std::string& feedback_id) {
    std::optional<v1::TriageResult> out;
    Stack::WaitFor(
        [&] {
          grpc::ClientContext context;
          v1::GetTriageResultRequest request;
          request.set_feedback(feedback_id);
          v1::TriageResult result;
          if (!stack_->triage().GetTriageResult(&context, request, &result).ok()) return false;
          out = result;
          return true;
        },
        std::chrono::seconds(60));
    return out;
  }

  std::vector<json> MailsTo(const std::string& address) {
    std::vector<json> out;
    for (const json& m : smtp_->Mails()) {
      for (const auto& to : m["rcpt_tos"]) {
        if (to == address) out.push_back(m);
      }
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::SmtpCatcher> smtp_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(EntitiesStackTest, ARootCauseFoundInImportedDataLeadsToACampaignWhoseMailsArriveOnce) {
  StartStack(/*with_mail=*/true);
  AdvanceToShanghaiMorning();
  ImportOperationalData();

  // The complaints: 12 squeals from owners of the planted batch, 3 from
  // others; 45 other complaints from customers c-100 .. c-144 (9 of them
  // owners of the batch).
  std::map<std::string, int> customer_of;  // feedback id -> customer
  std::set<std::string> squeals;
  for (int k = 0; k < 12; ++k) {
    const std::string id = Submit(Complaint("sq-" + std::to_string(k), kSqueal, 5 * k));
    customer_of[id] = 5 * k;
    squeals.insert(id);
  }
  for (int k = 1; k <= 3; ++k) {
    const std::string id = Submit(Complaint("sq-other-" + std::to_string(k), kSqueal, k));
    customer_of[id] = k;
    squeals.insert(id);
  }
  for (int k = 0; k < 45; ++k) {
    const std::string id = Submit(Complaint("other-" + std::to_string(k), kOtherComplaints[k % 3], 100 + k));
    customer_of[id] = 100 + k;
  }
  ASSERT_EQ(customer_of.size(), 60u);
  std::map<std::string, v1::TriageResult> results;
  for (const auto& [id, customer] : customer_of) {
    const auto result = TriageResultOf(id);
    ASSERT_TRUE(result.has_value()) << id << " not triaged; logs in " << stack_->log_dir();
    results[id] = *result;
  }

  // Triage's root causes for the weak signal "异响": the join in voc-entities.
  v1::FindRootCausesRequest find;
  find.add_signal_terms("异响");
  v1::FindRootCausesResponse found;
  {
    grpc::ClientContext context;
    const grpc::Status status = stack_->root_causes().FindRootCauses(&context, find, &found);
    ASSERT_TRUE(status.ok()) << status.error_message() << "; logs in " << stack_->log_dir();
  }
  EXPECT_EQ(found.target_size(), 15);
  EXPECT_EQ(found.baseline_size(), 45);
  EXPECT_EQ(found.target_joined(), 15);  // every customer owns a car
  EXPECT_EQ(found.baseline_joined(), 45);
  const v1::RootCauseFinding* batch = nullptr;
  for (const auto& f : found.findings()) {
    if (f.attribute() == "vehicle.production_batch" && f.value() == "B-2026-07") batch = &f;
  }
  ASSERT_NE(batch, nullptr) << found.DebugString();
  EXPECT_EQ(batch->target_count(), 12);
  EXPECT_EQ(batch->target_size(), 15);
  EXPECT_EQ(batch->baseline_count(), 9);
  EXPECT_EQ(batch->baseline_size(), 45);
  // The lift with half a count added to each share (analysis/rootcause).
  EXPECT_NEAR(batch->lift(), (12.5 / 16) / (9.5 / 46), 1e-9);
  EXPECT_LE(batch->q_value(), 0.05);
  ASSERT_GT(batch->example_feedback_ids_size(), 0);
  for (const auto& id : batch->example_feedback_ids()) {
    EXPECT_TRUE(squeals.count(id)) << id;
    EXPECT_TRUE(InBatch(customer_of[id])) << id;
  }
  const std::string top = found.findings(0).attribute();
  EXPECT_TRUE(top == "vehicle.production_batch" || top == "vehicle.brake_pad_supplier") << top;

  // The squeal's topic as triage filed it: the campaign's issue, and what
  // "has not complained yet" is about.
  const v1::TriageResult& squeal_result = results[*squeals.begin()];
  ASSERT_GT(squeal_result.topics_size(), 0) << squeal_result.DebugString();
  const std::string topic = squeal_result.topics(0).topic();
  // Independently of voc-entities: the batch's owners without a complaint
  // on the topic.
  std::set<int> complained;
  for (const auto& [id, r] : results) {
    if (Names(r, topic, /*mentions=*/false)) complained.insert(customer_of[id]);
  }
  std::set<std::string> remaining;
  for (int i = 0; i < kCustomers; ++i) {
    if (InBatch(i) && !complained.count(i)) remaining.insert(Customer(i));
  }
  ASSERT_GE(complained.size(), 12u);

  // The segment, previewed and saved by an analyst through the gateway.
  auto& outreach = stack_->outreach_for_people();
  v1::SegmentQuery query;
  query.set_entity("vehicle");
  v1::SegmentCondition* where = query.add_where();
  where->set_attribute("production_batch");
  where->set_op("eq");
  where->add_values("B-2026-07");
  query.set_not_complained_topic(topic);
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");
    v1::PreviewSegmentRequest request;
    *request.mutable_query() = query;
    request.set_sample_size(100);
    v1::SegmentPreview preview;
    const grpc::Status status = outreach.PreviewSegment(&context, request, &preview);
    ASSERT_TRUE(status.ok()) << status.error_message() << "; logs in " << stack_->log_dir();
    EXPECT_EQ(preview.rows_matched(), kCustomers / 5);
    EXPECT_EQ(preview.size(), static_cast<std::int64_t>(remaining.size()));
    EXPECT_EQ(preview.excluded_complained(), static_cast<std::int64_t>(kCustomers / 5 - remaining.size()));
    EXPECT_EQ(std::set<std::string>(preview.sample().begin(), preview.sample().end()), remaining);
  }
  v1::Segment segment;
  {
    grpc::ClientContext context;
    testing::ActFor(context, "p-emily-carter");
    v1::CreateSegmentRequest request;
    request.set_display_name("B-2026-07 owners who have not complained");
    *request.mutable_query() = query;
    ASSERT_TRUE(outreach.CreateSegment(&context, request, &segment).ok());
  }

  // The campaign: drafted and submitted by the analyst, approved by the
  // department's head (Michael Brown), run.
  v1::Campaign draft;
  draft.set_display_name("E7 brake squeal: free pad replacement");
  draft.set_department("product_quality");
  draft.mutable_issue()->set_kind("finding");
  draft.mutable_issue()->set_id("vehicle.production_batch=B-2026-07");
  draft.mutable_issue()->set_topic(topic);
  draft.set_segment_id(segment.id());
  draft.mutable_message()->set_subject_zh("星辰 E7 刹车片免费更换");
  draft.mutable_message()->set_body_zh("尊敬的客户 {customer_id}：您的车辆可免费更换刹车片。");
  draft.mutable_message()->set_subject_en("Xingchen E7: free brake pad replacement");
  draft.mutable_message()->set_body_en("Dear {customer_id}, your car's brake pads will be replaced free of charge.");
  draft.set_channel("email");
  draft.set_holdout_share(0.2);
  v1::Campaign campaign;
  auto act = [&](const std::string& person, auto call) {
    grpc::ClientContext context;
    testing::ActFor(context, person);
    return call(context);
  };
  grpc::Status status = act("p-emily-carter", [&](grpc::ClientContext& c) {
    v1::CreateCampaignRequest request;
    *request.mutable_campaign() = draft;
    return outreach.CreateCampaign(&c, request, &campaign);
  });
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::CampaignActionRequest action;
  action.set_id(campaign.id());
  status = act("p-emily-carter", [&](grpc::ClientContext& c) { return outreach.SubmitCampaign(&c, action, &campaign); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = act("p-michael-brown", [&](grpc::ClientContext& c) { return outreach.ApproveCampaign(&c, action, &campaign); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(campaign.state(), v1::CAMPAIGN_STATE_APPROVED);
  v1::RunCampaignRequest run;
  run.set_id(campaign.id());
  status = act("p-michael-brown", [&](grpc::ClientContext& c) { return outreach.RunCampaign(&c, run, &campaign); });
  ASSERT_TRUE(status.ok()) << status.error_message() << "; logs in " << stack_->log_dir();
  EXPECT_EQ(campaign.state(), v1::CAMPAIGN_STATE_SENT);
  EXPECT_EQ(campaign.counts().sent() + campaign.counts().held_out(), static_cast<std::int64_t>(remaining.size()));
  EXPECT_GT(campaign.counts().sent(), 0);
  EXPECT_TRUE(campaign.counts().suppressed().empty());
  EXPECT_EQ(campaign.counts().deferred_quiet_hours(), 0);

  // voc-notify delivers one mail to each contacted owner, none to anyone else.
  auto customer_mails = [&] {
    std::map<std::string, std::vector<json>> by;
    for (int i = 0; i < kCustomers; ++i) {
      auto mails = MailsTo(Email(i));
      if (!mails.empty()) by[Customer(i)] = mails;
    }
    return by;
  };
  const auto sent = static_cast<std::size_t>(campaign.counts().sent());
  ASSERT_TRUE(Stack::WaitFor([&] { return customer_mails().size() >= sent; }, std::chrono::seconds(60)))
      << customer_mails().size() << " of " << sent << " mails; logs in " << stack_->log_dir();
  // A second run sends nothing more.
  status = act("p-michael-brown", [&](grpc::ClientContext& c) { return outreach.RunCampaign(&c, run, &campaign); });
  EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  // What would arrive twice (a second run's message, a redelivery) has
  // three seconds to: voc-notify delivers every 100 ms here.
  Stack::WaitFor([&] { return false; }, std::chrono::seconds(3));
  const auto by_customer = customer_mails();
  EXPECT_EQ(by_customer.size(), sent);
  for (const auto& [customer, mails] : by_customer) {
    EXPECT_TRUE(remaining.count(customer)) << customer << " got a mail it should not have";
    EXPECT_EQ(mails.size(), 1u) << customer;
    const int i = std::stoi(customer.substr(2));
    const std::string subject = mails[0]["subject"].get<std::string>();
    EXPECT_EQ(subject, i % 2 ? "Xingchen E7: free brake pad replacement" : "星辰 E7 刹车片免费更换") << customer;
    EXPECT_NE(mails[0]["text"].get<std::string>().find(customer), std::string::npos) << mails[0]["text"];
  }
}

TEST_F(EntitiesStackTest, GrpcCustomerFeedbackReadsWhoComplainedFromTheRealIngestAndTriage) {
  StartStack(/*with_mail=*/false);
  // c-001: a squeal first, then 100 other feedback, so the squeal is on
  // voc-ingest's second page (newest first, 100 a page). c-002: other
  // complaints only. c-003: nothing.
  const std::string squeal = Submit(Complaint("cf-sq", kSqueal, 1));
  std::vector<std::string> ids = {squeal};
  stack_->AdvanceClock(std::chrono::seconds(60));  // received a minute before the others
  v1::BatchSubmitFeedbackRequest batch;
  for (int k = 0; k < 100; ++k) {
    *batch.add_feedbacks() = Complaint("cf-1-" + std::to_string(k), kOtherComplaints[k % 3], 1);
  }
  for (int k = 0; k < 3; ++k) *batch.add_feedbacks() = Complaint("cf-2-" + std::to_string(k), kOtherComplaints[k], 2);
  {
    grpc::ClientContext context;
    v1::BatchSubmitFeedbackResponse response;
    const grpc::Status status = stack_->ingest().BatchSubmitFeedback(&context, batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : response.results()) ids.push_back(r.feedback().id());
  }
  ASSERT_EQ(ids.size(), 104u);
  std::map<std::string, v1::TriageResult> results;
  for (const std::string& id : ids) {
    const auto result = TriageResultOf(id);
    ASSERT_TRUE(result.has_value()) << id << " not triaged; logs in " << stack_->log_dir();
    results[id] = *result;
  }
  ASSERT_GT(results[squeal].topics_size(), 0) << results[squeal].DebugString();
  const std::string topic = results[squeal].topics(0).topic();
  // Independently: what each customer wrote on the topic.
  std::map<std::string, entities::outreach::TopicOutcome> expected;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const v1::TriageResult& r = results[ids[k]];
    const std::string customer = Customer(k <= 100 ? 1 : 2);
    if (Names(r, topic, false)) expected[customer].complained = true;
    if (Names(r, topic, true)) expected[customer].contacted_us = true;
  }
  ASSERT_TRUE(expected[Customer(1)].complained);

  // As voc-entities calls: its own principal (feedback:read).
  entities::outreach::GrpcCustomerFeedback feedback(stack_->ChannelAs("ingest", "entities"),
                                                    stack_->ChannelAs("triage", "entities"));
  const TimePoint now = stack_->Now();
  const std::vector<std::string> customers = {Customer(1), Customer(2), Customer(3)};
  const auto got = feedback.Outcomes(customers, topic, now - std::chrono::hours(1), now + std::chrono::hours(1));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->count(Customer(3)), 0u);
  EXPECT_EQ(got->size(), expected.size());
  for (const auto& [customer, outcome] : expected) {
    ASSERT_TRUE(got->count(customer)) << customer;
    EXPECT_EQ(got->at(customer).complained, outcome.complained) << customer;
    EXPECT_EQ(got->at(customer).contacted_us, outcome.contacted_us) << customer;
  }
  // A window that ends before the feedback occurred: nobody.
  const auto before = feedback.Outcomes(customers, topic, now - std::chrono::hours(2), now - std::chrono::hours(1));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(before->empty());
  // A principal without feedback:read is refused by voc-ingest, and says so.
  entities::outreach::GrpcCustomerFeedback unread(stack_->ChannelAs("ingest", "notify"),
                                                  stack_->ChannelAs("triage", "notify"));
  const auto refused = unread.Outcomes(customers, topic, now - std::chrono::hours(1), now + std::chrono::hours(1));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
}

}  // namespace
}  // namespace voc::e2e
