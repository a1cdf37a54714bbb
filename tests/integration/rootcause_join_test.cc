// Root causes in joined operational data (issue 13), through the real
// voc-entities (EntityGrpc in-process, its store, the shipped schema) and
// triage (the processor and store with the shipped analyser, and
// FindRootCauses calling voc-entities over gRPC as the `triage` principal),
// on SQLite and PostgreSQL (when installed). Generated data with planted
// causes:
//   - brake-squeal complaints (the weak signal "异响"): half come from the
//     owners of batch B-2026-07's cars, the rest (and every other
//     complaint) from owners of any batch; feedback name a customer, not a
//     vin, so the join goes customer -> vehicle by the schema's lookup;
//   - queue complaints at store S03 cluster on its understaffed days
//     (store_day staff_on_shift 2 of 5 planned); the rate test finds them.
// The expected counts are computed here from the generated data.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/reports/periods.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/entities/entity_grpc.h"
#include "services/entities/entity_join_grpc.h"
#include "services/entities/store/migrations.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/rootcause/rootcause.h"
#include "services/triage/drilldown_query.h"
#include "services/triage/entities_client.h"
#include "services/triage/rootcause_grpc.h"
#include "services/triage/rootcause_service.h"
#include "services/triage/triage_processor.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/backend_database.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

using testing::Backend;

constexpr std::int64_t kDay0 = 1796083200000;  // 2026-12-01T00:00Z
constexpr std::int64_t kDayMs = 86400000;

v1::EntityRow Row(std::map<std::string, std::string> values) {
  v1::EntityRow row;
  for (auto& [k, v] : values) (*row.mutable_values())[k] = v;
  return row;
}

class RootCauseJoinTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (testing::BackendMissing(GetParam())) GTEST_SKIP() << "PostgreSQL server binaries not installed";
    // voc-entities.
    entities_db_ = storage::Database::Open(testing::FreshDatabaseUrl(GetParam(), dir_.path(), "entities")).value();
    ASSERT_TRUE(entities_db_->Migrate("entities", entities::Migrations()).ok());
    auto schema = entities::EntitySchema::Load("config/entities.yaml");
    ASSERT_TRUE(schema.ok()) << schema.status();
    entity_store_ = std::make_unique<entities::EntityStore>(*entities_db_);
    holder_ = std::make_unique<entities::SchemaHolder>(std::make_shared<const entities::EntitySchema>(*std::move(schema)));
    entity_service_ = std::make_unique<entities::EntityService>(*entity_store_, *holder_, clock_, entities::EntitySettings{});
    creds_.Add("importer", "entities:write");
    creds_.Add("analytics-only", "analytics:read");
    creds_.Add("reader", "entities:read");
    auth_ = testing::InProcessAuthenticator(creds_, clock_, "entities");
    entity_grpc_ = std::make_unique<entities::EntityGrpc>(*entity_service_, *auth_);
    join_grpc_ = std::make_unique<entities::EntityJoinGrpc>(*entity_service_, *auth_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"entities", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{entity_grpc_.get(), join_grpc_.get()});
    const auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    address_ = "127.0.0.1:" + std::to_string(*port);

    // Triage, asking voc-entities as its own principal.
    triage_db_ = storage::Database::Open(testing::FreshDatabaseUrl(GetParam(), dir_.path(), "triage")).value();
    ASSERT_TRUE(triage_db_->Migrate("triage", triage::TriageMigrations()).ok());
    triage_store_ = std::make_unique<triage::TriageStore>(*triage_db_, 0);  // report days in UTC
    analyzer_ = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
    processor_ = std::make_unique<triage::TriageProcessor>(*analyzer_, *triage_store_, clock_);
    source_ = std::make_unique<triage::GrpcEntitySource>(creds_.Channel(address_, "triage"));
    root_causes_ = std::make_unique<triage::RootCauseService>(*triage_store_, source_.get(), clock_);
    triage_auth_ = testing::InProcessAuthenticator(creds_, clock_, "triage");
    root_cause_grpc_ = std::make_unique<triage::RootCauseGrpc>(*root_causes_, *triage_auth_);
    triage_server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"triage", "127.0.0.1:0", nullptr},
                                                          std::vector<grpc::Service*>{root_cause_grpc_.get()});
    const auto triage_port = triage_server_->Start();
    ASSERT_TRUE(triage_port.ok()) << triage_port.status();
    triage_address_ = "127.0.0.1:" + std::to_string(*triage_port);
  }
  void TearDown() override {
    if (triage_server_) triage_server_->Shutdown();
    if (server_) server_->Shutdown();
  }

  absl::StatusOr<v1::FindRootCausesResponse> Find(const v1::FindRootCausesRequest& request) const {
    return root_causes_->FindRootCauses(request);
  }

  void Import(const std::string& entity, const std::vector<v1::EntityRow>& rows) {
    auto stub = v1::EntityService::NewStub(creds_.Channel(address_, "importer"));
    grpc::ClientContext context;
    v1::ImportEntitiesResponse response;
    auto writer = stub->ImportEntities(&context, &response);
    v1::ImportEntitiesRequest message;
    message.set_entity(entity);
    for (const auto& r : rows) *message.add_rows() = r;
    ASSERT_TRUE(writer->Write(message));
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.rejected(), 0) << (response.errors_size() ? response.errors(0).error() : "");
  }

  // A negative feedback, stored by triage as the queue path would.
  void Submit(const std::string& id, const std::string& text, const std::string& customer, const std::string& store,
              std::int64_t occurred_ms, std::map<std::string, std::string> attributes = {}) {
    v1::Feedback f;
    f.set_id(id);
    f.set_channel(v1::CHANNEL_REVIEW);
    f.set_text(text);
    f.mutable_customer()->set_id(customer);
    f.mutable_customer()->set_store(store);
    for (auto& [k, v] : attributes) (*f.mutable_attributes())[k] = v;
    *f.mutable_occurred_time() = MillisToProto(occurred_ms);
    const auto triaged = processor_->Process(f);
    ASSERT_TRUE(triaged.ok()) << triaged.status();
    ASSERT_EQ(triaged->result().sentiment(), v1::SENTIMENT_NEGATIVE) << text;
  }

  v1::FindRootCausesRequest Window() const {
    v1::FindRootCausesRequest request;
    *request.mutable_start_time() = MillisToProto(kDay0 - 10 * kDayMs);
    *request.mutable_end_time() = MillisToProto(kDay0);
    return request;
  }

  testing::TempDir dir_;
  FakeClock clock_{FromMillis(kDay0)};
  testing::TestCredentials creds_;
  std::unique_ptr<storage::Database> entities_db_, triage_db_;
  std::unique_ptr<entities::EntityStore> entity_store_;
  std::unique_ptr<entities::SchemaHolder> holder_;
  std::unique_ptr<entities::EntityService> entity_service_;
  std::unique_ptr<auth::CallerAuthenticator> auth_;
  std::unique_ptr<entities::EntityGrpc> entity_grpc_;
  std::unique_ptr<entities::EntityJoinGrpc> join_grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
  std::unique_ptr<triage::TriageStore> triage_store_;
  std::unique_ptr<triage::TriageAnalyzer> analyzer_;
  std::unique_ptr<triage::TriageProcessor> processor_;
  std::unique_ptr<triage::GrpcEntitySource> source_;
  std::unique_ptr<triage::RootCauseService> root_causes_;
  std::unique_ptr<auth::CallerAuthenticator> triage_auth_;
  std::unique_ptr<triage::RootCauseGrpc> root_cause_grpc_;
  std::unique_ptr<rpc::ServiceServer> triage_server_;
  std::string triage_address_;
};

TEST_P(RootCauseJoinTest, BrakeSquealTracesToThePlantedBatchThroughTheCustomersVehicles) {
  std::mt19937 rng(13);
  // 120 cars in 6 batches of 20; customer c<i> owns car i.
  const std::vector<std::string> batches = {"B-2026-03", "B-2026-04", "B-2026-05", "B-2026-06", "B-2026-07", "B-2026-08"};
  std::vector<v1::EntityRow> cars;
  std::map<std::string, std::string> batch_of;  // customer -> batch
  for (int i = 0; i < 120; ++i) {
    const std::string batch = batches[static_cast<std::size_t>(i / 20)];
    const std::string customer = "c" + std::to_string(i);
    batch_of[customer] = batch;
    cars.push_back(Row({{"vin", "LVV" + std::to_string(10000 + i)},
                        {"model", i % 2 ? "Xingchen E7" : "Xingchen S7"},
                        {"production_batch", batch},
                        {"brake_pad_supplier", batch == "B-2026-07" ? "Huayu Friction" : "Brembo"},
                        {"owner_customer_id", customer}}));
  }
  Import("vehicle", cars);

  const std::vector<std::string> squeal = {"刹车异响很严重，太差了", "踩刹车一直有异响，太吵了，很失望",
                                           "刹车异响，去4s店也没修好，太差了"};
  const std::vector<std::string> other = {"app一登录就闪退，太差了", "客服态度很差，问题一直没解决",
                                          "充电桩一直坏着，太差了", "车机系统太卡了，很失望"};
  int n = 0;
  auto customer_in = [&](const std::string& batch) {
    for (;;) {
      const std::string c = "c" + std::to_string(rng() % 120);
      if (batch.empty() || batch_of[c] == batch) return c;
    }
  };
  std::vector<std::string> target_customers, baseline_customers;
  for (int i = 0; i < 24; ++i) {
    const std::string c = customer_in(i % 2 ? "B-2026-07" : "");
    target_customers.push_back(c);
    Submit("sq-" + std::to_string(i), squeal[i % squeal.size()], c, "S01", kDay0 - (1 + i % 9) * kDayMs);
  }
  for (int i = 0; i < 80; ++i) {
    const std::string c = customer_in("");
    baseline_customers.push_back(c);
    Submit("ot-" + std::to_string(n++), other[i % other.size()], c, "S01", kDay0 - (1 + i % 9) * kDayMs,
           {{"app_version", i % 4 == 0 ? "5.2.0" : "5.1.3"}});
  }
  int a = 0, b = 0;
  for (const auto& c : target_customers) a += batch_of[c] == "B-2026-07";
  for (const auto& c : baseline_customers) b += batch_of[c] == "B-2026-07";

  v1::FindRootCausesRequest request = Window();
  request.add_signal_terms("异响");
  const auto found = Find(request);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->target_size(), 24);
  EXPECT_EQ(found->baseline_size(), 80);
  EXPECT_EQ(found->target_joined(), 24);  // every customer owns a car
  ASSERT_GE(found->findings_size(), 1);
  std::map<std::string, v1::RootCauseFinding> by_value;
  for (const auto& f : found->findings()) by_value[f.attribute() + "=" + f.value()] = f;
  ASSERT_TRUE(by_value.count("vehicle.production_batch=B-2026-07")) << found->DebugString();
  const v1::RootCauseFinding& batch = by_value["vehicle.production_batch=B-2026-07"];
  EXPECT_EQ(batch.target_count(), a);
  EXPECT_EQ(batch.baseline_count(), b);
  EXPECT_EQ(batch.target_size(), 24);
  EXPECT_EQ(batch.baseline_size(), 80);
  EXPECT_NEAR(batch.p_value(), triage::FisherOneSided(a, 24, b, 80), 1e-12);
  EXPECT_LE(batch.q_value(), 0.05);
  EXPECT_GT(batch.lift(), 1.5);
  ASSERT_FALSE(batch.example_feedback_ids().empty());
  for (const auto& id : batch.example_feedback_ids()) EXPECT_EQ(id.rfind("sq-", 0), 0u) << id;
  EXPECT_TRUE(by_value.count("vehicle.brake_pad_supplier=Huayu Friction"));
  // The top finding is the batch or its supplier (they coincide).
  const std::string top = found->findings(0).attribute();
  EXPECT_TRUE(top == "vehicle.production_batch" || top == "vehicle.brake_pad_supplier") << top;
  for (const auto& f : found->findings()) EXPECT_NE(f.attribute(), "vehicle.model") << f.value();
}

TEST_P(RootCauseJoinTest, QueueComplaintsRateIsHighOnTheUnderstaffedDaysOfOneStore) {
  // 4 stores x 10 days; S03 runs with 2 of 5 staff on days 2, 5 and 8.
  std::vector<v1::EntityRow> days;
  std::set<std::pair<std::string, int>> short_days;
  for (int s = 1; s <= 4; ++s) {
    for (int d = 1; d <= 10; ++d) {
      const std::string store = "S0" + std::to_string(s);
      const bool understaffed = s == 3 && d % 3 == 2;
      if (understaffed) short_days.insert({store, d});
      days.push_back(Row({{"store", store},
                          {"day", reports::FormatDay(reports::DayOfMoment(kDay0 - d * kDayMs, 0))},
                          {"staff_on_shift", understaffed ? "2" : "5"},
                          {"staff_planned", "5"},
                          {"visitors", "400"}}));
    }
  }
  Import("store_day", days);
  // One queue complaint per store-day, and five more on each understaffed day.
  int id = 0;
  for (int s = 1; s <= 4; ++s) {
    for (int d = 1; d <= 10; ++d) {
      const std::string store = "S0" + std::to_string(s);
      const int complaints = 1 + (short_days.count({store, d}) ? 5 : 0);
      for (int k = 0; k < complaints; ++k) {
        Submit("q-" + std::to_string(id++), "排队太久了，等了一个小时，太差了", "c" + std::to_string(id), store,
               kDay0 - d * kDayMs + 3600000);
      }
    }
  }
  v1::FindRootCausesRequest request = Window();
  request.add_signal_terms("排队");
  request.set_exposure_entity("store_day");
  request.set_exposure_attribute("visitors");
  const auto found = Find(request);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->rate_units(), 40);
  EXPECT_EQ(found->rate_events(), 55);
  ASSERT_GE(found->rates_size(), 1) << found->DebugString();
  const v1::RootCauseRate& top = found->rates(0);
  // The understaffed days: 18 complaints over 3 x 400 visitors against 37 over 37 x 400.
  EXPECT_TRUE(top.group() == "staff_on_shift=2" || top.group() == "staff_on_shift=2 & store=S03") << top.group();
  EXPECT_EQ(top.events(), 18);
  EXPECT_DOUBLE_EQ(top.exposure(), 1200);
  EXPECT_EQ(top.other_events(), 37);
  EXPECT_NEAR(top.rate_ratio(), (18.0 / 1200) / (37.0 / 14800), 1e-9);
  EXPECT_NEAR(top.p_value(), triage::BinomialUpperTail(18, 55, 1200.0 / 16000), 1e-12);
  EXPECT_LE(top.q_value(), 0.05);
}

TEST_P(RootCauseJoinTest, AppLoginCrashTracesToTheAppVersionInBothDrillDowns) {
  for (int i = 0; i < 12; ++i) {
    Submit("crash-" + std::to_string(i), "app一登录就闪退，太差了", "c" + std::to_string(i), "",
           kDay0 - (1 + i % 5) * kDayMs, {{"app_version", i < 10 ? "5.2.0" : "5.1.3"}});
  }
  for (int i = 0; i < 40; ++i) {
    Submit("svc-" + std::to_string(i), "客服态度很差，问题一直没解决", "d" + std::to_string(i), "",
           kDay0 - (1 + i % 5) * kDayMs, {{"app_version", i % 8 == 0 ? "5.2.0" : "5.1.3"}});
  }
  v1::FindRootCausesRequest request = Window();
  request.add_signal_terms("闪退");
  const auto found = Find(request);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_GE(found->findings_size(), 1) << found->DebugString();
  EXPECT_EQ(found->findings(0).attribute(), "feedback.app_version");
  EXPECT_EQ(found->findings(0).value(), "5.2.0");
  EXPECT_EQ(found->findings(0).target_count(), 10);
  EXPECT_EQ(found->findings(0).baseline_count(), 5);

  // The word-level drill-down (DrillDown RPC) gains the free attribute too,
  // under its own name, for the crash cluster.
  const std::string cluster = triage_store_->GetResult("crash-0").value()->triaged.result().cluster_id();
  ASSERT_FALSE(cluster.empty());
  triage::DrillDownQuery query;
  query.cluster_id = cluster;
  query.start_ms = kDay0 - 10 * kDayMs;
  query.end_ms = kDay0;
  query.options.limit = 0;
  const auto answer = triage::RunDrillDown(query, *triage_store_, *analyzer_);
  ASSERT_TRUE(answer.ok()) << answer.status();
  bool found_version = false;
  for (const auto& f : answer->factors) {
    if (f.kind == "app_version" && f.value == "5.2.0") {
      found_version = true;
      EXPECT_EQ(f.target_count, 10u);
      EXPECT_EQ(f.baseline_count, 5u);
    }
  }
  EXPECT_TRUE(found_version) << answer->factors.size() << " factors";
}

TEST_P(RootCauseJoinTest, JoinFeedbackNeedsEntitiesReadAndFindRootCausesNamesBadFields) {
  v1::JoinFeedbackRequest join;
  v1::FeedbackKeys* keys = join.add_feedback();
  keys->set_feedback_id("f1");
  (*keys->mutable_fields())["customer_id"] = "c1";
  v1::JoinFeedbackResponse response;
  grpc::ClientContext context;
  const grpc::Status refused =
      v1::EntityJoinService::NewStub(creds_.Channel(address_, "analytics-only"))->JoinFeedback(&context, join, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::FindRootCausesRequest none = Window();
  EXPECT_EQ(Find(none).status().code(), absl::StatusCode::kInvalidArgument);
  v1::FindRootCausesRequest bad = Window();
  bad.add_signal_terms("异响");
  bad.set_exposure_entity("warehouse_day");
  // No feedback in the window: nothing to join, and the entity is checked.
  Submit("x", "刹车异响很严重，太差了", "c1", "S01", kDay0 - kDayMs);
  const auto unknown = Find(bad);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(unknown.status().message()).find("exposure_entity"), std::string::npos);
  const triage::RootCauseService without(*triage_store_, nullptr, clock_);
  v1::FindRootCausesRequest fine = Window();
  fine.add_signal_terms("异响");
  EXPECT_EQ(without.FindRootCauses(fine).status().code(), absl::StatusCode::kFailedPrecondition);

  // Over gRPC: a key with analytics:read only may not; one with entities:read may.
  auto call = [&](const std::string& principal) {
    v1::FindRootCausesResponse response;
    grpc::ClientContext context;
    return v1::RootCauseService::NewStub(creds_.Channel(triage_address_, principal))
        ->FindRootCauses(&context, fine, &response);
  };
  EXPECT_EQ(call("analytics-only").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status allowed = call("reader");
  EXPECT_TRUE(allowed.ok()) << allowed.error_message();
}

// The join itself (EntityJoinService over gRPC, as triage's principal): a
// feedback with every link field joins that row; one without them joins
// every row its lookup field matches; a composite key comes from two
// fields; a value not of the key's type, or no row, joins nothing.
TEST_P(RootCauseJoinTest, JoinFeedbackLinksByKeyElseLooksUp) {
  Import("vehicle", {Row({{"vin", "LVV1"}, {"production_batch", "B-2026-07"}, {"owner_customer_id", "c1"}}),
                     Row({{"vin", "LVV2"}, {"production_batch", "B-2026-08"}, {"owner_customer_id", "c1"}}),
                     Row({{"vin", "LVV3"}, {"production_batch", "B-2026-09"}, {"owner_customer_id", "c2"}})});
  Import("store_day", {Row({{"store", "S01"}, {"day", "2026-11-30"}, {"staff_on_shift", "2"}})});
  v1::JoinFeedbackRequest join;
  auto add = [&](const std::string& id, std::map<std::string, std::string> fields) {
    v1::FeedbackKeys* k = join.add_feedback();
    k->set_feedback_id(id);
    for (auto& [name, value] : fields) (*k->mutable_fields())[name] = value;
  };
  add("by-vin", {{"vin", "LVV3"}, {"customer_id", "c1"}});  // the link wins over the lookup
  add("by-owner", {{"customer_id", "c1"}});                  // both of c1's cars
  add("store-day", {{"store", "S01"}, {"occurred_day", "2026-11-30"}});
  add("bad-day", {{"store", "S01"}, {"occurred_day", "30/11/2026"}});
  add("nothing", {{"customer_id", "c9"}});
  join.add_entities("vehicle");
  join.add_entities("store_day");
  v1::JoinFeedbackResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      v1::EntityJoinService::NewStub(creds_.Channel(address_, "triage"))->JoinFeedback(&context, join, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.feedback_size(), 5);
  auto keys = [&](int i) {
    std::vector<std::string> out;
    for (const auto& r : response.feedback(i).rows()) out.push_back(r.entity() + "/" + r.key(0) + " " + r.via());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(response.feedback(0).feedback_id(), "by-vin");
  EXPECT_EQ(keys(0), (std::vector<std::string>{"vehicle/LVV3 link"}));
  EXPECT_EQ(keys(1), (std::vector<std::string>{"vehicle/LVV1 lookup:customer_id", "vehicle/LVV2 lookup:customer_id"}));
  EXPECT_EQ(keys(2), (std::vector<std::string>{"store_day/S01 link"}));
  ASSERT_EQ(response.feedback(2).rows(0).key_size(), 2);
  EXPECT_EQ(response.feedback(2).rows(0).key(1), "2026-11-30");
  EXPECT_EQ(response.feedback(2).rows(0).attributes().at("staff_on_shift"), "2");
  EXPECT_TRUE(keys(3).empty());
  EXPECT_TRUE(keys(4).empty());
  EXPECT_EQ(response.rows_joined(), 4);

  v1::JoinFeedbackRequest unknown;
  unknown.add_entities("warehouse");
  grpc::ClientContext context2;
  const grpc::Status refused =
      v1::EntityJoinService::NewStub(creds_.Channel(address_, "triage"))->JoinFeedback(&context2, unknown, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("entities"), std::string::npos) << refused.error_message();
}

// The free attributes are read from the stored result without parsing the
// rest of it: values holding quotes, braces and the key's own spelling come
// back as they were; a feedback without attributes has none.
TEST_P(RootCauseJoinTest, FreeAttributesComeBackAsSubmitted) {
  Submit("tricky", "app一登录就闪退，太差了", "c1", "", kDay0 - kDayMs,
         {{"app_version", "5.2.0"}, {"note", "he said \"attributes\":{\"x\":1} } \\ done"}, {"empty", ""}});
  Submit("plain", "客服态度很差，问题一直没解决", "c2", "", kDay0 - kDayMs);
  const auto links = triage_store_->LoadFeedbackLinks(kDay0 - 10 * kDayMs, kDay0, 100);
  ASSERT_TRUE(links.ok()) << links.status();
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_id;
  for (const auto& l : *links) by_id[l.feedback_id] = l.attributes;
  EXPECT_EQ(by_id["tricky"], (std::vector<std::pair<std::string, std::string>>{
                                 {"app_version", "5.2.0"}, {"note", "he said \"attributes\":{\"x\":1} } \\ done"}}));
  EXPECT_TRUE(by_id.count("plain"));
  EXPECT_TRUE(by_id["plain"].empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RootCauseJoinTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace voc
