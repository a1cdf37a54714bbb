// Outreach verdicts in verification (issue 13): the digest's "proactive
// outreach" section in both languages, the knowledge entry a verdict
// becomes, the checks on a delivered verdict, the composer's scopes, and
// the service storing a verdict once (a real SQLite store) so that
// SearchKnowledge finds it by topic and by words, de-identified.
#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/verification/digest/digest_composer.h"
#include "services/verification/digest/digest_renderer.h"
#include "services/verification/outreach/campaign_verdicts.h"
#include "services/verification/store/migrations.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"
#include "tests/support/verification_stand_ins.h"

namespace voc::verification {
namespace {

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

// 120 contacted (3 complained, 6 wrote), 30 held out (3 complained, 4 wrote).
v1::CampaignVerdict Verdict(const std::string& id = "camp-7", const std::string& department = "product_quality") {
  v1::CampaignVerdict v;
  v.set_campaign_id(id);
  v.set_display_name("E7 刹车片免费更换");
  v.set_department(department);
  v.mutable_issue()->set_kind("signal");
  v.mutable_issue()->set_id("signal-squeal");
  v.mutable_issue()->set_topic("product.quality");
  v.set_segment_id("seg-3");
  v.set_segment_name("B-2026-07 owners");
  v.set_segment_size(156);
  v.set_channel("email");
  v1::CampaignEffect& e = *v.mutable_effect();
  e.set_campaign_id(id);
  e.mutable_contacted()->set_customers(120);
  e.mutable_contacted()->set_complained(3);
  e.mutable_contacted()->set_contacted_us(6);
  e.mutable_contacted()->set_complaint_rate(0.025);
  e.mutable_contacted()->set_contact_rate(0.05);
  e.mutable_held_out()->set_customers(30);
  e.mutable_held_out()->set_complained(3);
  e.mutable_held_out()->set_contacted_us(4);
  e.mutable_held_out()->set_complaint_rate(0.1);
  e.mutable_held_out()->set_contact_rate(4.0 / 30);
  e.set_test("two-proportion z-test (pooled), two-sided, alpha 0.05");
  e.set_z(-1.93);
  e.set_p_value(0.0536);
  e.set_difference(-0.075);
  e.set_ci_low(-0.1857);
  e.set_ci_high(0.0357);
  e.set_verdict("no_difference_detected");
  *e.mutable_window_start() = ToProto(At("2026-11-02T02:00:00Z"));
  *e.mutable_window_end() = ToProto(At("2026-11-16T02:00:00Z"));
  *e.mutable_compute_time() = ToProto(At("2026-11-25T03:00:00Z"));
  return v;
}

v1::Digest DigestWithCampaign() {
  v1::Digest d;
  d.set_week_start("2026-11-23");
  d.set_week_end("2026-11-29");
  d.set_department("product_quality");
  *d.add_outreach() = DigestRowOf(Verdict());
  return d;
}

TEST(CampaignVerdictDigest, TheProactiveOutreachSectionInEnglish) {
  const TopicNames names = {{"product.quality", {"产品质量", "Product quality"}}};
  const DigestTexts t = RenderDigest(DigestWithCampaign(), {"产品质量部", "Product Quality"}, names);
  const std::string section =
      "\nA lesson from a resolved case\n- None this week.\n"
      "\nProactive outreach (1)\n"
      "- E7 刹车片免费更换 (campaigns/camp-7), topic Product quality, segment of 156: complaint rate 2.5% of 120 "
      "contacted vs 10.0% of 30 held out, difference -7.5 points (95% CI -18.6 to 3.6), p = 0.054: no difference "
      "detected\n"
      "\nComplaint topics rising fastest\n";
  EXPECT_NE(t.body_en.find(section), std::string::npos) << t.body_en;
}

TEST(CampaignVerdictDigest, TheProactiveOutreachSectionInChinese) {
  const TopicNames names = {{"product.quality", {"产品质量", "Product quality"}}};
  const DigestTexts t = RenderDigest(DigestWithCampaign(), {"产品质量部", "Product Quality"}, names);
  const std::string section =
      "\n已解决案例的经验\n- 本周没有。\n"
      "\n主动外呼（1）\n"
      "- E7 刹车片免费更换（campaigns/camp-7），话题 产品质量，目标客户 156 位：被联系的 120 位客户投诉率 2.5%，"
      "未联系的对照组 30 位 10.0%，差 -7.5 个百分点（95% 置信区间 -18.6 至 3.6），p = 0.054：未发现差异\n"
      "\n投诉上升最快的话题\n";
  EXPECT_NE(t.body_zh.find(section), std::string::npos) << t.body_zh;
}

TEST(CampaignVerdictDigest, NoCampaignNoSectionAndEachVerdictInWords) {
  v1::Digest d = DigestWithCampaign();
  d.clear_outreach();
  const DigestTexts t = RenderDigest(d, {});
  EXPECT_EQ(t.body_en.find("Proactive outreach"), std::string::npos);
  EXPECT_EQ(t.body_zh.find("主动外呼"), std::string::npos);
  EXPECT_EQ(VerdictWords("fewer_complaints", false), "fewer complaints");
  EXPECT_EQ(VerdictWords("fewer_complaints", true), "投诉减少");
  EXPECT_EQ(VerdictWords("more_complaints", false), "more complaints");
  EXPECT_EQ(VerdictWords("too_few_customers", true), "客户太少，无法判断");
  v1::DigestOutreach row = DigestRowOf(Verdict());
  row.set_p_value(0.0004);
  row.set_verdict("fewer_complaints");
  EXPECT_NE(VerdictSentence(row, false).find("p < 0.001: fewer complaints"), std::string::npos);
}

TEST(CampaignVerdictDigest, TheDigestRowCarriesTheFiguresAsPublished) {
  const v1::DigestOutreach row = DigestRowOf(Verdict());
  EXPECT_EQ(row.campaign(), "campaigns/camp-7");
  EXPECT_EQ(row.department(), "product_quality");
  EXPECT_EQ(row.topic(), "product.quality");
  EXPECT_EQ(row.segment_size(), 156);
  EXPECT_EQ(row.contacted(), 120);
  EXPECT_EQ(row.held_out(), 30);
  EXPECT_DOUBLE_EQ(row.held_out_contact_rate(), 4.0 / 30);
  EXPECT_DOUBLE_EQ(row.ci_high(), 0.0357);
  EXPECT_EQ(row.verdict(), "no_difference_detected");
  EXPECT_EQ(FromProto(row.verdict_time()), At("2026-11-25T03:00:00Z"));
}

TEST(CampaignVerdictKnowledge, TheEntryHoldsTopicSegmentRatesTestIntervalAndTheVerdictInBothLanguages) {
  const KnowledgeRecord k = KnowledgeOf(Verdict());
  EXPECT_EQ(k.entry.source(), "campaigns/camp-7");
  EXPECT_EQ(k.entry.title(), "E7 刹车片免费更换");
  EXPECT_EQ(k.entry.topic(), "product.quality");
  EXPECT_EQ(k.entry.resolution(),
            "主动外呼效果：被联系的 120 位客户投诉率 2.5%，未联系的对照组 30 位 10.0%，差 -7.5 个百分点（95% 置信区间 "
            "-18.6 至 3.6），p = 0.054：未发现差异。\n"
            "Proactive outreach effect: complaint rate 2.5% of 120 contacted vs 10.0% of 30 held out, difference "
            "-7.5 points (95% CI -18.6 to 3.6), p = 0.054: no difference detected.");
  EXPECT_EQ(k.entry.evidence(),
            "Segment: 156 customers (B-2026-07 owners); channel email; department product_quality.\n"
            "Contacted: 120, complained 3 (2.5%), contacted us 6 (5.0%).\n"
            "Held out: 30, complained 3 (10.0%), contacted us 4 (13.3%).\n"
            "Test: two-proportion z-test (pooled), two-sided, alpha 0.05; z = -1.93, p = 0.054; difference -7.5 "
            "points, 95% CI -18.6 to 3.6.\n"
            "Window: 2026-11-02T02:00:00.000Z to 2026-11-16T02:00:00.000Z; issue signal signal-squeal.");
  EXPECT_EQ(FromProto(k.entry.verify_time()), At("2026-11-25T03:00:00Z"));
}

TEST(CampaignVerdictKnowledge, AVerdictThatIsNotWholeIsRefusedNamingTheField) {
  EXPECT_TRUE(CheckCampaignVerdict(Verdict()).ok());
  v1::CampaignVerdict v = Verdict();
  v.clear_campaign_id();
  EXPECT_EQ(CheckCampaignVerdict(v).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(CheckCampaignVerdict(v).message().find("campaign_id"), std::string::npos);
  v = Verdict();
  v.mutable_effect()->set_campaign_id("camp-8");
  EXPECT_NE(CheckCampaignVerdict(v).message().find("effect.campaign_id"), std::string::npos);
  v = Verdict();
  v.clear_department();
  EXPECT_NE(CheckCampaignVerdict(v).message().find("department"), std::string::npos);
  v = Verdict();
  v.mutable_effect()->clear_verdict();
  EXPECT_NE(CheckCampaignVerdict(v).message().find("effect.verdict"), std::string::npos);
  v = Verdict();
  v.mutable_effect()->clear_compute_time();
  EXPECT_NE(CheckCampaignVerdict(v).message().find("effect.compute_time"), std::string::npos);
}

class NoVoice final : public VoiceDigestSource {
 public:
  absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const DigestWeek&, const std::string&) override {
    return std::vector<v1::TopicFigure>{};
  }
  absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const DigestWeek&, const std::string&) override {
    return std::vector<v1::EmergingSignal>{};
  }
};
class NoLoop final : public LoopDigestSource {
 public:
  absl::StatusOr<v1::LoopReport> LoopReport(const DigestWeek&, const std::string&) override { return v1::LoopReport{}; }
};
// Like the store: a department's own campaigns, every one for "".
class CampaignProgramme final : public ProgrammeDigestSource {
 public:
  absl::StatusOr<std::vector<v1::DigestWin>> Wins(const DigestWeek&) override { return std::vector<v1::DigestWin>{}; }
  absl::StatusOr<std::optional<v1::DigestLesson>> Lesson(const DigestWeek&) override { return std::nullopt; }
  absl::StatusOr<std::vector<v1::DigestGoal>> Goals(const DigestWeek&, const std::string&) override {
    return std::vector<v1::DigestGoal>{};
  }
  absl::StatusOr<std::vector<v1::DigestOutreach>> Outreach(const DigestWeek&, const std::string& d) override {
    if (!fail.ok()) return fail;
    std::vector<v1::DigestOutreach> out;
    for (const auto& r : rows) {
      if (d.empty() || r.department() == d) out.push_back(r);
    }
    return out;
  }
  std::vector<v1::DigestOutreach> rows;
  absl::Status fail;
};

TEST(CampaignVerdictDigest, TheComposerPutsTheScopesCampaignsInAndFailsWithItsSource) {
  NoVoice voice;
  NoLoop loop;
  CampaignProgramme programme;
  programme.rows = {DigestRowOf(Verdict("camp-7", "product_quality")), DigestRowOf(Verdict("camp-8", "logistics"))};
  const DigestComposer composer(voice, loop, programme);
  const DigestWeek week{*reports::ParseDay("2026-11-23"), 480};
  auto company = composer.Compose(week, "");
  ASSERT_TRUE(company.ok()) << company.status();
  ASSERT_EQ(company->outreach_size(), 2);
  auto logistics = composer.Compose(week, "logistics");
  ASSERT_TRUE(logistics.ok()) << logistics.status();
  ASSERT_EQ(logistics->outreach_size(), 1);
  EXPECT_EQ(logistics->outreach(0).campaign(), "campaigns/camp-8");
  programme.fail = absl::UnavailableError("database down");
  auto failed = composer.Compose(week, "logistics");
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
}

class CampaignVerdictServiceTest : public ::testing::Test {
 protected:
  CampaignVerdictServiceTest()
      : clock_(At("2026-11-25T03:00:05Z")),
        db_(storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db", 1).value()),
        store_(*db_) {
    db_->Migrate("verification", Migrations()).value();
    service_ = std::make_unique<VerificationService>(clock_, store_, counter_, reopener_, VerificationSettings{});
    consumer_ = std::make_unique<VerificationConsumer>(*service_);
  }

  std::vector<v1::KnowledgeEntry> Search(const std::string& query) { return testing::SearchKnowledge(*service_, query); }

  static queue::StreamMessage Message(const v1::CampaignVerdict& v) {
    return {"1-0", {{"event", "campaign_verdict"}, {"campaign_id", v.campaign_id()}, {"payload", v.SerializeAsString()}}};
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  VerificationStore store_;
  testing::NoComplaintCounts counter_;
  testing::NoProjectReopens reopener_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationConsumer> consumer_;
};

TEST_F(CampaignVerdictServiceTest, AVerdictIsStoredOnceAndFoundByTopicAndWords) {
  v1::CampaignVerdict v = Verdict();
  v.set_display_name("E7 刹车片免费更换，热线 138 1234 5678");
  ASSERT_TRUE(consumer_->HandleOutreach(Message(v)).ok());
  // A second delivery (the outbox published it twice) adds nothing; a
  // later, different copy does not replace the first.
  v1::CampaignVerdict later = v;
  later.mutable_effect()->set_verdict("fewer_complaints");
  ASSERT_TRUE(consumer_->HandleOutreach(Message(v)).ok());
  ASSERT_TRUE(consumer_->HandleOutreach(Message(later)).ok());

  const auto by_topic = Search("product.quality");
  ASSERT_EQ(by_topic.size(), 1u);
  EXPECT_EQ(by_topic[0].source(), "campaigns/camp-7");
  EXPECT_EQ(by_topic[0].title(), "E7 刹车片免费更换，热线 【手机号】") << "de-identified";
  EXPECT_NE(by_topic[0].resolution().find("no difference detected"), std::string::npos);
  EXPECT_EQ(Search("held out 未发现差异").size(), 1u);
  EXPECT_EQ(Search("B-2026-07 owners").size(), 1u);
  EXPECT_TRUE(Search("fewer complaints").empty()) << "the first delivery stays";

  const DigestWeek week{*reports::ParseDay("2026-11-23"), 480};
  auto rows = store_.CampaignVerdictsBetween(week.start_ms(), week.end_ms(), "", 10);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].display_name(), "E7 刹车片免费更换，热线 【手机号】");
  EXPECT_EQ(store_.CampaignVerdictsBetween(week.start_ms(), week.end_ms(), "logistics", 10)->size(), 0u);
  EXPECT_EQ(store_.CampaignVerdictsBetween(week.end_ms(), week.end_ms() + 7 * 86400000LL, "", 10)->size(), 0u);
}

TEST_F(CampaignVerdictServiceTest, MessagesThatAreNotVerdictsAreRefusedOrIgnored) {
  EXPECT_TRUE(consumer_->HandleOutreach({"1-0", {{"event", "campaign_started"}}}).ok()) << "not ours";
  EXPECT_EQ(consumer_->HandleOutreach({"1-0", {{"event", "campaign_verdict"}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consumer_->HandleOutreach({"1-0", {{"event", "campaign_verdict"}, {"payload", "\xff\xff"}}}).code(),
            absl::StatusCode::kInvalidArgument);
  v1::CampaignVerdict v = Verdict();
  v.mutable_effect()->set_campaign_id("camp-9");
  EXPECT_EQ(consumer_->HandleOutreach(Message(v)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Search("product.quality").empty()) << "nothing stored";
}

}  // namespace
}  // namespace voc::verification
