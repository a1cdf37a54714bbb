// The erasure stores of every service (issue 9) on SQLite and PostgreSQL:
// the SQL is written once for both, so each store erases a customer's rows on
// each backend, leaves the other customer's alone, and a second call erases
// nothing.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "services/assignment/store/erasure_store.h"
#include "services/assignment/store/migrations.h"
#include "services/ingest/store/erasure_store.h"
#include "services/ingest/store/migrations.h"
#include "services/notify/store/erasure_store.h"
#include "services/notify/store/migrations.h"
#include "services/tracking/store/erasure_store.h"
#include "services/tracking/store/migrations.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/store/erasure_store.h"
#include "services/triage/store/triage_store.h"
#include "services/verification/store/erasure_store.h"
#include "services/verification/store/migrations.h"
#include "services/triage/triage_processor.h"
#include "services/triage/triage_service.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

enum class Backend { kSqlite, kPostgres };

class ErasureStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<testing::PostgresServer>();
    }
  }

  // A new database of the backend under test; `url`, when given, gets its address.
  std::unique_ptr<storage::Database> Open(const std::string& schema, const std::vector<storage::Migration>& m,
                                          std::string* opened_url = nullptr) {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      const std::string dbname = schema + "_" + std::to_string(++counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/" + schema + ".db";
    }
    if (opened_url) *opened_url = url;
    auto db = storage::Database::Open(url, 2);
    EXPECT_TRUE(db.ok()) << db.status();
    EXPECT_TRUE((*db)->Migrate(schema, m).ok());
    return *std::move(db);
  }

  static std::string Text(storage::Database& db, const std::string& sql) {
    return db.WithSession([&](soci::session& s) {
      std::string out;
      soci::indicator ind = soci::i_ok;
      s << sql, soci::into(out, ind);
      return ind == soci::i_null ? std::string() : out;
    });
  }
  static void Run(storage::Database& db, const std::string& sql) {
    db.WithSession([&](soci::session& s) { s << sql; });
  }

  static inline std::unique_ptr<testing::PostgresServer> postgres_;
  static inline int counter_ = 0;
  testing::TempDir dir_;
};

TEST_P(ErasureStorageTest, IngestErasesTheCustomersFeedbackOnce) {
  auto db = Open("ingest", ingest::IngestMigrations());
  Run(*db,
      "INSERT INTO feedback (id, channel, external_id, customer_id, customer_tier, text, occurred_ms, received_ms,"
      " attributes_json) VALUES ('f1', 1, 'src-1', 'C1', 'vip', 'call 13800138000', 0, 0,"
      " '{\"order_id\":\"SO1\",\"resurvey_token\":\"tok\"}'),"
      " ('f2', 1, 'src-2', 'D1', '', 'mine', 0, 0, '{}')");
  ingest::ErasureStore store(*db);
  auto first = store.EraseCustomer("C1", "hash-c1", 5);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->feedback_erased, 1);
  EXPECT_EQ(first->feedback_ids, std::vector<std::string>{"f1"});
  EXPECT_EQ(Text(*db, "SELECT text || customer_id || customer_tier FROM feedback WHERE id = 'f1'"), "");
  EXPECT_EQ(Text(*db, "SELECT attributes_json FROM feedback WHERE id = 'f1'"), "{\"resurvey_token\":\"tok\"}");
  EXPECT_EQ(Text(*db, "SELECT external_id FROM feedback WHERE id = 'f1'").rfind("sha256:", 0), 0u);
  EXPECT_EQ(Text(*db, "SELECT text FROM feedback WHERE id = 'f2'"), "mine");
  auto second = store.EraseCustomer("C1", "hash-c1", 6);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->feedback_erased, 0);
  EXPECT_EQ(second->feedback_ids, std::vector<std::string>{"f1"});
}

TEST_P(ErasureStorageTest, TriageErasesResultsAndClusterTextsOnce) {
  auto db = Open("triage", triage::TriageMigrations());
  Run(*db,
      "INSERT INTO triage_results (feedback_id, customer_id, channel, product, store, region, negative, priority,"
      " cluster_id, occurred_ms, analyzed_ms, normalized_text, triaged_json, drill_terms) VALUES"
      " ('f1', 'C1', 'CHANNEL_REVIEW', '', 's1', 'east', 1, 2, '1', 0, 0, 'secret words',"
      " '{\"feedback\":{\"text\":\"secret words\",\"customer\":{\"id\":\"C1\",\"store\":\"s1\"}},"
      "\"result\":{\"evidence\":[\"secret\"]}}', 'secret'),"
      " ('f2', 'D1', 'CHANNEL_REVIEW', '', '', '', 1, 2, '1', 0, 0, 'other', '{}', NULL)");
  Run(*db,
      "INSERT INTO cluster_members (feedback_id, cluster_id, signature, seen_ms, topics_json, text) VALUES"
      " ('f1', 1, '', 0, '[]', 'secret words'), ('f2', 1, '', 0, '[]', 'other')");
  triage::ErasureStore store(*db);
  auto first = store.EraseFeedback({"f1", "missing"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->results, 1);
  EXPECT_EQ(first->cluster_texts, 1);
  EXPECT_EQ(Text(*db, "SELECT triaged_json FROM triage_results WHERE feedback_id = 'f1'").find("secret"),
            std::string::npos);
  EXPECT_NE(Text(*db, "SELECT triaged_json FROM triage_results WHERE feedback_id = 'f1'").find("s1"),
            std::string::npos);  // the store stays (drill-downs by store)
  EXPECT_EQ(Text(*db, "SELECT normalized_text || customer_id FROM triage_results WHERE feedback_id = 'f1'"), "");
  EXPECT_EQ(Text(*db, "SELECT text FROM cluster_members WHERE feedback_id = 'f2'"), "other");
  auto second = store.EraseFeedback({"f1"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->results, 0);
  EXPECT_EQ(second->cluster_texts, 0);
  EXPECT_EQ(triage::TriageStore(*db).ErasureEpoch().value(), 1) << "one erasure blanked a text, the second none";
}

// Two triage replicas on one database, each with its cluster index in
// memory: the erasure runs through one (the PrivacyService reloads that
// one's index); the other must not show the erased text at its next list.
TEST_P(ErasureStorageTest, AnotherTriageReplicaDropsTheErasedTextBeforeItsNextList) {
  auto analyzer = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
  FakeClock clock(FromMillis(1764028800000));  // 2025-11-25T00:00Z
  struct Replica {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<triage::TriageStore> store;
    std::unique_ptr<triage::TriageProcessor> processor;
    std::unique_ptr<triage::TriageService> service;
  };
  std::string url;
  auto first_db = Open("triage", triage::TriageMigrations(), &url);
  auto make = [&](std::unique_ptr<storage::Database> db) {
    Replica r;
    r.db = std::move(db);
    r.store = std::make_unique<triage::TriageStore>(*r.db);
    r.processor = std::make_unique<triage::TriageProcessor>(*analyzer, *r.store, clock);
    r.service = std::make_unique<triage::TriageService>(*r.processor, *r.store, nullptr, clock);
    return r;
  };
  Replica a = make(std::move(first_db));
  Replica b = make(storage::Database::Open(url, 2).value());

  // The customer's complaint is the cluster's first member, so its text
  // represents the cluster; a paraphrase by someone else joins it.
  const std::vector<std::pair<std::string, std::string>> complaints = {
      {"f-erased", "快递三天了还没到，物流信息一直不更新，太慢了，我叫王小明"},
      {"f-other", "快递三天还没到，物流信息也一直不更新，太慢了吧"},
  };
  for (const auto& [id, text] : complaints) {
    v1::Feedback f;
    f.set_id(id);
    f.set_text(text);
    f.set_channel(v1::CHANNEL_REVIEW);
    *f.mutable_occurred_time() = ToProto(clock.Now());
    ASSERT_TRUE(a.processor->Process(f).ok());
  }
  ASSERT_TRUE(b.processor->RestoreClusters().ok());
  auto representative = [](Replica& r) {
    v1::ListClustersRequest request;
    request.set_min_size(2);
    const auto listed = r.service->ListClusters(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() && listed->clusters_size() == 1 ? listed->clusters(0).representative_text() : std::string("?");
  };
  ASSERT_NE(representative(b).find("王小明"), std::string::npos) << "replica b holds the text in memory";

  ASSERT_TRUE(triage::ErasureStore(*a.db).EraseFeedback({"f-erased"}).ok());
  ASSERT_TRUE(a.processor->RestoreClusters().ok());  // what the PrivacyService does on its replica
  const std::string on_a = representative(a), on_b = representative(b);
  EXPECT_EQ(on_b.find("王小明"), std::string::npos) << on_b;
  EXPECT_NE(on_b.find("快递"), std::string::npos) << "the other member now represents the cluster: " << on_b;
  EXPECT_EQ(on_a, on_b);
}

TEST_P(ErasureStorageTest, AssignmentErasesQuotedWordsOnce) {
  auto db = Open("assignment", assignment::AssignmentMigrations());
  Run(*db,
      "INSERT INTO assignment_decisions (feedback_id, ordinal, kind, department, person, case_name, reason,"
      " notify_to) VALUES ('f1', 0, 'red_line', 'legal', '', 'cases/k1',"
      " 'red line safety term \"x\" (why: safety \"secret\" at [0,6)): owned jointly by legal', ''),"
      " ('f1', 1, 'callback', 'sales', 'p-am', 'cases/k2', 'detractor callback owned by the team', '')");
  assignment::ErasureStore store(*db);
  auto first = store.EraseFeedback("C1", {"f1"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(Text(*db, "SELECT reason FROM assignment_decisions WHERE kind = 'red_line'"),
            "red line safety term \"x\" (why: [erased]): owned jointly by legal");
  auto second = store.EraseFeedback("C1", {"f1"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0);
}

// Issue 11: assignment keeps each case's title for the new_p1 alert; a
// callback's title names the customer.
TEST_P(ErasureStorageTest, AssignmentErasesTheCustomerFromStoredCaseTitlesOnce) {
  auto db = Open("assignment", assignment::AssignmentMigrations());
  Run(*db,
      "INSERT INTO assignment_decisions (feedback_id, ordinal, kind, department, person, case_name, reason,"
      " notify_to, priority, title) VALUES ('f1', 0, 'detractor_callback', 'sales', 'p-am', 'cases/k2',"
      " 'detractor callback owned by the team', '', 1, 'Call back detractor C1 (NPS 0)')");
  assignment::ErasureStore store(*db);
  auto first = store.EraseFeedback("C1", {"f1"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(Text(*db, "SELECT title FROM assignment_decisions"), "Call back detractor [erased] (NPS 0)");
  auto second = store.EraseFeedback("C1", {"f1"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0);
}

TEST_P(ErasureStorageTest, TrackingErasesCaseTextsOnce) {
  auto db = Open("tracking", tracking::TrackingMigrations());
  Run(*db,
      "INSERT INTO cases (id, request_id, kind, feedback_id, customer_id, title, summary, priority, state, topics,"
      " create_ms, update_ms, due_ms, resolution_note) VALUES"
      " ('k1', 'callback:f1', 2, 'f1', 'C1', 'Call back detractor C1 (NPS 1)', 'secret', 2, 5, '', 0, 0, 0,"
      " 'called secret'),"
      " ('k2', 'callback:f2', 2, 'f2', 'D1', 'Call back detractor D1 (NPS 2)', 'mine', 2, 1, '', 0, 0, 0, '')");
  Run(*db, "INSERT INTO case_callbacks (case_id, seq, time_ms, actor, reached, note) VALUES ('k1', 1, 0, 'p', 1, 'secret')");
  Run(*db,
      "INSERT INTO case_history (case_id, seq, time_ms, actor, action, detail) VALUES"
      " ('k1', 1, 0, 'p', 'callback_logged', 'customer reached: secret'), ('k1', 2, 0, 'p', 'resolved', 'secret'),"
      " ('k1', 3, 0, 'system:tracking', 'created', 'callback case for sales')");
  tracking::CaseErasureStore store(*db);
  auto first = store.EraseCustomer("C1", {"f1"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->cases, 1);
  EXPECT_EQ(first->callback_notes, 1);
  EXPECT_EQ(first->history_entries, 2);
  EXPECT_EQ(first->case_ids, std::vector<std::string>{"k1"});
  EXPECT_EQ(Text(*db, "SELECT title FROM cases WHERE id = 'k1'"), "Call back detractor [erased] (NPS 1)");
  EXPECT_EQ(Text(*db, "SELECT summary FROM cases WHERE id = 'k2'"), "mine");
  EXPECT_EQ(Text(*db, "SELECT detail FROM case_history WHERE seq = 3"), "callback case for sales");
  auto second = store.EraseCustomer("C1", {"f1"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cases + second->callback_notes + second->history_entries, 0);
  EXPECT_EQ(second->case_ids, std::vector<std::string>{"k1"});
}

TEST_P(ErasureStorageTest, VerificationErasesCustomerFieldsAndKnowledgeOnce) {
  auto db = Open("verification", verification::Migrations());
  Run(*db,
      "INSERT INTO verification_resurveys (id, customer_id, case_id, original_feedback_id, original_nps, due_ms,"
      " state, created_ms) VALUES ('r1', 'C1', 'k1', 'f1', 1, 0, 1, 0), ('r2', 'D1', 'k2', 'f2', 2, 0, 1, 0)");
  Run(*db,
      "INSERT INTO verification_detractor_originals (feedback_id, customer_id, nps, seen_ms, contact_email) VALUES"
      " ('f1', 'C1', 1, 0, 'c1@example.com')");
  Run(*db,
      "INSERT INTO verification_knowledge (source, title, topic, resolution, evidence, verify_ms, search_text)"
      " VALUES ('cases/k1', 'Call back detractor C1', 't', 'secret', 'secret', 0, 'secret')");
  verification::ErasureStore store(*db);
  auto first = store.EraseCustomer("C1", {"f1"}, {"k1"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->resurveys, 1);
  EXPECT_EQ(first->detractor_originals, 1);
  EXPECT_EQ(first->knowledge_entries, 1);
  EXPECT_EQ(Text(*db, "SELECT customer_id FROM verification_resurveys WHERE id = 'r2'"), "D1");
  EXPECT_EQ(Text(*db, "SELECT search_text FROM verification_knowledge").find("secret"), std::string::npos);
  auto second = store.EraseCustomer("C1", {"f1"}, {"k1"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->resurveys + second->detractor_originals + second->knowledge_entries, 0);
}

TEST_P(ErasureStorageTest, NotifyErasesRenderedMessagesOnceAndGivesUpPendingOnes) {
  auto db = Open("notify", notify::Migrations());
  Run(*db,
      "INSERT INTO notify_requests (id, event, case_id, department, recipients, params_json, subject, body,"
      " created_ms, received_ms) VALUES ('q1', 'resurvey', 'k1', '', '', '{\"customer_id\":\"C1\"}', 'secret',"
      " 'secret', 0, 0)");
  Run(*db,
      "INSERT INTO notify_deliveries (message_id, request_id, case_id, event, recipient, recipient_name, channel,"
      " address, mention, language, subject, body_text, body_markdown, body_html, link, payload_json, state,"
      " next_attempt_ms, created_ms) VALUES"
      " ('m1', 'q1', 'k1', 'resurvey', 'customer', 'C One', 'email', 'c1@example.com', '', 'zh', 'secret',"
      " 'secret', 'secret', 'secret', '', '{}', 1, 0, 0)");
  notify::ErasureStore store(*db);
  auto first = store.EraseCustomer("C1", {"k1"}, 7);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->requests, 1);
  EXPECT_EQ(first->deliveries, 1);
  EXPECT_EQ(first->pending_given_up, 1);
  EXPECT_EQ(Text(*db, "SELECT address || subject || body_text FROM notify_deliveries"), "");
  EXPECT_EQ(Text(*db, "SELECT last_error FROM notify_deliveries"), notify::kErasedBeforeDelivery);
  auto second = store.EraseCustomer("C1", {"k1"}, 8);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->requests + second->deliveries, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ErasureStorageTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace voc
