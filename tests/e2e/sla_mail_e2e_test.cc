// Issue 11, end to end with the dev clock: "a complaint case opened on
// Friday at 17:00 with an 8-business-hour first-response target breaches at
// the right working-hours moment on the next working day, not at 01:00 on
// Saturday; warnings and each escalation level fire once, and the mails
// arrive at the test's SMTP server."
//
// Every service is its own process (tests/e2e/stack.h) with voc-notify
// delivering to an SMTP server this test starts (Debian's python3-aiosmtpd)
// on a free loopback port. The dev clock can only move forward, so the test
// advances it from now to the next Friday 17:00 Beijing time whose weekend
// has no working day (调休) and whose Monday is a working day in the shipped
// holiday files; the shipped `complaint` policy (cn-office calendar, 09:00-
// 12:00 and 13:00-18:00) gives a product-quality complaint from a review an
// 8-hour first response. After each advance the test runs a sweep (SweepSla)
// so "not yet" is an assertion, not a race.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "common/sla/local_zone.h"
#include "common/sla/sla_policy.h"
#include "common/util/time.h"
#include "tests/e2e/stack.h"
#include "tests/support/smtp_catcher.h"

namespace voc::e2e {
namespace {

using nlohmann::json;

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;

// The mail's lines end in CRLF on the wire; the expectations in LF.
std::string WithLf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class SlaMailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_ = std::make_unique<testing::SmtpCatcher>(dir_.path());
    ASSERT_TRUE(smtp_->Started()) << smtp_->Log();
    StackOptions options;
    options.smtp_url = smtp_->url();
    // The digest test turns the daily overdue digest on at 08:30.
    if (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()).find("Digest") !=
        std::string::npos) {
      options.overdue_digest_at = "08:30";
    }
    stack_ = std::make_unique<Stack>(options);
    policies_ = sla::LoadSlaPolicies("config/sla_policies.yaml").value();
    office_ = policies_->FindCalendar("cn-office");
    ASSERT_NE(office_, nullptr);
  }

  void TearDown() override {
    stack_.reset();
    smtp_.reset();
  }

  std::int64_t NowMs() { return ToMillis(stack_->Now()); }

  // Moves the whole stack's clock to just after `target_ms` (the clock runs
  // on in real time, so it lands up to a second or two later) and sweeps.
  void AdvanceTo(std::int64_t target_ms) {
    const std::int64_t by_ms = target_ms - NowMs();
    if (by_ms > 0) stack_->AdvanceClock(std::chrono::seconds(by_ms / 1000 + 1));
    Sweep();
  }

  void Sweep() {
    grpc::ClientContext context;
    v1::SweepSlaResponse response;
    const grpc::Status status = stack_->tracking().SweepSla(&context, {}, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::Case GetCase(const std::string& name) {
    grpc::ClientContext context;
    v1::GetCaseRequest request;
    request.set_name(name);
    v1::Case c;
    const grpc::Status status = stack_->tracking().GetCase(&context, request, &c);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return c;
  }

  // The first-response points fired so far, by history action.
  std::map<std::string, int> FirstResponsePoints(const std::string& name) {
    std::map<std::string, int> out;
    const v1::Case c = GetCase(name);
    for (const auto& h : c.history()) {
      const bool sla_point = h.action() == "sla_warning" || h.action() == "overdue" || h.action() == "escalated";
      if (sla_point && Contains(h.detail(), "first response")) ++out[h.action()];
    }
    return out;
  }

  // A product-quality complaint from a review (the shipped routing: owner
  // the department's head, Michael Brown, who reads English); the case as
  // GetCase shows it, or an empty case when none came.
  v1::Case SubmitQualityComplaint(const std::string& external_id) {
    v1::SubmitFeedbackRequest submit;
    v1::Feedback* f = submit.mutable_feedback();
    f->set_channel(v1::CHANNEL_REVIEW);
    f->set_external_id(external_id);
    f->set_text("衣服洗了一次就褪色，质量太差了，很失望");
    v1::SubmitFeedbackResponse submitted;
    {
      grpc::ClientContext context;
      const grpc::Status status = stack_->ingest().SubmitFeedback(&context, submit, &submitted);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    v1::Case c;
    Stack::WaitFor([&] {
      grpc::ClientContext context;
      v1::ListCasesRequest request;
      request.set_feedback_id(submitted.feedback().id());
      v1::ListCasesResponse response;
      if (!stack_->tracking().ListCases(&context, request, &response).ok()) return false;
      for (const auto& found : response.cases()) {
        if (found.kind() == v1::CASE_KIND_COMPLAINT) c = found;
      }
      return !c.name().empty();
    });
    return c.name().empty() ? c : GetCase(c.name());
  }

  std::vector<json> Mails() { return smtp_->Mails(); }

  // The next local Friday (Asia/Shanghai) whose 17:00 is at least a minute
  // away and from which 8 working hours end on Monday at 17:00: 17:00-18:00
  // on Friday, nothing on Saturday and Sunday (no 调休 working day), and
  // 09:00-12:00, 13:00-17:00 on a working Monday.
  sla::DayNumber NextUsableFriday(const sla::LocalZone& zone) {
    const std::int64_t now = NowMs();
    for (sla::DayNumber d = zone.LocalDay(now); d < zone.LocalDay(now) + 366; ++d) {
      if (sla::WeekdayMondayZero(d) != 4) continue;
      const sla::TimeMs friday_17 = zone.AtLocal(d, 17 * 60);
      if (friday_17 < now + kMinuteMs) continue;
      if (office_->Between(zone.AtLocal(d + 1, 0), zone.AtLocal(d + 3, 0)) != 0) continue;
      if (office_->Add(friday_17, 8 * kHourMs) != zone.AtLocal(d + 3, 17 * 60)) continue;
      return d;
    }
    return 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::SmtpCatcher> smtp_;
  std::unique_ptr<Stack> stack_;
  std::shared_ptr<const sla::SlaPolicies> policies_;
  const sla::BusinessCalendar* office_ = nullptr;
};

TEST_F(SlaMailTest, AFridayEveningComplaintBreachesOnMondayAfternoonAndEachMailArrivesOnce) {
  const sla::LocalZone zone = sla::LocalZone::Make("Asia/Shanghai").value();
  const sla::DayNumber friday = NextUsableFriday(zone);
  ASSERT_NE(friday, 0) << "no usable Friday within a year of the holiday files";
  const sla::DayNumber monday = friday + 3;
  auto at = [&](sla::DayNumber day, int hour, int minute) { return zone.AtLocal(day, hour * 60 + minute); };

  // Friday 17:00: a product-quality complaint arrives as a review.
  AdvanceTo(at(friday, 17, 0));
  v1::Case c = SubmitQualityComplaint("rev-sla-mail-1");
  ASSERT_FALSE(c.name().empty()) << "no complaint case; logs in " << stack_->log_dir();
  const std::string id = c.name().substr(std::string("cases/").size());
  ASSERT_GT(c.owners_size(), 0);
  ASSERT_EQ(c.owners(0).department(), "product_quality");
  ASSERT_EQ(c.owners(0).person(), "p-michael-brown");
  ASSERT_EQ(c.first_response().policy_id(), "complaint") << "priority " << v1::Priority_Name(c.priority());
  ASSERT_EQ(c.first_response().calendar_id(), "cn-office");
  const std::int64_t opened = ProtoToMillis(c.create_time());
  ASSERT_LT(opened, at(friday, 17, 2)) << "the case must open in Friday's last working hour";
  // Due on Monday at 17:00 (plus the seconds after 17:00 it opened).
  const std::int64_t due = ProtoToMillis(c.first_response().due_time());
  EXPECT_GE(due, at(monday, 17, 0));
  EXPECT_LT(due, at(monday, 17, 2));

  // Saturday 01:00 (8 wall-clock hours later): nothing; nor up to Monday 14:59.
  AdvanceTo(at(friday + 1, 1, 0));
  EXPECT_TRUE(FirstResponsePoints(c.name()).empty());
  EXPECT_FALSE(GetCase(c.name()).first_response().breached());
  AdvanceTo(at(monday, 14, 59));
  EXPECT_TRUE(FirstResponsePoints(c.name()).empty());

  // Monday 15:00: 6 of 8 hours used, both warnings (75 % and 2 h before).
  AdvanceTo(at(monday, 15, 2));
  EXPECT_EQ(FirstResponsePoints(c.name())["sla_warning"], 2);
  AdvanceTo(at(monday, 16, 59));
  EXPECT_EQ(FirstResponsePoints(c.name())["overdue"], 0) << "not before Monday 17:00";

  // Monday 17:00: the breach and level 1 (the owner's manager).
  AdvanceTo(at(monday, 17, 2));
  auto points = FirstResponsePoints(c.name());
  EXPECT_EQ(points["overdue"], 1);
  EXPECT_EQ(points["escalated"], 1);
  EXPECT_TRUE(GetCase(c.name()).first_response().breached());

  // Level 2 four working hours later: Monday 17-18, Tuesday 09-12, and the
  // last seconds after lunch, Tuesday 13:00.
  AdvanceTo(at(monday + 1, 12, 59));
  EXPECT_EQ(FirstResponsePoints(c.name())["escalated"], 1);
  AdvanceTo(at(monday + 1, 13, 2));
  EXPECT_EQ(FirstResponsePoints(c.name())["escalated"], 2);
  // Level 3 sixteen working hours after the breach: Wednesday 17:00.
  AdvanceTo(at(monday + 2, 16, 59));
  EXPECT_EQ(FirstResponsePoints(c.name())["escalated"], 2);
  AdvanceTo(at(monday + 2, 17, 2));
  AdvanceTo(at(monday + 2, 17, 30));
  Sweep();
  points = FirstResponsePoints(c.name());
  EXPECT_EQ(points["sla_warning"], 2);
  EXPECT_EQ(points["overdue"], 1);
  EXPECT_EQ(points["escalated"], 3);

  // The mails: the owner (English) the warnings and the breach; level 1 his
  // manager 孙立, level 2 her manager 陈建国, level 3 赵敏 by the policy and
  // 陈建国 again by the subscriptions (each in Chinese).
  ASSERT_TRUE(Stack::WaitFor([&] { return Mails().size() >= 7; }, std::chrono::seconds(60)))
      << Mails().size() << " mails; logs in " << stack_->log_dir();
  std::map<std::string, std::vector<json>> by_rcpt;
  for (const json& mail : Mails()) {
    for (const auto& rcpt : mail["rcpt_tos"]) by_rcpt[rcpt.get<std::string>()].push_back(mail);
  }
  EXPECT_EQ(Mails().size(), 7u);
  auto subjects = [&](const std::string& rcpt) {
    std::multiset<std::string> out;
    for (const json& m : by_rcpt[rcpt]) out.insert(m["subject"].get<std::string>());
    return out;
  };
  const std::string warning_en = "[SLA warning] The first response target of case " + id + " is near";
  const std::string breach_en = "[SLA breach] Case " + id + " missed its first response target";
  EXPECT_EQ(subjects("michael.brown@example.com"), (std::multiset<std::string>{warning_en, warning_en, breach_en}));
  EXPECT_EQ(subjects("sun.li@example.com"), (std::multiset<std::string>{"【第 1 级升级】工单 " + id + " 已超时"}));
  EXPECT_EQ(subjects("chen.jianguo@example.com"),
            (std::multiset<std::string>{"【第 2 级升级】工单 " + id + " 已超时", "【第 3 级升级】工单 " + id + " 已超时"}));
  EXPECT_EQ(subjects("zhao.min@example.com"), (std::multiset<std::string>{"【第 3 级升级】工单 " + id + " 已超时"}));

  const std::string link = "http://voc.test/#case=" + id;
  for (const json& m : by_rcpt["michael.brown@example.com"]) {
    const std::string text = WithLf(m["text"].get<std::string>());
    EXPECT_TRUE(Contains(text, "Hello Michael Brown,")) << text;
    EXPECT_TRUE(Contains(text, "Owner: Michael Brown")) << text;
    EXPECT_TRUE(Contains(text, link)) << text;
    if (m["subject"] == breach_en) {
      EXPECT_TRUE(Contains(text, "case " + id + " (" + c.title() + ") missed its first response target at "))
          << text;
      EXPECT_TRUE(Contains(text, "Owner: Michael Brown (Product Quality).")) << text;
    }
  }
  ASSERT_EQ(by_rcpt["sun.li@example.com"].size(), 1u);
  const std::string level1 = WithLf(by_rcpt["sun.li@example.com"][0]["text"].get<std::string>());
  EXPECT_TRUE(Contains(level1, "孙立，您好：\n工单 " + id + "（" + c.title() + "）的首次响应时限已超时，现升级至第 1 级由您跟进。"
                                                                                   "负责人：Michael Brown（产品质量部）。"))
      << level1;
  EXPECT_TRUE(Contains(level1, "查看工单: " + link)) << level1;
  for (const json& m : by_rcpt["chen.jianguo@example.com"]) {
    EXPECT_TRUE(Contains(m["text"].get<std::string>(), "陈建国，您好：")) << m["text"];
  }
}

// The daily overdue digest through the real voc-tracking (its PeriodicWorker
// on the dev clock) and voc-notify: at the first 08:30 Beijing time after a
// complaint fell overdue, its department's head gets one digest mail in his
// language listing it; no other head gets one (nothing of theirs is overdue).
TEST_F(SlaMailTest, TheOverdueDigestReachesTheDepartmentHeadOnceAtHalfPastEight) {
  const sla::LocalZone zone = sla::LocalZone::Make("Asia/Shanghai").value();
  const v1::Case c = SubmitQualityComplaint("rev-digest-1");
  ASSERT_FALSE(c.name().empty()) << "no complaint case; logs in " << stack_->log_dir();
  const std::string id = c.name().substr(std::string("cases/").size());
  const std::int64_t due = ProtoToMillis(c.due_time());
  // The first 08:30 after the due moment, and a while after it.
  sla::DayNumber day = zone.LocalDay(due);
  if (zone.AtLocal(day, 510) <= due) ++day;
  AdvanceTo(zone.AtLocal(day, 510) - 60'000);
  auto digests = [&] {
    std::vector<json> out;
    for (const json& m : Mails()) {
      const std::string subject = m["subject"].get<std::string>();
      if (Contains(subject, "overdue digest") || Contains(subject, "逾期汇总")) out.push_back(m);
    }
    return out;
  };
  EXPECT_TRUE(digests().empty()) << "not before 08:30";
  AdvanceTo(zone.AtLocal(day, 510) + 60'000);
  ASSERT_TRUE(Stack::WaitFor([&] { return !digests().empty(); }, std::chrono::seconds(30)))
      << "no digest mail; logs in " << stack_->log_dir();
  AdvanceTo(zone.AtLocal(day, 17 * 60));  // later the same day: no second one
  Stack::WaitFor([&] { return digests().size() > 1; }, std::chrono::seconds(2));
  const std::vector<json> got = digests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["rcpt_tos"], json::array({"michael.brown@example.com"}));
  EXPECT_EQ(got[0]["subject"], "[Daily overdue digest] Product Quality has 1 overdue case");
  const std::string text = WithLf(got[0]["text"].get<std::string>());
  EXPECT_TRUE(Contains(text, "Hello Michael Brown,\nProduct Quality has 1 overdue case; the 1 due longest ago:\n"
                             "1. [P3 · complaint] " + c.title() + " (case " + id + "), due "))
      << text;
  EXPECT_TRUE(Contains(text, "owner: Michael Brown (Product Quality)\n   Open: http://voc.test/#case=" + id))
      << text;
}

}  // namespace
}  // namespace voc::e2e
