// The weekly digest reaches people's mailboxes: composed for a seeded week
// (fake triage / tracking answers, the edges), sent through StreamNotifier
// to a real redis-server, stored and rendered by voc-notify's consumer and
// delivered by its worker's e-mail channel to a real SMTP server (Debian's
// python3-aiosmtpd), each mail in the recipient's language.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "common/auth/role_book.h"
#include "common/clock/clock.h"
#include "common/notify/stream_notifier.h"
#include "services/verification/digest/digest_service.h"
#include "services/verification/store/migrations.h"
#include "tests/support/notify_stack.h"

namespace voc {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string WithLf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

class SeededVoice final : public verification::VoiceDigestSource {
 public:
  absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const verification::DigestWeek&,
                                                           const std::string&) override {
    v1::TopicFigure t;
    t.set_topic("logistics.delivery_delay");
    t.set_count(120);
    t.set_previous_count(80);
    t.set_share(0.15);
    t.set_previous_share(0.1);
    t.set_p_value(0.002);
    t.set_significant_rise(true);
    return std::vector<v1::TopicFigure>{t};
  }
  absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const verification::DigestWeek&, const std::string&) override {
    v1::EmergingSignal s;
    s.add_terms("电池");
    s.add_terms("鼓包");
    s.set_count(12);
    s.set_expected(2.5);
    return std::vector<v1::EmergingSignal>{s};
  }
};
class SeededLoop final : public verification::LoopDigestSource {
 public:
  absl::StatusOr<v1::LoopReport> LoopReport(const verification::DigestWeek&, const std::string&) override {
    v1::LoopReport r;
    r.add_rows()->mutable_first_response()->set_due(10);
    r.mutable_rows(0)->mutable_first_response()->set_met(9);
    r.mutable_hot_loop()->set_rate(0.5);
    return r;
  }
};
class SeededProgramme final : public verification::ProgrammeDigestSource {
 public:
  absl::StatusOr<std::vector<v1::DigestWin>> Wins(const verification::DigestWeek&) override {
    return std::vector<v1::DigestWin>{};
  }
  absl::StatusOr<std::optional<v1::DigestLesson>> Lesson(const verification::DigestWeek&) override {
    return std::nullopt;
  }
  absl::StatusOr<std::vector<v1::DigestGoal>> Goals(const verification::DigestWeek&, const std::string&) override {
    return std::vector<v1::DigestGoal>{};
  }
};

TEST(DigestDelivery, TheCompanyDigestReachesTheSmtpServerInEachRecipientsLanguage) {
  testing::TempDir dir;
  testing::NotifyStack stack(dir.path());  // SMTP, Redis, voc-notify's consumer and worker
  ASSERT_TRUE(stack.Started()) << stack.SmtpLog();
  const queue::RedisOptions& redis_options = stack.redis_options();
  FakeClock clock{TimePoint(std::chrono::milliseconds(reports::DayStartMs(*reports::ParseDay("2026-11-30"), 480) +
                                                      9 * 3'600'000LL))};

  // voc-verification's side.
  auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  auto roles = auth::RoleBook::Load(directory, "config/roles.yaml").value();
  auto vdb = storage::Database::Open("sqlite3://" + dir.path() + "/verification.db").value();
  ASSERT_TRUE(vdb->Migrate("verification", verification::Migrations()).ok());
  verification::DigestStore digests(*vdb);
  SeededVoice voice;
  SeededLoop loop;
  SeededProgramme programme;
  verification::DigestComposer composer(voice, loop, programme);
  verification::DigestRecipients recipients(roles);
  StreamNotifier notifier(redis_options, &clock);
  verification::DigestService service(clock, digests, composer, *directory, recipients, notifier, 480);
  const auto composed = service.ComposeWeek(service.LastWeek(clock.Now()), /*send=*/true);
  ASSERT_TRUE(composed.errors().empty()) << composed.errors(0);
  ASSERT_GT(composed.sent(), 0);

  // voc-notify's side.
  const auto delivered =
      stack.DeliverAll(directory, "defaults:\n  channels: [email]\n", clock, "digest-test");
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(*delivered, composed.sent());

  std::map<std::string, json> by_rcpt;
  // The company digest is sent first; an executive also gets their department's after it.
  for (const json& mail : stack.Mails()) by_rcpt.emplace(mail["rcpt_tos"][0].get<std::string>(), mail);
  const v1::Digest company = digests.Get("2026-11-23", "").value();
  // The CEO reads Chinese, the Chief Customer Officer English (directory).
  ASSERT_TRUE(by_rcpt.count("chen.jianguo@example.com"));
  ASSERT_TRUE(by_rcpt.count("emily.carter@example.com"));
  const json& zh = by_rcpt["chen.jianguo@example.com"];
  const json& en = by_rcpt["emily.carter@example.com"];
  EXPECT_EQ(zh["subject"], "【每周简报】全公司 2026-11-23 至 2026-11-29");
  EXPECT_EQ(en["subject"], "[Weekly digest] Company-wide, 2026-11-23 to 2026-11-29");
  EXPECT_EQ(WithLf(zh["text"].get<std::string>()), company.body_zh());
  EXPECT_EQ(WithLf(en["text"].get<std::string>()), company.body_en());
  EXPECT_NE(company.body_en().find("- \"电池 鼓包\": 12 mentions (expected 2.5)\n"), std::string::npos);
  EXPECT_NE(company.body_zh().find("- logistics.delivery_delay：120 条投诉（上周 80 条）"), std::string::npos);
  EXPECT_EQ(company.recipients(), 4);  // two executives, two analysts
}

}  // namespace
}  // namespace voc
