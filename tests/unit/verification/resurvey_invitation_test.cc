// The +90-day re-survey actually sent (issue 11): the invitation through the
// Notifier with a unique token and survey link, retried while the notifier
// refuses it and failed after too many tries; voc-notify's delivery outcomes;
// the answer that carries the token linked to the callback case; the counts.
// SQLite in a temp dir, a fake clock, a recording notifier (the outside edge).
#include <gtest/gtest.h>

#include <mutex>
#include <regex>

#include "common/util/time.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"

namespace voc::verification {
namespace {

using std::chrono::hours;
constexpr auto kDay = hours(24);

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

class NoCounts final : public ComplaintCounter {
 public:
  absl::StatusOr<Counts> Count(TimePoint, TimePoint, const std::string&) override { return Counts{}; }
};
class NoReopens final : public ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override { return absl::OkStatus(); }
};

class RecordingNotifier final : public Notifier {
 public:
  bool Send(const Notification& n) override {
    std::lock_guard lock(mu);
    sent.push_back(n);
    return accept;
  }
  std::mutex mu;
  bool accept = true;
  std::vector<Notification> sent;
};

class ResurveyInvitationTest : public ::testing::Test {
 protected:
  ResurveyInvitationTest()
      : clock_(At("2026-03-01T00:00:00Z")),
        db_(storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value()),
        store_(*db_) {
    EXPECT_EQ(db_->Migrate("verification", Migrations()).value(), Migrations().back().version);
    settings_.resurvey_survey_url = "https://survey.example.cn/nps?t={token}&lang=zh";
    settings_.resurvey_invite_max_attempts = 3;
    service_ = std::make_unique<VerificationService>(clock_, store_, counter_, reopener_, settings_, &notifier_);
    consumer_ = std::make_unique<VerificationConsumer>(*service_);
  }

  // A detractor (score `nps`) of customer `customer` whose callback `case_id`
  // is resolved now.
  void RecoveredDetractor(const std::string& case_id, const std::string& customer, int nps,
                          const std::string& email = "") {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id("f-" + case_id);
    t.mutable_feedback()->set_nps(nps);
    t.mutable_feedback()->mutable_customer()->set_id(customer);
    if (!email.empty()) (*t.mutable_feedback()->mutable_attributes())["customer_email"] = email;
    *t.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now() - kDay);
    ASSERT_TRUE(service_->OnTriaged(t).ok());
    v1::Case c;
    c.set_name("cases/" + case_id);
    c.set_id(case_id);
    c.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    c.set_feedback_id("f-" + case_id);
    c.set_customer_id(customer);
    c.set_state(v1::CASE_STATE_RESOLVED);
    *c.mutable_update_time() = ToProto(clock_.Now());
    ASSERT_TRUE(service_->OnCaseResolved(c).ok());
  }

  v1::TriagedFeedback Answer(const std::string& id, int nps, const std::string& customer, const std::string& token) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_nps(nps);
    t.mutable_feedback()->mutable_customer()->set_id(customer);
    if (!token.empty()) (*t.mutable_feedback()->mutable_attributes())[kResurveyTokenAttribute] = token;
    *t.mutable_feedback()->mutable_occurred_time() = ToProto(clock_.Now());
    return t;
  }

  v1::Resurvey OfCase(const std::string& case_id) {
    const std::vector<v1::Resurvey> all = store_.ListResurveys("", 0, 100).value();
    for (const auto& r : all)
      if (r.case_name() == "cases/" + case_id) return r;
    ADD_FAILURE() << "no re-survey for " << case_id;
    return {};
  }

  const Notification* SentFor(const std::string& case_id) {
    for (const auto& n : notifier_.sent)
      if (n.case_id == case_id) return &n;
    return nullptr;
  }

  queue::StreamMessage Outcome(const std::string& request_id, const std::string& state,
                               const std::string& event = "resurvey") {
    return {"1-0", {{"event", event}, {"request_id", request_id}, {"state", state}, {"last_error", "550 mailbox unavailable"}}};
  }

  v1::ResurveySummary Summary() { return service_->GetResurveySummary({}).value(); }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  VerificationStore store_;
  NoCounts counter_;
  NoReopens reopener_;
  RecordingNotifier notifier_;
  VerificationSettings settings_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationConsumer> consumer_;
};

TEST_F(ResurveyInvitationTest, DueResurveyIsInvitedOnceWithAUniqueTokenAndLink) {
  RecoveredDetractor("k1", "c-1", 3, "li.na@example.cn");
  RecoveredDetractor("k2", "c-2", 5);

  clock_.Advance(89 * kDay);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_TRUE(notifier_.sent.empty()) << "not before the +90-day date";
  EXPECT_EQ(OfCase("k1").invitation_state(), v1::RESURVEY_INVITATION_STATE_NOT_SENT);

  clock_.Advance(kDay);
  const TimePoint sent_at = clock_.Now();
  auto run = service_->RunDueChecks();
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->invitations_sent, 2);
  ASSERT_EQ(notifier_.sent.size(), 2u);
  const Notification* n = SentFor("k1");
  ASSERT_NE(n, nullptr);
  const v1::Resurvey r = OfCase("k1");
  EXPECT_EQ(n->kind, "resurvey");
  EXPECT_EQ(n->id, "resurvey:" + r.id());
  const std::string token = n->params.at("token");
  EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{32}"))) << token;
  EXPECT_EQ(n->params.at("survey_link"), "https://survey.example.cn/nps?t=" + token + "&lang=zh");
  EXPECT_EQ(n->params.at("customer_email"), "li.na@example.cn");
  EXPECT_EQ(n->params.at("customer_id"), "c-1");
  EXPECT_EQ(n->params.at("case"), "cases/k1");
  EXPECT_EQ(n->params.at("original_nps"), "3");
  EXPECT_NE(n->body.find(n->params.at("survey_link")), std::string::npos);
  EXPECT_EQ(SentFor("k2")->params.count("customer_email"), 0u) << "no address known";
  EXPECT_NE(SentFor("k2")->params.at("token"), token) << "each re-survey has its own token";

  EXPECT_EQ(r.invitation_state(), v1::RESURVEY_INVITATION_STATE_SENT);
  EXPECT_EQ(FromProto(r.invitation_time()), sent_at);
  EXPECT_EQ(r.invitation_id(), n->id);

  clock_.Advance(hours(1));
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_EQ(notifier_.sent.size(), 2u) << "sent once";
  const auto summary = Summary();
  EXPECT_EQ(summary.due(), 2);
  EXPECT_EQ(summary.invitations_sent(), 2);
  EXPECT_EQ(summary.invitations_pending(), 0);
}

TEST_F(ResurveyInvitationTest, AnswerCarryingTheTokenIsLinkedToItsCase) {
  RecoveredDetractor("k1", "c-1", 3);
  RecoveredDetractor("k2", "c-1", 4);  // the same customer, a second callback
  clock_.Advance(90 * kDay);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  const std::string token_k2 = SentFor("k2")->params.at("token");

  // The survey tool answers through ingest without knowing the customer id.
  clock_.Advance(3 * kDay);
  const TimePoint answered_at = clock_.Now();
  ASSERT_TRUE(service_->OnTriaged(Answer("f-answer", 9, "", token_k2)).ok());
  ASSERT_TRUE(service_->OnTriaged(Answer("f-answer", 9, "", token_k2)).ok());  // redelivered

  const v1::Resurvey k2 = OfCase("k2");
  EXPECT_EQ(k2.state(), v1::RESURVEY_STATE_ANSWERED);
  EXPECT_EQ(k2.new_nps(), 9);
  EXPECT_EQ(k2.nps_change(), 5);
  EXPECT_EQ(k2.new_feedback_id(), "f-answer");
  EXPECT_EQ(k2.answered_via(), "token");
  EXPECT_EQ(FromProto(k2.answer_time()), answered_at);
  EXPECT_EQ(OfCase("k1").state(), v1::RESURVEY_STATE_DUE) << "the token answers its own re-survey only";

  // A later answer with the same token changes nothing: the first one counts.
  ASSERT_TRUE(service_->OnTriaged(Answer("f-again", 0, "c-1", token_k2)).ok());
  EXPECT_EQ(OfCase("k2").new_nps(), 9);
  EXPECT_EQ(OfCase("k1").state(), v1::RESURVEY_STATE_DUE) << "nor does it answer the other by customer";

  const auto summary = Summary();
  EXPECT_EQ(summary.answered(), 1);
  EXPECT_EQ(summary.answered_by_token(), 1);
  EXPECT_DOUBLE_EQ(summary.mean_nps_change(), 5.0);
}

TEST_F(ResurveyInvitationTest, UnknownTokenIsOrdinaryFeedback) {
  RecoveredDetractor("k1", "c-1", 3);
  clock_.Advance(90 * kDay);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  ASSERT_TRUE(service_->OnTriaged(Answer("f-forged", 10, "", "0123456789abcdef0123456789abcdef")).ok());
  EXPECT_EQ(OfCase("k1").state(), v1::RESURVEY_STATE_DUE);
  // With the customer's id it still answers as before (their next NPS).
  ASSERT_TRUE(service_->OnTriaged(Answer("f-next", 7, "c-1", "not-a-token")).ok());
  EXPECT_EQ(OfCase("k1").state(), v1::RESURVEY_STATE_ANSWERED);
  EXPECT_EQ(OfCase("k1").answered_via(), "customer");
}

TEST_F(ResurveyInvitationTest, RefusedInvitationIsRetriedThenFailed) {
  RecoveredDetractor("k1", "c-1", 3);
  clock_.Advance(90 * kDay);
  notifier_.accept = false;
  ASSERT_EQ(service_->RunDueChecks()->invitations_failed, 0);
  ASSERT_EQ(service_->RunDueChecks()->invitations_failed, 0);
  EXPECT_EQ(OfCase("k1").invitation_state(), v1::RESURVEY_INVITATION_STATE_NOT_SENT);
  EXPECT_EQ(notifier_.sent.size(), 2u);
  const std::string token = notifier_.sent[0].params.at("token");
  EXPECT_EQ(notifier_.sent[1].params.at("token"), token) << "a retry sends the same link";
  EXPECT_EQ(notifier_.sent[1].id, notifier_.sent[0].id) << "and the same id";

  EXPECT_EQ(service_->RunDueChecks()->invitations_failed, 1);  // the third refusal
  const v1::Resurvey r = OfCase("k1");
  EXPECT_EQ(r.invitation_state(), v1::RESURVEY_INVITATION_STATE_FAILED);
  EXPECT_NE(r.invitation_error().find("refused"), std::string::npos);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_EQ(notifier_.sent.size(), 3u) << "given up";
  const auto summary = Summary();
  EXPECT_EQ(summary.invitations_failed(), 1);
  EXPECT_EQ(summary.invitations_sent(), 0);
}

TEST_F(ResurveyInvitationTest, DeliveryOutcomesFromNotify) {
  RecoveredDetractor("k1", "c-1", 3);
  RecoveredDetractor("k2", "c-2", 3);
  RecoveredDetractor("k3", "c-3", 3);
  clock_.Advance(90 * kDay);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  const std::string k1 = SentFor("k1")->id, k2 = SentFor("k2")->id, k3 = SentFor("k3")->id;

  // k1: e-mail delivered, the webhook failed: delivered wins, in either order.
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k1, "failed")).ok());
  EXPECT_EQ(OfCase("k1").invitation_state(), v1::RESURVEY_INVITATION_STATE_FAILED);
  EXPECT_EQ(OfCase("k1").invitation_error(), "550 mailbox unavailable");
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k1, "delivered")).ok());
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k1, "failed")).ok());
  EXPECT_EQ(OfCase("k1").invitation_state(), v1::RESURVEY_INVITATION_STATE_DELIVERED);
  EXPECT_EQ(OfCase("k1").invitation_error(), "");
  // k2: delivered, and the outcome redelivered.
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k2, "delivered")).ok());
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k2, "delivered")).ok());
  // k3: voc-notify gave up.
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome(k3, "failed")).ok());

  // Not ours, unknown, malformed.
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome("sla:case-1:resolution:breach", "failed", "sla_breach")).ok());
  EXPECT_TRUE(consumer_->HandleNotifyOutcome(Outcome("resurvey:no-such", "failed")).ok());
  EXPECT_EQ(consumer_->HandleNotifyOutcome(Outcome("k1", "failed")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consumer_->HandleNotifyOutcome(Outcome(k1, "lost")).code(), absl::StatusCode::kInvalidArgument);

  const auto summary = Summary();
  EXPECT_EQ(summary.invitations_sent(), 3);
  EXPECT_EQ(summary.invitations_delivered(), 2);
  EXPECT_EQ(summary.invitations_failed(), 1);
  EXPECT_EQ(summary.due(), 3);
  EXPECT_EQ(summary.scheduled(), 0);
}

TEST_F(ResurveyInvitationTest, WithoutANotifierNothingIsSent) {
  VerificationService quiet(clock_, store_, counter_, reopener_, settings_);
  RecoveredDetractor("k1", "c-1", 3);
  clock_.Advance(91 * kDay);
  auto run = quiet.RunDueChecks();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->resurveys_due, 1);
  EXPECT_EQ(run->invitations_sent, 0);
  EXPECT_TRUE(notifier_.sent.empty());
  EXPECT_EQ(Summary().invitations_pending(), 1);
}

}  // namespace
}  // namespace voc::verification
