// The triage service against a real redis-server and a real SQLite file:
// the worker consumes voc:feedback and publishes voc:triaged, and the gRPC
// surface answers analyses, counts, clusters, drill-downs and rule updates.
// On SQLite and PostgreSQL: rule updates reach a second replica sharing the
// database, and drill-downs read the terms stored at triage time.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <fstream>
#include <sstream>

#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/text/utf8.h"
#include "services/triage/rule_reloader.h"
#include "services/triage/triage_grpc.h"
#include "services/triage/triage_consumer.h"
#include "services/triage/triage_service.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

class TriageIntegrationTest : public TriageStoreTest {
 protected:
  TriageIntegrationTest() : TriageStoreTest(FromMillis(1764028800000)) {}

  void SetUp() override {
    redis_options_.port = redis_.port();
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
    WeakSignalOptions signal_options;
    signal_options.groups = DefaultSignalGroups(*analyzer_->taxonomy().Current());
    signals_ = std::make_unique<WeakSignalDetector>(signal_options);
    queue::ConsumerOptions consumer;
    consumer.stream = queue::kFeedbackStream;
    consumer.group = "triage";
    consumer.consumer = "test";
    consumer.block = std::chrono::milliseconds(50);
    logic_ = std::make_unique<TriageService>(*processor_, *store_, signals_.get(), clock_);
    publisher_ = std::make_unique<queue::StreamPublisher>(redis_options_, queue::kTriagedStream);
    worker_ = std::make_unique<TriageConsumer>(*logic_, *publisher_, redis_options_, consumer);
    authenticator_ = testing::InProcessAuthenticator(creds_, clock_, "triage");
    editor_ = std::make_unique<RuleEditor>(*analyzer_, *store_, clock_, authenticator_->audit());
    service_ = std::make_unique<TriageGrpc>(*logic_, *editor_, *authenticator_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"triage", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{service_.get()});
    port_ = server_->Start().value();
    stub_ = voc::v1::TriageService::NewStub(creds_.Channel("127.0.0.1:" + std::to_string(port_), "tester"));
  }

  void Publish(const std::string& id, const std::string& text, const std::string& store = "") {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    f.mutable_customer()->set_store(store);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now() - std::chrono::hours(1));
    std::string bytes;
    f.SerializeToString(&bytes);
    queue::StreamProducer producer(redis_options_, queue::kFeedbackStream);
    ASSERT_TRUE(producer.Publish({{"feedback_id", id}, {"payload", bytes}}));
  }

  void Drain() {
    while (worker_->PollOnce() > 0) {
    }
  }

  long TriagedLength() {
    queue::RedisClient client(redis_options_);
    auto reply = client.Command({"XLEN", queue::kTriagedStream});
    return reply ? reply->integer : -1;
  }

  testing::RedisServer redis_;
  queue::RedisOptions redis_options_;
  testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> authenticator_;
  std::unique_ptr<RuleEditor> editor_;
  int port_ = 0;
  std::unique_ptr<WeakSignalDetector> signals_;
  std::unique_ptr<TriageService> logic_;
  std::unique_ptr<queue::StreamPublisher> publisher_;
  std::unique_ptr<TriageConsumer> worker_;
  std::unique_ptr<TriageGrpc> service_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::unique_ptr<voc::v1::TriageService::Stub> stub_;
};

TEST_F(TriageIntegrationTest, ConsumesFeedbackStoresResultsAndPublishesThem) {
  Publish("f1", "快递三天还没到，物流信息一直不更新，太慢了");
  Publish("f2", "送货很快，非常满意");
  Drain();
  EXPECT_EQ(TriagedLength(), 2);
  grpc::ClientContext context;
  voc::v1::GetTriageResultRequest request;
  request.set_feedback("feedback/f1");
  voc::v1::TriageResult result;
  ASSERT_TRUE(stub_->GetTriageResult(&context, request, &result).ok());
  EXPECT_EQ(result.sentiment(), voc::v1::SENTIMENT_NEGATIVE);

  grpc::ClientContext missing_context;
  request.set_feedback("feedback/nope");
  EXPECT_EQ(stub_->GetTriageResult(&missing_context, request, &result).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(TriageIntegrationTest, RedeliveryRepublishesButStoresNothingNew) {
  Publish("f1", "app一登录就闪退");
  Publish("f1", "app一登录就闪退");
  Drain();
  // Both deliveries are published downstream (assignment is idempotent) ...
  EXPECT_EQ(TriagedLength(), 2);
  // ... but there is one result.
  EXPECT_EQ(store_->Count(0, INT64_MAX, "").value().total, 1);
}

TEST_F(TriageIntegrationTest, AnalyzeValidatesItsInput) {
  grpc::ClientContext context;
  voc::v1::AnalyzeRequest request;
  request.set_text("");
  voc::v1::AnalyzeResponse response;
  auto status = stub_->Analyze(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("text"), std::string::npos);

  grpc::ClientContext ok_context;
  request.set_text("这车不行，油耗太高了，后悔买了");
  ASSERT_TRUE(stub_->Analyze(&ok_context, request, &response).ok());
  EXPECT_EQ(response.result().sentiment(), voc::v1::SENTIMENT_NEGATIVE);
  EXPECT_EQ(store_->Count(0, INT64_MAX, "").value().total, 0);  // Analyze stores nothing
}

TEST_F(TriageIntegrationTest, ClustersAndDrillDownPointAtTheCommonCause) {
  for (int i = 0; i < 6; ++i) {
    Publish("late-" + std::to_string(i), "等了一周还没提车，合格证一直没到，太慢了" + std::to_string(i), "store-gz-001");
  }
  for (int i = 0; i < 6; ++i) {
    Publish("crash-" + std::to_string(i), "app更新以后一登录就闪退，太差了" + std::to_string(i), "store-sh-001");
  }
  Drain();
  grpc::ClientContext context;
  voc::v1::ListClustersRequest request;
  request.set_min_size(3);
  voc::v1::ListClustersResponse response;
  ASSERT_TRUE(stub_->ListClusters(&context, request, &response).ok());
  ASSERT_GE(response.clusters_size(), 2);
  EXPECT_GE(response.clusters(0).size(), 5);

  grpc::ClientContext drill_context;
  voc::v1::DrillDownRequest drill;
  drill.set_cluster(response.clusters(0).name());
  drill.set_min_support(3);
  voc::v1::DrillDownResponse factors;
  ASSERT_TRUE(stub_->DrillDown(&drill_context, drill, &factors).ok());
  EXPECT_GE(factors.focus_size(), 5);
  // The cluster about late cars points at the certificate and the store, not at the app.
  bool certificate = false, store = false;
  for (const auto& f : factors.factors()) {
    if (f.kind() == "term" && f.value().find("合格") != std::string::npos) certificate = true;  // ICU splits 合格证 into 合格 + 证
    if (f.kind() == "store" && f.value() == "store-gz-001") store = true;
    EXPECT_GT(f.lift(), 1.0);
  }
  EXPECT_TRUE(certificate);
  EXPECT_TRUE(store);
}

TEST_F(TriageIntegrationTest, EmergingSignalsSayWhatGrewAndSinceWhen) {
  const std::int64_t today = DayIndex(ToMillis(clock_.Now()) / 1000);
  const std::string trend = analyzer_->Normalize("物流信息一直不更新，快递太慢了");
  ASSERT_FALSE(signals_->Combinations(trend).empty()) << "the default groups no longer count these terms";
  for (std::int64_t day = today - 30; day < today; ++day) signals_->Observe("app 闪退", day);  // history
  for (int k = 0; k < 1; ++k) signals_->Observe(trend, today - 2);
  for (int k = 0; k < 2; ++k) signals_->Observe(trend, today - 1);
  for (int k = 0; k < 6; ++k) signals_->Observe(trend, today);

  grpc::ClientContext context;
  voc::v1::ListEmergingSignalsRequest request;  // day: today by the service clock
  voc::v1::ListEmergingSignalsResponse response;
  ASSERT_TRUE(stub_->ListEmergingSignals(&context, request, &response).ok());
  ASSERT_GT(response.signals_size(), 0);
  const auto& top = response.signals(0);
  EXPECT_EQ(top.count(), 6);
  EXPECT_LT(top.p_value(), 1e-5);
  EXPECT_EQ(ProtoToMillis(top.first_seen_time()), (today - 2) * 86400 * 1000);
}

TEST_F(TriageIntegrationTest, InvalidTaxonomyUpdateIsRejectedWithItsLineAndChangesNothing) {
  grpc::ClientContext get_context;
  voc::v1::Taxonomy before;
  ASSERT_TRUE(stub_->GetTaxonomy(&get_context, {}, &before).ok());

  grpc::ClientContext context;
  voc::v1::UpdateTaxonomyRequest request;
  request.set_yaml("version: 2\ntopics:\n  - id: broken\n    department: logistics\n    query: {any: []}\n");
  voc::v1::Taxonomy response;
  auto status = stub_->UpdateTaxonomy(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("yaml"), std::string::npos) << status.error_message();

  grpc::ClientContext after_context;
  voc::v1::Taxonomy after;
  ASSERT_TRUE(stub_->GetTaxonomy(&after_context, {}, &after).ok());
  EXPECT_EQ(after.content_hash(), before.content_hash());
}

TEST_F(TriageIntegrationTest, PreviewCountsWhatAChangedRuleWouldMatchWithoutSavingIt) {
  Publish("p1", "快递三天还没到，太慢了");
  Publish("p2", "物流太慢了");
  Drain();
  grpc::ClientContext get_context;
  voc::v1::Taxonomy current;
  ASSERT_TRUE(stub_->GetTaxonomy(&get_context, {}, &current).ok());

  grpc::ClientContext context;
  voc::v1::PreviewTaxonomyRequest request;
  request.set_yaml(current.yaml());
  voc::v1::PreviewTaxonomyResponse response;
  ASSERT_TRUE(stub_->PreviewTaxonomy(&context, request, &response).ok());
  EXPECT_EQ(response.sample_size(), 2);
  long matches = 0;
  for (const auto& t : response.topics()) {
    EXPECT_EQ(t.current_matches(), t.candidate_matches());  // same rules, same matches
    matches += t.candidate_matches();
  }
  EXPECT_GT(matches, 0);
}

// One triage replica without the queue side: its own connection pool,
// analyser (rules from config/), reloader and gRPC server.
struct Replica {
  Replica(const std::string& database_url, const Clock& clock) {
    db = storage::Database::Open(database_url).value();
    db->Migrate("triage", TriageMigrations()).value();
    store = std::make_unique<TriageStore>(*db);
    analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
    rules = std::make_unique<RuleReloader>(*analyzer, *store);
    processor = std::make_unique<TriageProcessor>(*analyzer, *store, clock);
    logic = std::make_unique<TriageService>(*processor, *store, nullptr, clock);
    authenticator = testing::InProcessAuthenticator(creds, clock, "triage");
    editor = std::make_unique<RuleEditor>(*analyzer, *store, clock, authenticator->audit());
    service = std::make_unique<TriageGrpc>(*logic, *editor, *authenticator);
    server = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"triage", "127.0.0.1:0", nullptr},
                                                  std::vector<grpc::Service*>{service.get()});
    int port = server->Start().value();
    stub = voc::v1::TriageService::NewStub(creds.Channel("127.0.0.1:" + std::to_string(port), "tester"));
  }

  voc::v1::TriageResult Analyze(const std::string& text) {
    grpc::ClientContext context;
    voc::v1::AnalyzeRequest request;
    request.set_text(text);
    voc::v1::AnalyzeResponse response;
    const grpc::Status status = stub->Analyze(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    return response.result();
  }

  std::vector<std::string> TopicsOf(const std::string& text) {
    std::vector<std::string> topics;
    const voc::v1::TriageResult result = Analyze(text);
    for (const auto& t : result.topics()) topics.push_back(t.topic());
    return topics;
  }

  grpc::Status UpdateTaxonomy(const std::string& yaml) {
    grpc::ClientContext context;
    voc::v1::UpdateTaxonomyRequest request;
    request.set_yaml(yaml);
    voc::v1::Taxonomy response;
    return stub->UpdateTaxonomy(&context, request, &response);
  }

  grpc::Status RollbackRules(const std::string& kind, const std::string& version, v1::RuleVersion* made) {
    grpc::ClientContext context;
    voc::v1::RollbackRulesRequest request;
    request.set_kind(kind);
    request.set_version(version);
    return stub->RollbackRules(&context, request, made);
  }

  grpc::Status UpdatePriorityRules(const std::string& yaml, const std::string& comment = "") {
    grpc::ClientContext context;
    voc::v1::UpdatePriorityRulesRequest request;
    request.set_yaml(yaml);
    request.set_comment(comment);
    voc::v1::PriorityRules response;
    return stub->UpdatePriorityRules(&context, request, &response);
  }

  voc::v1::ListRuleVersionsResponse Versions(const std::string& kind) {
    grpc::ClientContext context;
    voc::v1::ListRuleVersionsRequest request;
    request.set_kind(kind);
    voc::v1::ListRuleVersionsResponse response;
    const grpc::Status status = stub->ListRuleVersions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status UpdateRedLines(const std::string& yaml) {
    grpc::ClientContext context;
    voc::v1::UpdateRedLinesRequest request;
    request.set_yaml(yaml);
    voc::v1::RedLines response;
    return stub->UpdateRedLines(&context, request, &response);
  }

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<TriageStore> store;
  std::unique_ptr<TriageAnalyzer> analyzer;
  std::unique_ptr<RuleReloader> rules;
  std::unique_ptr<TriageProcessor> processor;
  std::unique_ptr<TriageService> logic;
  testing::TestCredentials creds;
  std::unique_ptr<auth::CallerAuthenticator> authenticator;
  std::unique_ptr<RuleEditor> editor;
  std::unique_ptr<TriageGrpc> service;
  std::unique_ptr<rpc::ServiceServer> server;
  std::unique_ptr<voc::v1::TriageService::Stub> stub;
};

std::string ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped taxonomy plus a topic for a made-up part, under a new version.
std::string TaxonomyWithWidgets() {
  std::string yaml = ReadConfigFile("config/taxonomy.yaml");
  const std::string old_version = "version: \"2026.12\"";  // the shipped taxonomy's (topics, issue 10)
  EXPECT_NE(yaml.find(old_version), std::string::npos);
  yaml.replace(yaml.find(old_version), old_version.size(), "version: \"2024.2-widgets\"");
  return yaml +
         "  - id: widgets\n"
         "    name: {zh: 小部件, en: Widgets}\n"
         "    department: product_quality\n"
         "    query:\n"
         "      any: [zorblax]\n";
}

bool HasSafetyRedLine(const voc::v1::TriageResult& result) {
  for (const auto& hit : result.red_lines()) {
    if (hit.category() == voc::v1::RED_LINE_CATEGORY_SAFETY) return true;
  }
  return false;
}

// Two replicas sharing one database, as Kubernetes runs them.
class TriageReplicasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgres") {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("triage");
      url = postgres_->Url("triage");
    } else {
      url = "sqlite3://" + dir_.path() + "/triage.db";
    }
    a_ = std::make_unique<Replica>(url, clock_);
    b_ = std::make_unique<Replica>(url, clock_);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  FakeClock clock_{FromMillis(1764028800000)};
  std::unique_ptr<Replica> a_, b_;
};

TEST_P(TriageReplicasTest, TaxonomyUpdatedOnOneReplicaReachesTheOtherAtItsNextCheck) {
  const std::string text = "my zorblax broke after two days";
  auto topics = b_->TopicsOf(text);
  ASSERT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 0);
  // Nothing stored yet: the check changes nothing.
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);

  ASSERT_TRUE(a_->UpdateTaxonomy(TaxonomyWithWidgets()).ok());
  topics = a_->TopicsOf(text);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 1);
  topics = b_->TopicsOf(text);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 0);  // B has not looked yet

  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  topics = b_->TopicsOf(text);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 1);
  EXPECT_EQ(b_->analyzer->taxonomy().Current()->version(), "2024.2-widgets");

  // No newer version: neither replica reloads (A runs its own update already).
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);
  EXPECT_EQ(a_->rules->CheckForNewerRules(), 0);
}

TEST_P(TriageReplicasTest, RedLinesUpdatedOnOneReplicaReachTheOtherAtItsNextCheck) {
  const std::string text = "the zorblax started sparking";
  ASSERT_FALSE(HasSafetyRedLine(b_->Analyze(text)));
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);

  ASSERT_TRUE(a_->UpdateRedLines("version: \"2024.2-zorblax\"\ncategories:\n  safety:\n    - zorblax\n").ok());
  EXPECT_TRUE(HasSafetyRedLine(a_->Analyze(text)));
  EXPECT_FALSE(HasSafetyRedLine(b_->Analyze(text)));

  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  auto result = b_->Analyze(text);
  EXPECT_TRUE(HasSafetyRedLine(result));
  EXPECT_EQ(result.priority(), voc::v1::PRIORITY_P1);
  EXPECT_EQ(b_->analyzer->red_lines().Current()->version(), "2024.2-zorblax");
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);
}

TEST_P(TriageReplicasTest, AStoredRuleSetThatDoesNotValidateKeepsTheRunningRules) {
  ASSERT_TRUE(a_->UpdateTaxonomy(TaxonomyWithWidgets()).ok());
  ASSERT_EQ(b_->rules->CheckForNewerRules(), 1);
  // A newer stored version that this replica cannot read (say, written by a
  // newer release) must not replace working rules.
  clock_.Advance(std::chrono::minutes(1));
  const NewRuleVersion unreadable{kTaxonomyRules, "2024.3", "0123456789abcdef", "version: 2024.3\ntopics: [oops",
                                  "service:newer-release", "", "", ToMillis(clock_.Now())};
  ASSERT_TRUE(b_->store->SaveRuleVersion(unreadable, unreadable).ok());
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(b_->analyzer->taxonomy().Current()->version(), "2024.2-widgets");
  auto topics = b_->TopicsOf("my zorblax broke");
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 1);
  // Logged once, not on every check.
  std::size_t first = log.find("rules_reload_rejected");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("rules_reload_rejected", first + 1), std::string::npos) << log;

  // At start the same stored version stops the replica, as a bad file does.
  Replica restarted(postgres_ ? postgres_->Url("triage") : "sqlite3://" + dir_.path() + "/triage.db", clock_);
  EXPECT_EQ(restarted.rules->LoadStoredRules().code(), absl::StatusCode::kInvalidArgument);

  // A valid update after it is followed again.
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(a_->UpdateTaxonomy(ReadConfigFile("config/taxonomy.yaml")).ok());
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  EXPECT_EQ(b_->analyzer->taxonomy().Current()->version(), "2026.12");
}

// The update is stored before it is installed: when the database refuses it,
// the caller gets an error and the replica keeps the rules the others have.
TEST_P(TriageReplicasTest, AnUpdateTheDatabaseRefusesIsNotInstalled) {
  a_->db->InTransaction([](soci::session& s) { s << "DROP TABLE rule_versions"; });
  EXPECT_FALSE(a_->UpdateTaxonomy(TaxonomyWithWidgets()).ok());
  EXPECT_NE(a_->analyzer->taxonomy().Current()->version(), "2024.2-widgets");
  const auto topics = a_->TopicsOf("my zorblax broke after two days");
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 0);
}

TEST_P(TriageReplicasTest, AReplicaStartingLaterLoadsTheStoredRules) {
  ASSERT_TRUE(a_->UpdateTaxonomy(TaxonomyWithWidgets()).ok());
  Replica later(postgres_ ? postgres_->Url("triage") : "sqlite3://" + dir_.path() + "/triage.db", clock_);
  ASSERT_TRUE(later.rules->LoadStoredRules().ok());
  auto topics = later.TopicsOf("my zorblax broke");
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 1);
  EXPECT_EQ(later.rules->CheckForNewerRules(), 0);
}

// Issue 9: a rollback is a new version like an update, so the other
// replicas follow it at their next check.
TEST_P(TriageReplicasTest, ARollbackOnOneReplicaReachesTheOtherAtItsNextCheck) {
  const std::string text = "my zorblax broke after two days";
  ASSERT_TRUE(a_->UpdateTaxonomy(TaxonomyWithWidgets()).ok());
  ASSERT_EQ(b_->rules->CheckForNewerRules(), 1);
  auto topics = b_->TopicsOf(text);
  ASSERT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 1);

  v1::RuleVersion made;
  const grpc::Status rolled = a_->RollbackRules("taxonomy", "1", &made);
  ASSERT_TRUE(rolled.ok()) << rolled.error_message();
  EXPECT_EQ(made.name(), "taxonomy/versions/3");
  EXPECT_EQ(made.rolled_back_from(), "taxonomy/versions/1");
  EXPECT_EQ(made.author(), "service:tester");
  EXPECT_EQ(made.label(), "2026.12");  // the shipped file, recorded before the first change
  topics = a_->TopicsOf(text);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 0);

  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  topics = b_->TopicsOf(text);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "widgets"), 0);
  EXPECT_EQ(b_->analyzer->taxonomy().Current()->version(), "2026.12");
}

// Issue 9's migration numbers the versions stored before it by their time
// (ties by id), per kind, so the newest stays the one in force; the next
// change is numbered after them.
TEST_P(TriageReplicasTest, VersionsStoredBeforeTheHistoryAreNumberedByTime) {
  std::string url;
  if (postgres_) {
    postgres_->CreateDatabase("legacy");
    url = postgres_->Url("legacy");
  } else {
    url = "sqlite3://" + dir_.path() + "/legacy.db";
  }
  auto db = storage::Database::Open(url).value();
  std::vector<storage::Migration> before_history = TriageMigrations();
  before_history.resize(4);
  ASSERT_TRUE(db->Migrate("triage", before_history).ok());
  db->InTransaction([](soci::session& s) {
    s << "INSERT INTO rule_versions (id, kind, version, content_hash, yaml, created_ms) VALUES"
         " ('redlines:b:200', 'redlines', 'r2', 'b', 'y', 200), ('redlines:a:100', 'redlines', 'r1', 'a', 'y', 100),"
         " ('taxonomy:c:150', 'taxonomy', 't1', 'c', 'y', 150), ('redlines:c:200', 'redlines', 'r3', 'c', 'y', 200)";
  });
  ASSERT_TRUE(db->Migrate("triage", TriageMigrations()).ok());
  TriageStore store(*db);
  const auto redlines = store.ListRuleVersions(kRedLineRules, INT64_MAX, 10).value();
  ASSERT_EQ(redlines.size(), 3u);
  EXPECT_EQ(redlines[0].number, 3);
  EXPECT_EQ(redlines[0].label, "r3");  // same time as r2, larger id
  EXPECT_EQ(redlines[1].label, "r2");
  EXPECT_EQ(redlines[2].number, 1);
  EXPECT_EQ(redlines[2].author, "");
  EXPECT_EQ(store.NewestRuleNumber(kTaxonomyRules).value(), 1);
  const auto newest = store.NewestRuleVersions().value();
  ASSERT_EQ(newest.size(), 2u);
  const NewRuleVersion next{kRedLineRules, "r4", "d", "y", "p-emily-carter", "why", "", 300};
  EXPECT_EQ(store.SaveRuleVersion(next, next).value(), 4);
  EXPECT_EQ(store.GetRuleVersion(kRedLineRules, 4).value()->author, "p-emily-carter");
  EXPECT_FALSE(store.GetRuleVersion(kRedLineRules, 5).value().has_value());
}

// Issue 9: the priority matrix is a kind of rules like the taxonomy: an
// update is recorded with who and when, grades at once here and at the next
// check on the other replica, rolls back to a named version, and a restart
// installs the newest.
constexpr char kAngryComplaint[] = "the delivery was late again and the courier was rude, terrible service";

std::string EveryNegativeIsP1() {
  return "version: \"2026.12-urgent\"\n"
         "default: {priority: P4, reason: \"no escalation criteria met\"}\n"
         "rules:\n"
         "  - when: {sentiment: [negative]}\n"
         "    priority: P1\n"
         "    reason: \"every complaint is urgent this week\"\n";
}

TEST_P(TriageReplicasTest, PriorityRulesChangeWithWhoAndWhenAndRollBack) {
  const auto before = b_->Analyze(kAngryComplaint);
  ASSERT_EQ(before.sentiment(), voc::v1::SENTIMENT_NEGATIVE);
  ASSERT_NE(before.priority(), voc::v1::PRIORITY_P1);
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 0);

  clock_.Advance(std::chrono::minutes(3));
  const grpc::Status updated = a_->UpdatePriorityRules(EveryNegativeIsP1(), "campaign week");
  ASSERT_TRUE(updated.ok()) << updated.error_message();
  EXPECT_EQ(a_->Analyze(kAngryComplaint).priority(), voc::v1::PRIORITY_P1);
  EXPECT_EQ(a_->Analyze(kAngryComplaint).priority_reason(), "every complaint is urgent this week");
  EXPECT_EQ(b_->Analyze(kAngryComplaint).priority(), before.priority());  // B has not looked yet
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  EXPECT_EQ(b_->Analyze(kAngryComplaint).priority(), voc::v1::PRIORITY_P1);

  const auto versions = a_->Versions("priority");
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).name(), "priority/versions/2");
  EXPECT_EQ(versions.versions(0).author(), "service:tester");
  EXPECT_EQ(versions.versions(0).comment(), "campaign week");
  EXPECT_EQ(versions.versions(0).label(), "2026.12-urgent");
  EXPECT_EQ(ToMillis(FromProto(versions.versions(0).create_time())), ToMillis(clock_.Now()));
  EXPECT_EQ(versions.versions(1).author(), "config");
  EXPECT_EQ(versions.versions(1).label(), "2024.1");  // config/priority.yaml

  // A restart installs the newest version, not the file.
  Replica restarted(postgres_ ? postgres_->Url("triage") : "sqlite3://" + dir_.path() + "/triage.db", clock_);
  ASSERT_TRUE(restarted.rules->LoadStoredRules().ok());
  EXPECT_EQ(restarted.Analyze(kAngryComplaint).priority(), voc::v1::PRIORITY_P1);

  v1::RuleVersion made;
  const grpc::Status rolled = a_->RollbackRules("priority", "priority/versions/1", &made);
  ASSERT_TRUE(rolled.ok()) << rolled.error_message();
  EXPECT_EQ(made.name(), "priority/versions/3");
  EXPECT_EQ(made.rolled_back_from(), "priority/versions/1");
  EXPECT_EQ(a_->Analyze(kAngryComplaint).priority(), before.priority());
  EXPECT_EQ(b_->rules->CheckForNewerRules(), 1);
  EXPECT_EQ(b_->Analyze(kAngryComplaint).priority(), before.priority());
}

TEST_P(TriageReplicasTest, ABadPriorityMatrixIsRefusedWithItsLineAndChangesNothing) {
  const std::string bad =
      "version: \"x\"\n"
      "rules:\n"
      "  - when: {sentiment: [negative]}\n"
      "    priority: P9\n";
  grpc::ClientContext context;
  voc::v1::UpdatePriorityRulesRequest request;
  request.set_yaml(bad);
  voc::v1::PriorityRules response;
  const grpc::Status refused = a_->stub->UpdatePriorityRules(&context, request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("yaml:4: ", 0), 0u) << refused.error_message();
  EXPECT_EQ(a_->analyzer->priority().Current()->version(), "2024.1");
  EXPECT_EQ(a_->Versions("priority").versions_size(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TriageReplicasTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// What triage reads back from its database, on both backends: drill-down
// terms stored at triage time, rows stored without them, the signal restore.
class TriageStoredDataTest : public TriageReplicasTest {
 protected:
  void Process(const std::string& id, const std::string& text, const std::string& shop, int hours_ago) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    f.mutable_customer()->set_store(shop);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now() - std::chrono::hours(hours_ago));
    a_->processor->Process(f).value();
  }

  std::vector<std::string> DrillDown(Replica& replica, const std::string& topic) {
    grpc::ClientContext context;
    voc::v1::DrillDownRequest request;
    request.set_topic(topic);
    request.set_limit(100);
    voc::v1::DrillDownResponse response;
    EXPECT_TRUE(replica.stub->DrillDown(&context, request, &response).ok());
    std::vector<std::string> factors;
    for (const auto& f : response.factors()) {
      factors.push_back(f.kind() + "=" + f.value() + " " + std::to_string(f.count()) + "/" +
                        std::to_string(f.baseline_count()) + " g2 " + std::to_string(f.g2()));
    }
    return factors;
  }

  long long RowsWithoutTerms() {
    return a_->db->WithSession([](soci::session& s) {
      long long n = 0;
      s << "SELECT COUNT(*) FROM triage_results WHERE negative = 1 AND drill_terms IS NULL", soci::into(n);
      return n;
    });
  }
};

TEST_P(TriageStoredDataTest, DrillDownReadsStoredTermsAndFillsInRowsStoredWithoutThem) {
  for (int i = 0; i < 8; ++i) {
    Process("stuck-" + std::to_string(i), "快递卡在海关好几天了，太慢了" + std::to_string(i), "S07", i);
  }
  const std::vector<std::string> others = {"app一登录就闪退，太差了", "菜送到的时候都凉了，太难吃了",
                                           "客服态度很差，问题一直没解决", "手机屏幕一直闪，太差了"};
  for (int i = 0; i < 24; ++i) {
    Process("other-" + std::to_string(i), others[i % others.size()], "S1" + std::to_string(i % 9), i);
  }
  EXPECT_EQ(RowsWithoutTerms(), 0);

  const auto stored = DrillDown(*a_, "logistics");
  auto has = [&](const std::string& prefix) {
    return std::any_of(stored.begin(), stored.end(), [&](const std::string& f) { return f.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(has("term=海关 8/0")) << ::testing::PrintToString(stored);
  EXPECT_TRUE(has("store=S07 8/0")) << ::testing::PrintToString(stored);

  // As if stored before migration 3: the same answer, and the terms are kept.
  a_->db->InTransaction([](soci::session& s) { s << "UPDATE triage_results SET drill_terms = NULL"; });
  EXPECT_EQ(DrillDown(*b_, "logistics"), stored);
  EXPECT_EQ(RowsWithoutTerms(), 0);
  EXPECT_EQ(DrillDown(*b_, "logistics"), stored);

  WeakSignalOptions options;
  options.groups = DefaultSignalGroups(*b_->analyzer->taxonomy().Current());
  WeakSignalDetector signals(options);
  EXPECT_EQ(RestoreSignalHistory(*b_->store, signals, ToMillis(clock_.Now())).value(), 32u);
  EXPECT_GT(signals.combination_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, TriageStoredDataTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------------------
// The database down for longer than the dead-letter threshold: a SQLite file
// held by another connection with BEGIN EXCLUSIVE makes every write fail with
// SQLITE_BUSY once the busy timeout runs out, which the store returns as
// UNAVAILABLE. The consumer retries the message (never counted towards
// dead-lettering) and triages it once the lock is gone; a malformed message
// is still dead-lettered after max_deliveries with its error.
class TriageOutageTest : public ::testing::Test {
 protected:
  static constexpr int kMaxDeliveries = 3;

  void SetUp() override {
    redis_options_.port = redis_.port();
    path_ = dir_.path() + "/triage.db";
    // One pooled session, so the short busy timeout below is the one used
    // (Database sets 10 s, which would make each try wait that long).
    auto opened_db = storage::Database::Open("sqlite3://" + path_, 1);
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate("triage", TriageMigrations()).status(), absl::OkStatus());
    db_->WithSession([](soci::session& s) { s << "PRAGMA busy_timeout=50"; });
    store_ = std::make_unique<TriageStore>(*db_);
    analyzer_ = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
    processor_ = std::make_unique<TriageProcessor>(*analyzer_, *store_, clock_);
    service_ = std::make_unique<TriageService>(*processor_, *store_, nullptr, clock_);
    publisher_ = std::make_unique<queue::StreamPublisher>(redis_options_, queue::kTriagedStream);
    queue::ConsumerOptions consumer;
    consumer.stream = queue::kFeedbackStream;
    consumer.group = "triage";
    consumer.consumer = "test";
    consumer.block = std::chrono::milliseconds(20);
    consumer.max_deliveries = kMaxDeliveries;
    consumer_ = std::make_unique<TriageConsumer>(*service_, *publisher_, redis_options_, consumer);
  }

  void PublishFields(const std::map<std::string, std::string>& fields) {
    queue::StreamProducer producer(redis_options_, queue::kFeedbackStream);
    ASSERT_TRUE(producer.Publish(fields));
  }

  void PublishFeedback(const std::string& id, const std::string& text) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now());
    std::string bytes;
    f.SerializeToString(&bytes);
    PublishFields({{"feedback_id", id}, {"payload", bytes}});
  }

  long Length(const std::string& stream) {
    queue::RedisClient client(redis_options_);
    auto reply = client.Command({"XLEN", stream});
    return reply ? reply->integer : -1;
  }

  std::string DeadLetterError() {
    queue::RedisClient client(redis_options_);
    auto reply = client.Command({"XRANGE", std::string(queue::kFeedbackStream) + ":dead", "-", "+"});
    if (!reply) return "";
    for (const auto& m : queue::ParseEntries(reply.get())) {
      auto error = m.fields.find("error");
      if (error != m.fields.end()) return error->second;
    }
    return "";
  }

  testing::RedisServer redis_;
  queue::RedisOptions redis_options_;
  testing::TempDir dir_;
  std::string path_;
  FakeClock clock_{FromMillis(1764028800000)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TriageStore> store_;
  std::unique_ptr<TriageAnalyzer> analyzer_;
  std::unique_ptr<TriageProcessor> processor_;
  std::unique_ptr<TriageService> service_;
  std::unique_ptr<queue::StreamPublisher> publisher_;
  std::unique_ptr<TriageConsumer> consumer_;
};

TEST_F(TriageOutageTest, ALockedDatabaseIsRetriedPastTheDeadLetterThresholdAndTriagedOnceItIsBack) {
  soci::session locker(soci::sqlite3, "db=" + path_);
  locker << "BEGIN EXCLUSIVE";
  PublishFeedback("f-outage", "快递三天还没到，物流信息一直不更新，太慢了");
  for (int attempt = 0; attempt < 3 * kMaxDeliveries; ++attempt) EXPECT_EQ(consumer_->PollOnce(), 0);
  EXPECT_EQ(Length(std::string(queue::kFeedbackStream) + ":dead"), 0);
  EXPECT_EQ(Length(queue::kTriagedStream), 0);

  locker << "ROLLBACK";
  EXPECT_EQ(consumer_->PollOnce(), 1);
  EXPECT_EQ(Length(queue::kTriagedStream), 1);
  EXPECT_EQ(Length(std::string(queue::kFeedbackStream) + ":dead"), 0);
  const auto stored = store_->GetResult("f-outage").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->triaged.result().sentiment(), voc::v1::SENTIMENT_NEGATIVE);
  // The retries did not add the feedback to its cluster once per try.
  const auto cluster = processor_->clusters().Get(std::stoull(stored->triaged.result().cluster_id()));
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->size, 1u);
}

TEST_F(TriageOutageTest, AMalformedMessageIsStillDeadLetteredAfterMaxDeliveriesWithItsError) {
  PublishFields({{"feedback_id", "bad"}, {"payload", "not a feedback"}});
  for (int attempt = 0; attempt < kMaxDeliveries; ++attempt) consumer_->PollOnce();
  EXPECT_EQ(Length(std::string(queue::kFeedbackStream) + ":dead"), 1);
  EXPECT_NE(DeadLetterError().find("payload is not a voc.v1.Feedback"), std::string::npos) << DeadLetterError();
  EXPECT_EQ(Length(queue::kTriagedStream), 0);
}

// ---------------------------------------------------------------------------
// What triage serves about its own rules and clusters, and paging.

std::vector<std::string> TopicIds(const voc::v1::ListTopicsResponse& response) {
  std::vector<std::string> ids;
  for (const auto& t : response.topics()) ids.push_back(t.id());
  return ids;
}

TEST_F(TriageIntegrationTest, ListTopicsServesTheTaxonomyWithInheritedDepartments) {
  grpc::ClientContext context;
  voc::v1::ListTopicsRequest request;
  request.set_page_size(1000);
  voc::v1::ListTopicsResponse all;
  ASSERT_TRUE(stub_->ListTopics(&context, request, &all).ok());
  EXPECT_EQ(all.version(), analyzer_->taxonomy().Current()->version());
  EXPECT_EQ(all.topics_size(), static_cast<int>(analyzer_->taxonomy().Current()->topics().size()));
  EXPECT_TRUE(all.next_page_token().empty());
  const auto delay = std::find_if(all.topics().begin(), all.topics().end(),
                                  [](const voc::v1::Topic& t) { return t.id() == "logistics.delivery_delay"; });
  ASSERT_NE(delay, all.topics().end());
  EXPECT_EQ(delay->parent(), "logistics");
  EXPECT_EQ(delay->department(), "logistics");  // inherited from its parent
  EXPECT_FALSE(delay->name_zh().empty());
  EXPECT_FALSE(delay->name_en().empty());

  grpc::ClientContext department_context;
  request.set_department("customer_service");
  voc::v1::ListTopicsResponse service;
  ASSERT_TRUE(stub_->ListTopics(&department_context, request, &service).ok());
  const auto ids = TopicIds(service);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "service"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "service.staff_attitude"), ids.end());
  // It names its own department.
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "service.after_sales"), ids.end());
  for (const auto& t : service.topics()) EXPECT_EQ(t.department(), "customer_service");
}

// The shipped taxonomy plus one topic at the end.
std::string TaxonomyPlus(const std::string& current_yaml, const std::string& id) {
  return current_yaml + "\n  - id: " + id + "\n    name: {zh: 新, en: New}\n    department: logistics\n" +
         "    query: {any: [" + id + "]}\n";
}

TEST_F(TriageIntegrationTest, ListTopicsPagesReturnEveryTopicOnceWhileTopicsAreAdded) {
  const auto original = analyzer_->taxonomy().Current();
  std::vector<std::string> seen;
  voc::v1::ListTopicsRequest request;
  request.set_page_size(4);
  int added = 0;
  std::string yaml = original->source_yaml();
  do {
    grpc::ClientContext context;
    voc::v1::ListTopicsResponse page;
    ASSERT_TRUE(stub_->ListTopics(&context, request, &page).ok());
    for (const auto& id : TopicIds(page)) seen.push_back(id);
    request.set_page_token(page.next_page_token());
    // Another operator adds a topic between two pages.
    yaml = TaxonomyPlus(yaml, "added" + std::to_string(added++));
    ASSERT_TRUE(analyzer_->taxonomy().Update(yaml).ok());
  } while (!request.page_token().empty());
  for (const auto& t : original->topics()) {
    EXPECT_EQ(std::count(seen.begin(), seen.end(), t.id), 1) << t.id;
  }
  std::set<std::string> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), seen.size()) << "a topic was returned twice";
}

// Tampered tokens and tokens sent with another filter are refused naming
// page_token.
template <typename Request, typename Call>
void ExpectPageTokenChecks(Request request, const std::string& token, Call call, void (*change_filter)(Request&)) {
  ASSERT_FALSE(token.empty());
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  request.set_page_token(tampered);
  grpc::Status status = call(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos) << status.error_message();

  request.set_page_token(token);
  change_filter(request);
  status = call(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos) << status.error_message();
}

TEST_F(TriageIntegrationTest, ListTopicsRefusesTamperedAndReusedPageTokens) {
  voc::v1::ListTopicsRequest request;
  request.set_page_size(2);
  grpc::ClientContext context;
  voc::v1::ListTopicsResponse page;
  ASSERT_TRUE(stub_->ListTopics(&context, request, &page).ok());
  ExpectPageTokenChecks(
      request, page.next_page_token(),
      [&](const voc::v1::ListTopicsRequest& r) {
        grpc::ClientContext c;
        voc::v1::ListTopicsResponse out;
        return stub_->ListTopics(&c, r, &out);
      },
      +[](voc::v1::ListTopicsRequest& r) { r.set_department("logistics"); });
}

// A negative complaint of its own: 24 random Han characters (shared by no
// other cluster) and a complaint that makes it negative.
std::string ComplaintNumber(int k, bool variant) {
  std::uint32_t state = 2654435761u * static_cast<std::uint32_t>(k + 1);
  std::string text;
  for (int i = 0; i < 24; ++i) {
    state = state * 1664525u + 1013904223u;
    voc::triage::text::AppendUtf8(text, static_cast<char32_t>(0x4E00 + (state >> 8) % 3000));
  }
  return text + (variant ? "，太差了，非常失望" : "，太差了，非常失望！");
}

class TriageClusterListTest : public TriageIntegrationTest {
 protected:
  // Two near-identical negative feedbacks: one cluster of two.
  std::string AddCluster(int k, int hours_ago, const std::string& topic_text = "") {
    std::string cluster_id;
    for (int copy = 0; copy < 2; ++copy) {
      voc::v1::Feedback f;
      f.set_id("k" + std::to_string(k) + "-" + std::to_string(copy));
      f.set_channel(voc::v1::CHANNEL_REVIEW);
      f.set_text(topic_text + ComplaintNumber(k, copy == 1));
      *f.mutable_occurred_time() = voc::ToProto(clock_.Now() - std::chrono::hours(hours_ago));
      const auto triaged = processor_->Process(f).value();
      EXPECT_EQ(triaged.result().sentiment(), voc::v1::SENTIMENT_NEGATIVE) << f.text();
      cluster_id = triaged.result().cluster_id();
    }
    return cluster_id;
  }

  voc::v1::ListClustersResponse List(const voc::v1::ListClustersRequest& request) {
    grpc::ClientContext context;
    voc::v1::ListClustersResponse response;
    const grpc::Status status = stub_->ListClusters(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

std::vector<std::string> ClusterIds(const voc::v1::ListClustersResponse& response) {
  std::vector<std::string> ids;
  for (const auto& c : response.clusters()) ids.push_back(c.id());
  return ids;
}

TEST_F(TriageClusterListTest, PagesReturnEveryClusterOnceWhileClustersAreAdded) {
  std::set<std::string> original;
  for (int k = 0; k < 7; ++k) original.insert(AddCluster(k, 1));
  ASSERT_EQ(original.size(), 7u);
  voc::v1::ListClustersRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  int next = 100;
  do {
    const auto page = List(request);
    for (const auto& id : ClusterIds(page)) seen.push_back(id);
    request.set_page_token(page.next_page_token());
    AddCluster(next++, 1);  // new complaints arrive between two pages
  } while (!request.page_token().empty());
  for (const auto& id : original) EXPECT_EQ(std::count(seen.begin(), seen.end(), id), 1) << id;
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "a cluster was returned twice";
}

TEST_F(TriageClusterListTest, RefusesTamperedAndReusedPageTokens) {
  for (int k = 0; k < 3; ++k) AddCluster(k, 1);
  voc::v1::ListClustersRequest request;
  request.set_page_size(1);
  const auto page = List(request);
  ExpectPageTokenChecks(
      request, page.next_page_token(),
      [&](const voc::v1::ListClustersRequest& r) {
        grpc::ClientContext c;
        voc::v1::ListClustersResponse out;
        return stub_->ListClusters(&c, r, &out);
      },
      +[](voc::v1::ListClustersRequest& r) { r.set_department("logistics"); });
}

TEST_F(TriageClusterListTest, FiltersByDepartmentWithSubtopicsAndByTimeRange) {
  const std::string late = AddCluster(1, 2, "快递三天还没到，物流太慢了。");  // logistics.delivery_delay
  const std::string crash = AddCluster(2, 2, "app一登录就闪退。");           // app.crash
  const std::string old_late = AddCluster(3, 24 * 20, "快递三天还没到，物流太慢了。");

  voc::v1::ListClustersRequest request;
  request.set_department("logistics");
  auto ids = ClusterIds(List(request));
  EXPECT_NE(std::find(ids.begin(), ids.end(), late), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), old_late), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), crash), ids.end());

  // Seen in the last ten days only.
  *request.mutable_start_time() = voc::ToProto(clock_.Now() - std::chrono::hours(24 * 10));
  *request.mutable_end_time() = voc::ToProto(clock_.Now());
  ids = ClusterIds(List(request));
  EXPECT_EQ(ids, std::vector<std::string>{late});

  // A window that ends before anything was seen.
  *request.mutable_start_time() = voc::ToProto(clock_.Now() - std::chrono::hours(24 * 40));
  *request.mutable_end_time() = voc::ToProto(clock_.Now() - std::chrono::hours(24 * 30));
  EXPECT_TRUE(List(request).clusters().empty());
}

class TriageSignalListTest : public TriageIntegrationTest {
 protected:
  // Makes every combination of `text`'s terms emerging today.
  void Emerge(const std::string& raw) {
    const std::int64_t today = DayIndex(ToMillis(clock_.Now()) / 1000);
    const std::string text = analyzer_->Normalize(raw);
    for (int k = 0; k < 6; ++k) signals_->Observe(text, today);
  }
  void History() {
    const std::int64_t today = DayIndex(ToMillis(clock_.Now()) / 1000);
    for (std::int64_t day = today - 30; day < today; ++day) signals_->Observe("app 闪退", day);
  }
  static std::string Key(const voc::v1::EmergingSignal& s) {
    std::string key;
    for (const auto& t : s.terms()) key += t + "|";
    return key;
  }
};

TEST_F(TriageSignalListTest, PagesReturnEverySignalOnceWhileSignalsAreAdded) {
  History();
  Emerge("物流信息一直不更新，快递太慢了");
  Emerge("菜送到的时候都凉了，太难吃了");
  Emerge("客服态度很差，问题一直没解决");
  Emerge("价格太贵了，退款一直不到账");
  grpc::ClientContext all_context;
  voc::v1::ListEmergingSignalsRequest request;
  voc::v1::ListEmergingSignalsResponse all;
  ASSERT_TRUE(stub_->ListEmergingSignals(&all_context, request, &all).ok());
  ASSERT_GT(all.signals_size(), 1) << "need several signals to page through";

  request.set_page_size(1);
  std::vector<std::string> seen;
  bool added = false;
  do {
    grpc::ClientContext context;
    voc::v1::ListEmergingSignalsResponse page;
    ASSERT_TRUE(stub_->ListEmergingSignals(&context, request, &page).ok());
    for (const auto& s : page.signals()) seen.push_back(Key(s));
    request.set_page_token(page.next_page_token());
    if (!added) Emerge("手机屏幕一直闪，质量太差了，售后也不管");  // new signals between two pages
    added = true;
  } while (!request.page_token().empty());
  for (const auto& s : all.signals()) EXPECT_EQ(std::count(seen.begin(), seen.end(), Key(s)), 1) << Key(s);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "a signal was returned twice";
}

// Issue 12: a department's weekly digest lists the signals of its topics.
TEST_F(TriageSignalListTest, ASignalNamesTheDepartmentsOfItsFeedbacksTopicsAndFiltersByOne) {
  clock_.Advance(std::chrono::hours(2));  // Publish dates feedback an hour ago: today, not yesterday
  History();
  for (int k = 0; k < 6; ++k) Publish("late-" + std::to_string(k), "物流信息一直不更新，快递太慢了" + std::to_string(k));
  Drain();
  grpc::ClientContext context;
  voc::v1::ListEmergingSignalsRequest request;
  voc::v1::ListEmergingSignalsResponse all;
  ASSERT_TRUE(stub_->ListEmergingSignals(&context, request, &all).ok());
  ASSERT_GT(all.signals_size(), 0);
  for (const auto& s : all.signals()) {
    EXPECT_EQ(std::vector<std::string>(s.departments().begin(), s.departments().end()),
              std::vector<std::string>{"logistics"}) << Key(s);
  }

  request.set_department("logistics");
  grpc::ClientContext logistics_context;
  voc::v1::ListEmergingSignalsResponse logistics;
  ASSERT_TRUE(stub_->ListEmergingSignals(&logistics_context, request, &logistics).ok());
  EXPECT_EQ(logistics.signals_size(), all.signals_size());

  request.set_department("app_engineering");
  grpc::ClientContext app_context;
  voc::v1::ListEmergingSignalsResponse app;
  ASSERT_TRUE(stub_->ListEmergingSignals(&app_context, request, &app).ok());
  EXPECT_EQ(app.signals_size(), 0) << "no app feedback mentions these terms";
}

TEST_F(TriageSignalListTest, LimitStillWorksAndTokensAreChecked) {
  History();
  Emerge("物流信息一直不更新，快递太慢了");
  grpc::ClientContext context;
  voc::v1::ListEmergingSignalsRequest request;
  request.set_limit(1);  // the deprecated alias of page_size
  voc::v1::ListEmergingSignalsResponse page;
  ASSERT_TRUE(stub_->ListEmergingSignals(&context, request, &page).ok());
  EXPECT_EQ(page.signals_size(), 1);
  ExpectPageTokenChecks(
      request, page.next_page_token(),
      [&](const voc::v1::ListEmergingSignalsRequest& r) {
        grpc::ClientContext c;
        voc::v1::ListEmergingSignalsResponse out;
        return stub_->ListEmergingSignals(&c, r, &out);
      },
      +[](voc::v1::ListEmergingSignalsRequest& r) { *r.mutable_day() = voc::MillisToProto(0); });
}

TEST_F(TriageIntegrationTest, PreviewRedLinesCountsGainedAndLostPerCategoryWithExamples) {
  Publish("r1", "充电器起火了，太可怕了");
  Publish("r2", "我要找律师起诉你们");
  Publish("r3", "快递太慢了");
  Drain();
  grpc::ClientContext context;
  voc::v1::PreviewRedLinesRequest request;
  // Safety no longer flags 起火, legal no longer flags 律师/起诉, and 快递 becomes a PR-crisis term.
  request.set_yaml("version: candidate\ncategories:\n  safety: [爆炸]\n  legal: [lawsuit]\n"
                   "  regulatory: [12315]\n  pr_crisis: [快递]\n");
  voc::v1::PreviewRedLinesResponse response;
  const grpc::Status status = stub_->PreviewRedLines(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.sample_size(), 3);
  std::map<std::string, voc::v1::RedLinePreview> by_category;
  for (const auto& c : response.categories()) by_category[c.category()] = c;
  ASSERT_EQ(by_category.size(), 4u);
  EXPECT_EQ(by_category["safety"].current_matches(), 1);
  EXPECT_EQ(by_category["safety"].candidate_matches(), 0);
  EXPECT_EQ(by_category["safety"].lost(), 1);
  ASSERT_EQ(by_category["safety"].lost_examples_size(), 1);
  EXPECT_NE(by_category["safety"].lost_examples(0).find("起火"), std::string::npos);
  EXPECT_EQ(by_category["legal"].lost(), 1);
  EXPECT_EQ(by_category["pr_crisis"].gained(), 1);
  ASSERT_EQ(by_category["pr_crisis"].gained_examples_size(), 1);
  EXPECT_NE(by_category["pr_crisis"].gained_examples(0).find("快递"), std::string::npos);

  grpc::ClientContext bad_context;
  request.set_yaml("version: 1\ncategories:\n  rumours: [x]\n");
  const grpc::Status bad = stub_->PreviewRedLines(&bad_context, request, &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message().rfind("yaml:3: ", 0), 0u) << bad.error_message();
}

TEST_F(TriageIntegrationTest, PreviewTaxonomyReportsGainedAndLost) {
  Publish("p1", "快递三天还没到，太慢了");
  Publish("p2", "物流太慢了");
  Drain();
  grpc::ClientContext get_context;
  voc::v1::Taxonomy current;
  ASSERT_TRUE(stub_->GetTaxonomy(&get_context, {}, &current).ok());
  grpc::ClientContext context;
  voc::v1::PreviewTaxonomyRequest request;
  request.set_yaml(TaxonomyPlus(current.yaml(), "slowness") + "  - id: slow_things\n    name: {zh: 慢, en: Slow}\n"
                   "    department: logistics\n    query: {any: [太慢]}\n");
  voc::v1::PreviewTaxonomyResponse response;
  const grpc::Status status = stub_->PreviewTaxonomy(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  bool found = false;
  for (const auto& t : response.topics()) {
    if (t.topic() != "slow_things") continue;
    found = true;
    EXPECT_EQ(t.current_matches(), 0);
    EXPECT_EQ(t.candidate_matches(), 2);
    EXPECT_EQ(t.gained(), 2);
    EXPECT_EQ(t.lost(), 0);
  }
  EXPECT_TRUE(found);

  grpc::ClientContext update_context;
  voc::v1::UpdateTaxonomyRequest update;
  update.set_yaml("version: 2\ntopics:\n  - id: broken\n    department: logistics\n    query: {any: []}\n");
  voc::v1::Taxonomy updated;
  const grpc::Status invalid = stub_->UpdateTaxonomy(&update_context, update, &updated);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(invalid.error_message().find("yaml: yaml:"), std::string::npos) << invalid.error_message();
  EXPECT_EQ(invalid.error_message().rfind("yaml:", 0), 0u) << invalid.error_message();
}

}  // namespace
}  // namespace voc::triage
