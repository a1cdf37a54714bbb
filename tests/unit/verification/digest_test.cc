// The weekly digest's pure parts and its schedule: the composer with fake
// sources, the renderer's exact text in both languages, who may read and
// compose, and the scheduler on a fake clock with a real SQLite store.
#include <algorithm>
#include <gtest/gtest.h>

#include "common/auth/role_book.h"
#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/verification/digest/digest_access.h"
#include "services/verification/digest/digest_composer.h"
#include "services/verification/digest/digest_renderer.h"
#include "services/verification/digest/digest_scheduler.h"
#include "services/verification/store/migrations.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"

namespace voc::verification {
namespace {

class FakeVoice final : public VoiceDigestSource {
 public:
  absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const DigestWeek&, const std::string& d) override {
    departments.push_back(d);
    if (!fail.ok()) return fail;
    return topics;
  }
  // Like triage: a department gets the signals that name it.
  absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const DigestWeek&, const std::string& d) override {
    ++signal_calls;
    std::vector<v1::EmergingSignal> out;
    for (const auto& s : signals) {
      if (d.empty() || std::find(s.departments().begin(), s.departments().end(), d) != s.departments().end()) {
        out.push_back(s);
      }
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::Topic>> Topics() override {
    if (!names_fail.ok()) return names_fail;
    return taxonomy;
  }
  std::vector<v1::Topic> taxonomy;
  absl::Status names_fail;
  std::vector<v1::TopicFigure> topics;
  std::vector<v1::EmergingSignal> signals;
  std::vector<std::string> departments;
  int signal_calls = 0;
  absl::Status fail;
};

class FakeLoop final : public LoopDigestSource {
 public:
  absl::StatusOr<v1::LoopReport> LoopReport(const DigestWeek&, const std::string&) override { return report; }
  v1::LoopReport report;
};

class FakeProgramme final : public ProgrammeDigestSource {
 public:
  absl::StatusOr<std::vector<v1::DigestWin>> Wins(const DigestWeek&) override { return wins; }
  absl::StatusOr<std::optional<v1::DigestLesson>> Lesson(const DigestWeek&) override { return lesson; }
  absl::StatusOr<std::vector<v1::DigestGoal>> Goals(const DigestWeek&, const std::string&) override {
    return std::vector<v1::DigestGoal>{};
  }
  std::vector<v1::DigestWin> wins;
  std::optional<v1::DigestLesson> lesson;
};

v1::TopicFigure Topic(const std::string& id, bool significant) {
  v1::TopicFigure t;
  t.set_topic(id);
  t.set_count(10);
  t.set_significant_rise(significant);
  return t;
}

DigestWeek Week() { return DigestWeek{*reports::ParseDay("2026-11-23"), 480}; }

TEST(DigestComposer, KeepsFiveSignificantRisesSignalsForTheCompanyAndSumsTheLoop) {
  FakeVoice voice;
  for (int i = 0; i < 8; ++i) voice.topics.push_back(Topic("t" + std::to_string(i), i != 1));
  for (int i = 0; i < 7; ++i) {
    v1::EmergingSignal& s = voice.signals.emplace_back();
    s.add_terms("s" + std::to_string(i));
    if (i == 3) s.add_departments("logistics");
  }
  FakeLoop loop;
  for (int i = 0; i < 2; ++i) {
    v1::LoopFigures& row = *loop.report.add_rows();
    row.mutable_first_response()->set_due(10);
    row.mutable_first_response()->set_met(8);
    row.mutable_resolution()->set_due(5);
    row.mutable_resolution()->set_met(4);
    row.set_breaches(3);
  }
  loop.report.add_backlog()->set_open(4);
  loop.report.add_backlog()->set_open(6);
  loop.report.mutable_hot_loop()->set_rate(0.75);
  FakeProgramme programme;
  DigestComposer composer(voice, loop, programme);

  auto company = composer.Compose(Week(), "");
  ASSERT_TRUE(company.ok()) << company.status();
  EXPECT_EQ(company->name(), "digests/2026-11-23/company");
  EXPECT_EQ(company->week_end(), "2026-11-29");
  ASSERT_EQ(company->rising_topics_size(), 5);
  EXPECT_EQ(company->rising_topics(0).topic(), "t0");
  EXPECT_EQ(company->rising_topics(1).topic(), "t2");  // t1 rose, not significantly
  EXPECT_EQ(company->signals_size(), 5);
  EXPECT_EQ(company->sla().first_response_due(), 20);
  EXPECT_EQ(company->sla().first_response_met(), 16);
  EXPECT_EQ(company->sla().resolution_due(), 10);
  EXPECT_EQ(company->sla().resolution_met(), 8);
  EXPECT_EQ(company->sla().breaches(), 6);
  EXPECT_EQ(company->sla().open_cases(), 10);
  EXPECT_DOUBLE_EQ(company->sla().hot_loop_rate(), 0.75);

  auto logistics = composer.Compose(Week(), "logistics");
  ASSERT_TRUE(logistics.ok());
  EXPECT_EQ(logistics->name(), "digests/2026-11-23/logistics");
  ASSERT_EQ(logistics->signals_size(), 1) << "only the signal of logistics' topics";
  EXPECT_EQ(logistics->signals(0).terms(0), "s3");
  EXPECT_EQ(voice.signal_calls, 2);
  EXPECT_EQ(voice.departments, (std::vector<std::string>{"", "logistics"}));
}

TEST(DigestComposer, ASourceErrorFailsTheDigestWithItsStatus) {
  FakeVoice voice;
  voice.fail = absl::UnavailableError("triage ListTopTopics: connection refused");
  FakeLoop loop;
  FakeProgramme programme;
  auto digest = DigestComposer(voice, loop, programme).Compose(Week(), "pr");
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(digest.status().message(),
            "composing digests/2026-11-23/pr: triage ListTopTopics: connection refused");
}

v1::Digest FixedDigest() {
  v1::Digest d;
  d.set_week_start("2026-11-23");
  d.set_week_end("2026-11-29");
  d.set_department("logistics");
  v1::DigestWin& w = *d.add_wins();
  w.set_project("projects/p-1");
  w.set_title("Faster handover");
  w.set_topic("logistics.delivery_delay");
  w.set_before_share(0.125);
  w.set_after_share(0.04);
  w.set_p_value(0.003);
  d.mutable_lesson()->set_source("cases/c-9");
  d.mutable_lesson()->set_title("Late parcel");
  d.mutable_lesson()->set_resolution("Called back and re-shipped");
  v1::DigestRisingTopic& t = *d.add_rising_topics();
  t.set_topic("logistics.damage");
  t.set_count(1234);
  t.set_previous_count(800);
  t.set_share(0.15);
  t.set_previous_share(0.1);
  t.set_p_value(0.0001);
  d.mutable_sla()->set_first_response_due(100);
  d.mutable_sla()->set_first_response_met(90);
  d.mutable_sla()->set_breaches(7);
  d.mutable_sla()->set_open_cases(35);
  d.mutable_sla()->set_hot_loop_rate(0.85);
  return d;
}

TEST(DigestRenderer, EnglishTextOfAFixedDigest) {
  const DigestTexts t = RenderDigest(FixedDigest(), {"物流部", "Logistics"});
  EXPECT_EQ(t.subject_en, "[Weekly digest] Logistics, 2026-11-23 to 2026-11-29");
  EXPECT_EQ(t.body_en,
            "Weekly digest for Logistics, 2026-11-23 to 2026-11-29.\n"
            "\nVerified wins (1)\n"
            "- Faster handover (projects/p-1), topic logistics.delivery_delay: complaint share 12.5% -> 4.0% "
            "(p = 0.003)\n"
            "\nA lesson from a resolved case\n"
            "Title: Late parcel\nWhat was done: Called back and re-shipped\n(cases/c-9)\n"
            "\nComplaint topics rising fastest\n"
            "- logistics.damage: 1,234 complaints (previous week 800), share 15.0% (was 10.0%), p < 0.001\n"
            "\nSLA compliance (cases opened this week)\n"
            "- First response on time: 90 of 100 (90.0%)\n"
            "- Resolution on time: none due\n"
            "- Breaches: 7\n"
            "- Open cases at the week's end: 35\n"
            "- Detractors called back within 24 h: 85.0%\n");
}

TEST(DigestRenderer, ChineseTextOfAFixedDigest) {
  const DigestTexts t = RenderDigest(FixedDigest(), {"物流部", "Logistics"});
  EXPECT_EQ(t.subject_zh, "【每周简报】物流部 2026-11-23 至 2026-11-29");
  EXPECT_EQ(t.body_zh,
            "物流部每周简报（2026-11-23 至 2026-11-29）\n"
            "\n已验证的改进（1）\n"
            "- Faster handover（projects/p-1），话题 logistics.delivery_delay：投诉占比 12.5% → 4.0%（p = 0.003）\n"
            "\n已解决案例的经验\n"
            "标题：Late parcel\n做法：Called back and re-shipped\n（cases/c-9）\n"
            "\n投诉上升最快的话题\n"
            "- logistics.damage：1,234 条投诉（上周 800 条），占比 15.0%（上周 10.0%），p < 0.001\n"
            "\nSLA 达成（本周新建的工单）\n"
            "- 首次响应按时：90 / 100（90.0%）\n"
            "- 解决按时：无到期\n"
            "- 超时：7 次\n"
            "- 周末未结工单：35 个\n"
            "- 贬损者 24 小时内回访率：85.0%\n");
}

// Issue 12 follow-up: topics by their name in the body's language; an id the
// taxonomy does not name (or names in one language only) stays as it is.
TEST(DigestRenderer, TopicsAreNamedInEachLanguage) {
  const TopicNames names = {{"logistics.delivery_delay", {"配送延迟", "Delivery delay"}},
                            {"logistics.damage", {"包裹破损", ""}}};
  const DigestTexts t = RenderDigest(FixedDigest(), {"物流部", "Logistics"}, names);
  EXPECT_NE(t.body_zh.find("- Faster handover（projects/p-1），话题 配送延迟：投诉占比"), std::string::npos) << t.body_zh;
  EXPECT_NE(t.body_zh.find("- 包裹破损：1,234 条投诉"), std::string::npos) << t.body_zh;
  EXPECT_EQ(t.body_zh.find("logistics."), std::string::npos) << "no ids left in Chinese";
  EXPECT_NE(t.body_en.find("- Faster handover (projects/p-1), topic Delivery delay: complaint share"), std::string::npos)
      << t.body_en;
  EXPECT_NE(t.body_en.find("- logistics.damage: 1,234 complaints"), std::string::npos) << "no English name: the id";
}

TEST(DigestComposer, NamesTheTaxonomysTopicsOrNoneWhenTriageCannotSay) {
  FakeVoice voice;
  FakeLoop loop;
  FakeProgramme programme;
  v1::Topic delay;
  delay.set_id("logistics.delivery_delay");
  delay.set_name_zh("配送延迟");
  delay.set_name_en("Delivery delay");
  voice.taxonomy = {delay};
  const DigestComposer composer(voice, loop, programme);
  const TopicNames names = composer.NamesOfTopics();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names.at("logistics.delivery_delay").zh, "配送延迟");
  EXPECT_EQ(names.at("logistics.delivery_delay").en, "Delivery delay");
  voice.names_fail = absl::UnavailableError("triage is down");
  EXPECT_TRUE(composer.NamesOfTopics().empty()) << "the digest still goes out, with ids";
}

TEST(DigestRenderer, CompanyDigestSaysWhatIsEmpty) {
  v1::Digest d;
  d.set_week_start("2026-11-23");
  d.set_week_end("2026-11-29");
  const DigestTexts t = RenderDigest(d, {});
  EXPECT_EQ(t.subject_en, "[Weekly digest] Company-wide, 2026-11-23 to 2026-11-29");
  EXPECT_EQ(t.subject_zh, "【每周简报】全公司 2026-11-23 至 2026-11-29");
  EXPECT_NE(t.body_en.find("\nNew weak signals\n- None this week.\n"), std::string::npos);
  EXPECT_NE(t.body_zh.find("\n新出现的弱信号\n- 本周没有。\n"), std::string::npos);
  EXPECT_EQ(t.body_en.find("Goals"), std::string::npos);  // no goals: no section
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatPercent(0.1234), "12.3%");
}

auth::Principal Person(std::set<auth::Role> roles, std::set<std::string> departments) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "p-x";
  p.roles = std::move(roles);
  p.departments = std::move(departments);
  return p;
}

TEST(DigestAccess, CompanyForFigureReadersDepartmentForItsPeopleComposeForOperators) {
  const auto analyst = Person({auth::Role::kAnalyst}, {"executive"});
  const auto member = Person({auth::Role::kMember}, {"logistics"});
  EXPECT_TRUE(MayReadDigest(analyst, "").ok());
  EXPECT_TRUE(MayReadDigest(analyst, "pr").ok());
  EXPECT_TRUE(MayReadDigest(member, "logistics").ok());
  EXPECT_EQ(MayReadDigest(member, "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayReadDigest(member, "pr").code(), absl::StatusCode::kPermissionDenied);
  const DigestScopes scopes = ReadableDigestScopes(member);
  EXPECT_FALSE(scopes.all);
  EXPECT_FALSE(scopes.company);
  EXPECT_EQ(scopes.departments, (std::set<std::string>{"logistics"}));
  auth::Principal key;
  key.kind = auth::PrincipalKind::kService;
  key.scopes = {"analytics:read"};
  EXPECT_TRUE(MayReadDigest(key, "").ok());
  EXPECT_EQ(MayComposeDigests(key).code(), absl::StatusCode::kPermissionDenied);
  key.scopes = {"cases:write"};
  EXPECT_TRUE(MayComposeDigests(key).ok());
  EXPECT_EQ(MayComposeDigests(analyst).code(), absl::StatusCode::kPermissionDenied);
}

constexpr char kDirectory[] = R"(departments:
  - id: logistics
    name: {zh: 物流部, en: Logistics}
    head: p-wang
people:
  - id: p-wang
    name: 王磊
    email: wang@example.com
    department: logistics
  - id: p-emily
    name: Emily
    email: emily@example.com
    department: logistics
    language: en
    roles: [analyst]
)";

class DigestSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/v.db").value();
    ASSERT_TRUE(db_->Migrate("verification", Migrations()).ok());
    store_ = std::make_unique<DigestStore>(*db_);
    directory_ = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Parse(kDirectory).value());
    roles_ = std::make_unique<auth::RoleBook>(auth::RoleBook::Parse(directory_, "people: {}\n", "r.yaml").value());
    recipients_ = std::make_unique<DigestRecipients>(*roles_);
    composer_ = std::make_unique<DigestComposer>(voice_, loop_, programme_);
    service_ = std::make_unique<DigestService>(clock_, *store_, *composer_, *directory_, *recipients_, notifier_, 480);
  }
  // 2026-11-30 is a Monday; `hour` local time (UTC+8).
  static TimePoint Local(const std::string& day, int hour) {
    return TimePoint(std::chrono::milliseconds(reports::DayStartMs(*reports::ParseDay(day), 480) +
                                               hour * 3'600'000LL));
  }

  testing::TempDir dir_;
  FakeClock clock_{Local("2026-11-30", 7)};
  FakeVoice voice_;
  FakeLoop loop_;
  FakeProgramme programme_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<DigestStore> store_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<auth::RoleBook> roles_;
  std::unique_ptr<DigestRecipients> recipients_;
  std::unique_ptr<DigestComposer> composer_;
  testing::RecordingNotifier notifier_;
  std::unique_ptr<DigestService> service_;
};

TEST_F(DigestSchedulerTest, SendsLastWeekOnceAtTheConfiguredHourAndCatchesUpAfterARestart) {
  DigestScheduler scheduler(*service_, *store_, {1, 8, 480});
  // Monday 07:00: last week is not due yet; the week before is, and is sent
  // (a run missed while the service was down catches up).
  auto early = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->week_start, "2026-11-16");
  EXPECT_TRUE(early->done);

  clock_.Set(Local("2026-11-30", 8));
  auto run = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->week_start, "2026-11-23");
  EXPECT_EQ(run->composed, 2);  // the company and logistics
  EXPECT_EQ(run->sent, 2);      // Emily (analyst) the company's, Wang (head) logistics'
  EXPECT_TRUE(run->done);
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[2].id, "digest:2026-11-23:company:p-emily");
  EXPECT_EQ(sent[2].kind, "weekly_digest");
  EXPECT_EQ(sent[3].id, "digest:2026-11-23:logistics:p-wang");
  EXPECT_EQ(sent[3].params.at("subject_zh"), "【每周简报】物流部 2026-11-23 至 2026-11-29");

  // A restarted scheduler remembers the week through the store.
  DigestScheduler restarted(*service_, *store_, {1, 8, 480});
  clock_.Set(Local("2026-12-01", 9));
  auto again = restarted.RunIfDue(clock_.Now());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->week_start.empty());
  EXPECT_EQ(notifier_.sent().size(), 4u);

  auto stored = service_->GetDigest([] {
    v1::GetDigestRequest r;
    r.set_week_start("2026-11-26");  // any day of the week
    r.set_department("logistics");
    return r;
  }());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->recipients(), 1);
  EXPECT_EQ(stored->subject_en(), "[Weekly digest] Logistics, 2026-11-23 to 2026-11-29");
}

TEST_F(DigestSchedulerTest, AFailedSourceLeavesTheWeekToBeRetried) {
  DigestScheduler scheduler(*service_, *store_, {1, 8, 480});
  clock_.Set(Local("2026-11-30", 9));
  voice_.fail = absl::UnavailableError("triage ListTopTopics: down");
  auto run = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->done);
  EXPECT_EQ(run->errors.size(), 2u);
  voice_.fail = absl::OkStatus();
  auto retry = scheduler.RunIfDue(clock_.Now());
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->week_start, "2026-11-23");
  EXPECT_TRUE(retry->done);
}

TEST_F(DigestSchedulerTest, ComposeDigestsRefusesABadOrUnfinishedWeek) {
  v1::ComposeDigestsRequest r;
  r.set_week_start("2026-13-01");
  auto bad = service_->ComposeDigests(r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().substr(0, 11), "week_start:");
  r.set_week_start("2026-11-30");  // the week now running
  EXPECT_EQ(service_->ComposeDigests(r).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace voc::verification
