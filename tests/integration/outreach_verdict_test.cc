// A campaign's verdict reaches the knowledge base and the weekly digest
// (issue 13), on SQLite and PostgreSQL: voc-entities' real outreach
// service and stores decide the verdict on their periodic run once the
// effect window has passed (fake clock), publish it from their outbox to
// voc:outreach on a real Redis; voc-verification's real consumer, service
// and stores take it from there, and its real digest service composes the
// week. Fakes only at the outside edge: the feedback facts (voc-ingest +
// voc-triage, given a generated outcome), triage's and tracking's digest
// figures, and the notifier.
//   - nothing is decided or published while the window is open;
//   - once it has passed, one run decides the verdict and publishes it
//     once; later runs publish nothing more;
//   - SearchKnowledge finds it by its topic and by words, de-identified;
//   - the composed digest of that week shows it for its department and the
//     company, not for another department;
//   - a second delivery, and a second composition, add nothing.
#include <gtest/gtest.h>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include "common/auth/role_book.h"
#include "common/queue/publisher.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "common/util/time.h"
#include "services/entities/outreach/outreach_service.h"
#include "services/entities/outreach/stream_sender.h"
#include "services/entities/row_check.h"
#include "services/entities/store/migrations.h"
#include "services/verification/digest/digest_programme_source.h"
#include "services/verification/digest/digest_service.h"
#include "services/verification/digest/goal_digest_rows.h"
#include "services/verification/store/migrations.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_service.h"
#include "tests/support/backend_database.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/test_principals.h"
#include "tests/support/verification_stand_ins.h"

namespace voc {
namespace {

using testing::Backend;
using testing::DemoPerson;

TimePoint Utc(int y, int mo, int d, int h, int mi = 0) {
  return absl::ToChronoTime(absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone()));
}

// voc-ingest + voc-triage: who complained on (or wrote about) the topic.
class GeneratedOutcome final : public entities::outreach::CustomerFeedback {
 public:
  std::map<std::string, entities::outreach::TopicOutcome> outcomes;
  absl::StatusOr<std::map<std::string, entities::outreach::TopicOutcome>> Outcomes(
      const std::vector<std::string>& customers, const std::string&, TimePoint, TimePoint) override {
    std::map<std::string, entities::outreach::TopicOutcome> out;
    for (const std::string& c : customers) {
      if (auto it = outcomes.find(c); it != outcomes.end()) out[c] = it->second;
    }
    return out;
  }
};

// Triage's and tracking's parts of the digest: nothing this week.
class QuietVoice final : public verification::VoiceDigestSource {
 public:
  absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const verification::DigestWeek&,
                                                           const std::string&) override {
    return std::vector<v1::TopicFigure>{};
  }
  absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const verification::DigestWeek&, const std::string&) override {
    return std::vector<v1::EmergingSignal>{};
  }
};
class QuietLoop final : public verification::LoopDigestSource {
 public:
  absl::StatusOr<v1::LoopReport> LoopReport(const verification::DigestWeek&, const std::string&) override {
    return v1::LoopReport{};
  }
};

class OutreachVerdictTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (testing::BackendMissing(GetParam())) GTEST_SKIP() << "PostgreSQL server binaries not installed";
    redis_options_.port = redis_.port();
    // voc-entities.
    edb_ = storage::Database::Open(testing::FreshDatabaseUrl(GetParam(), dir_.path(), "entities")).value();
    ASSERT_TRUE(edb_->Migrate("entities", entities::Migrations()).ok());
    auto schema = entities::EntitySchema::Load("config/entities.yaml");
    ASSERT_TRUE(schema.ok()) << schema.status();
    holder_ = std::make_unique<entities::SchemaHolder>(
        std::make_shared<const entities::EntitySchema>(*std::move(schema)));
    rows_ = std::make_unique<entities::EntityStore>(*edb_);
    outreach_store_ = std::make_unique<entities::outreach::OutreachStore>(*edb_);
    // 120 vehicles of batch B-2026-07, one per customer cust-0 .. cust-119.
    const entities::EntityDef* vehicle = holder_->Get()->Find("vehicle");
    ASSERT_NE(vehicle, nullptr);
    std::vector<entities::CheckedRow> vehicles;
    for (int i = 0; i < 120; ++i) {
      auto row = entities::CheckRow(*vehicle, {{"vin", "LVIN" + std::to_string(5000 + i)},
                                               {"production_batch", "B-2026-07"},
                                               {"owner_customer_id", "cust-" + std::to_string(i)}});
      ASSERT_TRUE(row.ok()) << row.status();
      vehicles.push_back(*row);
    }
    ASSERT_TRUE(rows_->Upsert(*vehicle, vehicles, 1, "test").ok());
    sender_ = std::make_unique<entities::outreach::StreamSender>(redis_options_, clock_);
    outreach_ = std::make_unique<entities::outreach::OutreachService>(
        *rows_, *outreach_store_, *holder_, clock_, entities::outreach::OutreachSettings{}, *sender_, &feedback_);
    verdicts_ = std::make_unique<queue::StreamPublisher>(redis_options_, queue::kOutreachStream);
    outreach_->PublishVerdictsTo(verdicts_.get());

    // voc-verification.
    vdb_ = storage::Database::Open(testing::FreshDatabaseUrl(GetParam(), dir_.path(), "verification")).value();
    ASSERT_TRUE(vdb_->Migrate("verification", verification::Migrations()).ok());
    directory_ = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
    masker_ = std::make_shared<const privacy::Masker>(privacy::Masker::FromDirectory(*directory_));
    store_ = std::make_unique<verification::VerificationStore>(*vdb_);
    service_ = std::make_unique<verification::VerificationService>(clock_, *store_, counts_, reopen_,
                                                                   verification::VerificationSettings{});
    service_->UseMasker(*masker_);
    consumer_ = std::make_unique<verification::VerificationConsumer>(*service_);
    goal_store_ = std::make_unique<verification::GoalStore>(*vdb_);
    goal_rows_ = std::make_unique<verification::GoalStoreDigestRows>(*goal_store_);
    programme_ = std::make_unique<verification::StoreProgrammeDigestSource>(*store_, masker_, *goal_rows_);
    composer_ = std::make_unique<verification::DigestComposer>(voice_, loop_, *programme_);
    digests_ = std::make_unique<verification::DigestStore>(*vdb_);
    roles_ = std::make_unique<auth::RoleBook>(auth::RoleBook::Load(directory_, "config/roles.yaml").value());
    recipients_ = std::make_unique<verification::DigestRecipients>(*roles_);
    digest_service_ = std::make_unique<verification::DigestService>(clock_, *digests_, *composer_, *directory_,
                                                                    *recipients_, notifier_, 480);
  }

  // A campaign to the batch's owners (by SMS: no addresses needed), 30%
  // held out, approved by Product Quality's head and sent on the run.
  std::string SentCampaign() {
    v1::CreateSegmentRequest segment;
    segment.set_display_name("B-2026-07 owners");
    segment.mutable_query()->set_entity("vehicle");
    v1::SegmentCondition* where = segment.mutable_query()->add_where();
    where->set_attribute("production_batch");
    where->set_op("eq");
    where->add_values("B-2026-07");
    auto saved = outreach_->CreateSegment(DemoPerson("p-emily-carter"), segment);
    EXPECT_TRUE(saved.ok()) << saved.status();
    v1::Campaign c;
    // A hotline number in the name: knowledge texts are de-identified.
    c.set_display_name("E7 刹车异响主动关怀，热线 138 1234 5678");
    c.set_department("product_quality");
    c.mutable_issue()->set_kind("signal");
    c.mutable_issue()->set_id("signal-squeal-4s");
    c.mutable_issue()->set_topic("product.quality");
    c.set_segment_id(saved.ok() ? saved->id() : "");
    c.mutable_message()->set_subject_zh("刹车片免费更换");
    c.mutable_message()->set_body_zh("您的车辆可免费更换刹车片。");
    c.mutable_message()->set_subject_en("Free brake pad replacement");
    c.mutable_message()->set_body_en("Your car's brake pads will be replaced free of charge.");
    c.set_channel("sms");
    c.set_holdout_share(0.3);
    c.set_effect_window_days(14);
    auto created = outreach_->CreateCampaign(DemoPerson("p-emily-carter"), c);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return "";
    EXPECT_TRUE(outreach_->Submit(DemoPerson("p-emily-carter"), created->id(), "").ok());
    EXPECT_TRUE(outreach_->Approve(DemoPerson("p-michael-brown"), created->id(), "").ok());
    EXPECT_TRUE(outreach_->RunDue().ok());
    return created->id();
  }

  long long StreamLength() {
    queue::RedisClient client(redis_options_);
    auto reply = client.Command({"XLEN", queue::kOutreachStream});
    return reply ? reply->integer : -1;
  }

  // voc-verification's consumer of voc:outreach, as main.cc runs it.
  void Drain() {
    queue::ConsumerOptions options{queue::kOutreachStream, "verification", "test"};
    options.block = std::chrono::milliseconds(50);
    queue::StreamConsumer consumer(redis_options_, options, [this](const std::vector<queue::StreamMessage>& batch) {
      return consumer_->HandleOutreachBatch(batch);
    });
    for (int polls = 0; polls < 5 && (consumer.PollOnce() > 0 || polls < 2); ++polls) {
    }
  }

  std::vector<v1::KnowledgeEntry> Search(const std::string& query) { return testing::SearchKnowledge(*service_, query); }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  queue::RedisOptions redis_options_;
  FakeClock clock_{Utc(2026, 11, 2, 2)};  // Monday 10:00 in Shanghai
  GeneratedOutcome feedback_;
  std::unique_ptr<storage::Database> edb_, vdb_;
  std::unique_ptr<entities::SchemaHolder> holder_;
  std::unique_ptr<entities::EntityStore> rows_;
  std::unique_ptr<entities::outreach::OutreachStore> outreach_store_;
  std::unique_ptr<entities::outreach::StreamSender> sender_;
  std::unique_ptr<entities::outreach::OutreachService> outreach_;
  std::unique_ptr<queue::StreamPublisher> verdicts_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::shared_ptr<const privacy::Masker> masker_;
  testing::NoComplaintCounts counts_;
  testing::NoProjectReopens reopen_;
  std::unique_ptr<verification::VerificationStore> store_;
  std::unique_ptr<verification::VerificationService> service_;
  std::unique_ptr<verification::VerificationConsumer> consumer_;
  std::unique_ptr<verification::GoalStore> goal_store_;
  std::unique_ptr<verification::GoalStoreDigestRows> goal_rows_;
  std::unique_ptr<verification::StoreProgrammeDigestSource> programme_;
  QuietVoice voice_;
  QuietLoop loop_;
  std::unique_ptr<verification::DigestComposer> composer_;
  std::unique_ptr<verification::DigestStore> digests_;
  std::unique_ptr<auth::RoleBook> roles_;
  std::unique_ptr<verification::DigestRecipients> recipients_;
  testing::RecordingNotifier notifier_;
  std::unique_ptr<verification::DigestService> digest_service_;
};

TEST_P(OutreachVerdictTest, AVerdictWhoseWindowPassedJoinsTheKnowledgeBaseAndThatWeeksDigestOnce) {
  const std::string id = SentCampaign();
  ASSERT_FALSE(id.empty());
  // The generated outcome: every 3rd held-out customer complained, every
  // 12th contacted one; every 4th contacted one wrote about the topic.
  const auto contacted = outreach_store_->CustomersWithDecision(id, "sent").value();
  const auto held = outreach_store_->CustomersWithDecision(id, "held_out").value();
  ASSERT_GE(held.size(), 10u);
  ASSERT_GE(contacted.size(), 10u);
  for (std::size_t i = 0; i < contacted.size(); ++i) {
    entities::outreach::TopicOutcome o{i % 12 == 0, i % 12 == 0 || i % 4 == 0};
    if (o.contacted_us) feedback_.outcomes[contacted[i]] = o;
  }
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (i % 3 == 0) feedback_.outcomes[held[i]] = {true, true};
  }

  // The window is still open: nothing decided, nothing published.
  clock_.Advance(std::chrono::hours(24) * 14 - std::chrono::minutes(1));
  ASSERT_TRUE(outreach_->RunDue().ok());
  EXPECT_EQ(StreamLength(), 0);
  EXPECT_FALSE(outreach_store_->FindEffect(id).value().has_value());

  // It has passed (Monday 2026-11-16): the periodic run decides the verdict
  // and hands it on, once.
  clock_.Advance(std::chrono::minutes(2));
  ASSERT_TRUE(outreach_->RunDue().ok());
  EXPECT_EQ(StreamLength(), 1);
  ASSERT_TRUE(outreach_->RunDue().ok());
  EXPECT_EQ(StreamLength(), 1) << "a second run publishes nothing";
  auto effect = outreach_->Effect(DemoPerson("p-michael-brown"), id);
  ASSERT_TRUE(effect.ok()) << effect.status();
  EXPECT_EQ(effect->held_out().complained(), static_cast<std::int64_t>((held.size() + 2) / 3));
  EXPECT_EQ(FromProto(effect->compute_time()), Utc(2026, 11, 16, 2, 1));

  Drain();
  const auto by_topic = Search("product.quality");
  ASSERT_EQ(by_topic.size(), 1u);
  const v1::KnowledgeEntry& entry = by_topic[0];
  EXPECT_EQ(entry.source(), "campaigns/" + id);
  EXPECT_EQ(entry.title(), "E7 刹车异响主动关怀，热线 【手机号】") << "de-identified";
  EXPECT_NE(entry.evidence().find("Segment: 120 customers (B-2026-07 owners)"), std::string::npos) << entry.evidence();
  EXPECT_NE(entry.evidence().find("Held out: " + std::to_string(held.size()) + ", complained " +
                                  std::to_string(effect->held_out().complained())),
            std::string::npos)
      << entry.evidence();
  EXPECT_NE(entry.evidence().find(effect->test()), std::string::npos);
  EXPECT_NE(entry.resolution().find("Proactive outreach effect: "), std::string::npos);
  EXPECT_NE(entry.resolution().find("主动外呼效果："), std::string::npos);
  for (const std::string& text : {entry.title(), entry.resolution(), entry.evidence()}) {
    EXPECT_EQ(text.find("cust-"), std::string::npos) << "no customer ids: " << text;
  }
  EXPECT_EQ(Search("刹车异响 held out").size(), 1u) << "found by words";

  // A second delivery (the outbox may publish again after a crash) adds nothing.
  v1::CampaignVerdict again;
  again.set_campaign_id(id);
  again.set_department("product_quality");
  *again.mutable_effect() = *effect;
  again.mutable_effect()->set_verdict("more_complaints");
  queue::StreamProducer producer(redis_options_, queue::kOutreachStream);
  ASSERT_TRUE(producer.Publish({{"event", queue::kCampaignVerdictEvent}, {"payload", again.SerializeAsString()}}));
  Drain();
  ASSERT_EQ(Search("product.quality").size(), 1u);
  EXPECT_EQ(Search("more complaints").size(), 0u) << "the first delivery stays";

  // The week the verdict landed in: its department's digest and the
  // company's show it; another department's does not.
  const verification::DigestWeek week = digest_service_->WeekOf(*reports::ParseDay("2026-11-16"));
  clock_.Set(Utc(2026, 11, 23, 1));
  for (int composition = 0; composition < 2; ++composition) {
    const v1::ComposeDigestsResponse composed = digest_service_->ComposeWeek(week, /*send=*/false);
    ASSERT_TRUE(composed.errors().empty()) << composed.errors(0);
    const v1::Digest mine = digests_->Get("2026-11-16", "product_quality").value();
    ASSERT_EQ(mine.outreach_size(), 1) << "composition " << composition;
    const v1::DigestOutreach& row = mine.outreach(0);
    EXPECT_EQ(row.campaign(), "campaigns/" + id);
    EXPECT_EQ(row.title(), "E7 刹车异响主动关怀，热线 【手机号】");
    EXPECT_EQ(row.segment_size(), 120);
    EXPECT_EQ(row.contacted(), effect->contacted().customers());
    EXPECT_EQ(row.held_out(), effect->held_out().customers());
    EXPECT_DOUBLE_EQ(row.held_out_complaint_rate(), effect->held_out().complaint_rate());
    EXPECT_DOUBLE_EQ(row.ci_low(), effect->ci_low());
    EXPECT_DOUBLE_EQ(row.p_value(), effect->p_value());
    EXPECT_EQ(row.verdict(), effect->verdict());
    EXPECT_NE(mine.body_en().find("\nProactive outreach (1)\n- E7 刹车异响主动关怀，热线 【手机号】 (campaigns/" + id +
                                  "), topic product.quality, segment of 120: complaint rate "),
              std::string::npos)
        << mine.body_en();
    EXPECT_NE(mine.body_zh().find("\n主动外呼（1）\n"), std::string::npos) << mine.body_zh();
    EXPECT_EQ(digests_->Get("2026-11-16", "").value().outreach_size(), 1);
    EXPECT_EQ(digests_->Get("2026-11-16", "logistics").value().outreach_size(), 0);
  }
  // The week before has none.
  const v1::ComposeDigestsResponse before = digest_service_->ComposeWeek(
      digest_service_->WeekOf(*reports::ParseDay("2026-11-09")), /*send=*/false);
  ASSERT_TRUE(before.errors().empty()) << before.errors(0);
  EXPECT_EQ(digests_->Get("2026-11-09", "product_quality").value().outreach_size(), 0);
}

TEST_P(OutreachVerdictTest, AVerdictWaitsInItsOutboxWhileRedisIsAwayAndGoesOnceWhenItIsBack) {
  const std::string id = SentCampaign();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::hours(24) * 14 + std::chrono::minutes(1));
  redis_.Stop();
  const absl::Status away = outreach_->RunDue();
  EXPECT_EQ(away.code(), absl::StatusCode::kUnavailable) << away;
  ASSERT_TRUE(outreach_store_->FindEffect(id).value().has_value()) << "decided and stored all the same";
  EXPECT_EQ(outreach_store_->UnpublishedEffects(10).value().size(), 1u);
  redis_.Start();
  ASSERT_TRUE(outreach_->RunDue().ok());
  EXPECT_EQ(StreamLength(), 1);
  EXPECT_TRUE(outreach_store_->UnpublishedEffects(10).value().empty());
  ASSERT_TRUE(outreach_->RunDue().ok());
  EXPECT_EQ(StreamLength(), 1);
  Drain();
  EXPECT_EQ(Search("product.quality").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutreachVerdictTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return std::string(testing::BackendName(info.param)); });

}  // namespace
}  // namespace voc
