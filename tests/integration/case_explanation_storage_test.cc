// Issue 12, "why is this case here": a case's explanation on both backends
// tracking runs on (SQLite, and a real PostgreSQL started for the test). It
// is stored with the case, returned whole by GetCase (not by lists), shown
// de-identified to a caller who may not see the case's personal data, and
// erasing the customer takes the customer's words out of it.
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/tracking/store/erasure_store.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/servers.h"
#include "tests/unit/tracking/test_callers.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;

enum class Backend { kSqlite, kPostgres };

// The explanation assignment would send for a complaint of customer c-7.
v1::CaseExplanation Explained() {
  v1::CaseExplanation e;
  e.set_sentiment(v1::SENTIMENT_NEGATIVE);
  e.set_sentiment_score(-0.625);
  e.add_evidence("难吃");
  e.add_evidence("再也不来");
  v1::TopicMatch* topic = e.add_topics();
  topic->set_topic("product.taste");
  topic->set_department("product");
  topic->set_sentiment(v1::SENTIMENT_NEGATIVE);
  topic->add_evidence("味道");
  topic->add_evidence("难吃");
  e.set_priority(v1::PRIORITY_P2);
  e.set_priority_reason("negative x vip customer c-7 -> P2");
  v1::RedLineHit* hit = e.add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
  hit->set_term("蟑螂");
  hit->set_matched("蟑螂");
  hit->set_begin(12);
  hit->set_end(18);
  hit->set_rule("config/redlines.yaml:40: with \"菜\" (food)");
  e.mutable_routing()->set_rule_id("detractor_callback.owners[0]");
  e.mutable_routing()->set_rule("account_manager");
  e.mutable_routing()->set_line(27);
  e.mutable_routing()->set_reason("detractor callback owned by the account manager of customer c-7 (from the feedback)");
  e.set_cluster_id("cl-3");
  return e;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

class CaseExplanationStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!::voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<::voc::testing::PostgresServer>();
      const std::string dbname = "explanation_" + std::to_string(++counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/tracking.db";
    }
    auto opened = storage::Database::Open(url, 2);
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = *std::move(opened);
    const absl::StatusOr<int> version = db_->Migrate("tracking", TrackingMigrations());
    ASSERT_TRUE(version.ok()) << version.status();
    store_ = std::make_unique<TrackingStore>(*db_);
    // Every word a masked reader gets goes through this: "[masked:<word>]"
    // makes plain which words were masked and that each was masked alone.
    service_ = std::make_unique<TrackingService>(
        *store_, clock_, nullptr, nullptr, nullptr,
        [](std::string_view text) { return text.empty() ? std::string() : "[masked:" + std::string(text) + "]"; });
  }

  v1::CreateCaseRequest Callback(const std::string& feedback_id, const std::string& customer) {
    v1::CreateCaseRequest req;
    req.set_request_id("callback:" + feedback_id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    c->set_feedback_id(feedback_id);
    c->set_customer_id(customer);
    c->set_summary("味道难吃,菜里有蟑螂,再也不来");
    auto* owner = c->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    *c->mutable_explanation() = Explained();
    *req.mutable_sla() = ToProto(hours(24));
    return req;
  }

  static inline std::unique_ptr<::voc::testing::PostgresServer> postgres_;
  static inline int counter_ = 0;
  ::voc::testing::TempDir dir_;
  FakeClock clock_{FromMillis(1772409600000LL)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TrackingStore> store_;
  std::unique_ptr<TrackingService> service_;
};

TEST_P(CaseExplanationStorageTest, GetCaseReturnsTheExplanationAsAssignmentSentItAndListsLeaveItOut) {
  auto created = service_->CreateCase(TestSystem(), Callback("fb-1", "c-7"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->has_explanation()) << "CreateCase answers without it (like ListCases)";

  auto got = service_->GetCase(TestSystem(), created->name());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(Same(got->explanation(), Explained())) << got->explanation().DebugString();
  EXPECT_EQ(got->explanation().red_lines(0).begin(), 12);
  EXPECT_EQ(got->explanation().red_lines(0).end(), 18);

  v1::ListCasesRequest list;
  list.set_feedback_id("fb-1");
  auto listed = service_->ListCases(TestSystem(), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->cases_size(), 1);
  EXPECT_FALSE(listed->cases(0).has_explanation());

  // The case a change returns carries it too (the page re-renders from it).
  v1::AcknowledgeCaseRequest ack;
  ack.set_name(created->name());
  auto acknowledged = service_->AcknowledgeCase(TestSystem(), ack);
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.status();
  EXPECT_TRUE(Same(acknowledged->explanation(), Explained()));
}

TEST_P(CaseExplanationStorageTest, ACaseWithoutAnExplanationHasNone) {
  v1::CreateCaseRequest req = Callback("fb-2", "c-7");
  req.mutable_case_()->clear_explanation();
  auto created = service_->CreateCase(TestSystem(), req);
  ASSERT_TRUE(created.ok()) << created.status();
  auto got = service_->GetCase(TestSystem(), created->name());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_explanation());
}

TEST_P(CaseExplanationStorageTest, AnOversizedExplanationIsRefusedNamingTheField) {
  v1::CreateCaseRequest req = Callback("fb-3", "c-7");
  req.mutable_case_()->mutable_explanation()->set_priority_reason(std::string(40 * 1024, 'x'));
  auto created = service_->CreateCase(TestSystem(), req);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(created.status().message().find("case.explanation"), std::string::npos) << created.status();
}

TEST_P(CaseExplanationStorageTest, AReaderWhoMayNotSeePersonalDataGetsTheWordsMasked) {
  auto created = service_->CreateCase(TestSystem(), Callback("fb-4", "c-7"));
  ASSERT_TRUE(created.ok()) << created.status();

  // A member of the owning department sees the words as triage read them.
  auto member = service_->GetCase(TestPerson("p-cs", "customer_success"), created->name());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_TRUE(Same(member->explanation(), Explained()));

  // An analyst of another department reads every case, de-identified.
  auto analyst = service_->GetCase(TestPerson("p-an", "insights", {auth::Role::kAnalyst}), created->name());
  ASSERT_TRUE(analyst.ok()) << analyst.status();
  const v1::CaseExplanation& e = analyst->explanation();
  ASSERT_EQ(e.evidence_size(), 2);
  EXPECT_EQ(e.evidence(0), "[masked:难吃]");
  EXPECT_EQ(e.evidence(1), "[masked:再也不来]");
  ASSERT_EQ(e.topics(0).evidence_size(), 2);
  EXPECT_EQ(e.topics(0).evidence(0), "[masked:味道]");
  EXPECT_EQ(e.red_lines(0).matched(), "[masked:蟑螂]");
  EXPECT_EQ(e.priority_reason(), "[masked:negative x vip customer c-7 -> P2]");
  EXPECT_EQ(e.routing().reason(), "[masked:" + Explained().routing().reason() + "]");
  EXPECT_EQ(analyst->summary(), "[masked:味道难吃,菜里有蟑螂,再也不来]");
  // What is not the customer's stays as it was.
  EXPECT_EQ(e.topics(0).topic(), "product.taste");
  EXPECT_EQ(e.red_lines(0).category(), v1::RED_LINE_CATEGORY_SAFETY);
  EXPECT_EQ(e.routing().rule_id(), "detractor_callback.owners[0]");
  EXPECT_EQ(e.cluster_id(), "cl-3");
}

TEST_P(CaseExplanationStorageTest, ErasingTheCustomerTakesTheirWordsOutOfTheExplanationOnce) {
  auto mine = service_->CreateCase(TestSystem(), Callback("fb-5", "c-7"));
  auto other = service_->CreateCase(TestSystem(), Callback("fb-6", "c-8"));
  ASSERT_TRUE(mine.ok() && other.ok());

  CaseErasureStore erasure(*db_);
  auto first = erasure.EraseCustomer("c-7", {"fb-5"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->cases, 1);

  auto got = service_->GetCase(TestSystem(), mine->name());
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::CaseExplanation& e = got->explanation();
  EXPECT_EQ(e.evidence_size(), 0);
  ASSERT_EQ(e.topics_size(), 1);
  EXPECT_EQ(e.topics(0).topic(), "product.taste");
  EXPECT_EQ(e.topics(0).evidence_size(), 0);
  ASSERT_EQ(e.red_lines_size(), 1);
  EXPECT_EQ(e.red_lines(0).matched(), "");
  EXPECT_EQ(e.red_lines(0).term(), "蟑螂") << "the red-line list's term, not the customer's words";
  EXPECT_EQ(e.priority_reason(), "negative x vip customer [erased] -> P2");
  EXPECT_EQ(e.routing().reason(),
            "detractor callback owned by the account manager of customer [erased] (from the feedback)");
  EXPECT_EQ(e.routing().rule_id(), "detractor_callback.owners[0]");
  EXPECT_EQ(e.sentiment(), v1::SENTIMENT_NEGATIVE);
  EXPECT_EQ(e.cluster_id(), "cl-3");

  auto untouched = service_->GetCase(TestSystem(), other->name());
  ASSERT_TRUE(untouched.ok());
  v1::CaseExplanation expected_other = Explained();
  EXPECT_TRUE(Same(untouched->explanation(), expected_other)) << "another customer's case keeps its words";

  auto second = erasure.EraseCustomer("c-7", {"fb-5"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cases, 0) << "nothing left to erase";
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseExplanationStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::tracking
