// voc-entities (issue 13) over gRPC, on SQLite and PostgreSQL (when
// installed): the EntityService adapter served in-process with the real
// authenticator and store. What the issue asks of an import:
//   - rows with a bad key or type are reported by line and not stored,
//     good rows of the same stream are;
//   - a re-import of the same rows changes nothing (no update time, no
//     history);
//   - an upsert of one attribute is visible to GetEntity, the others kept,
//     the old value in the history where the schema says so;
//   - a feedback-only key may neither import nor read.
// Small write batches (2 rows) so every stream spans several transactions.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/entities/entity_grpc.h"
#include "services/entities/store/migrations.h"
#include "services/entities/row_check.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/servers.h"

namespace voc::entities {
namespace {

using namespace std::chrono_literals;

enum class Backend { kSqlite, kPostgres };

using Values = std::map<std::string, std::string>;

v1::EntityRow Row(int line, Values values) {
  v1::EntityRow row;
  row.set_line(line);
  for (auto& [k, v] : values) (*row.mutable_values())[k] = v;
  return row;
}

// The JSON log lines of `event` in `logs` (stderr, one object a line).
std::vector<nlohmann::json> LogLines(const std::string& logs, const std::string& event) {
  std::vector<nlohmann::json> out;
  std::istringstream in(logs);
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.value("event", "") == event) out.push_back(j);
  }
  return out;
}

class EntitiesImportTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<testing::PostgresServer>();
      const std::string dbname = "entities_" + std::to_string(++database_counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/entities.db";
    }
    db_ = storage::Database::Open(url).value();
    ASSERT_TRUE(db_->Migrate("entities", Migrations()).ok());
    auto schema = EntitySchema::Load("config/entities.yaml");
    ASSERT_TRUE(schema.ok()) << schema.status();
    store_ = std::make_unique<EntityStore>(*db_);
    EntitySettings settings;
    settings.import_batch_rows = 2;
    holder_ = std::make_unique<SchemaHolder>(std::make_shared<const EntitySchema>(*std::move(schema)));
    service_ = std::make_unique<EntityService>(*store_, *holder_, clock_, settings);
    creds_.Add("feedback-only", "feedback:write");
    creds_.Add("importer", "entities:write");
    creds_.Add("reader", "entities:read");
    auth_ = testing::InProcessAuthenticator(creds_, clock_, "entities");
    grpc_ = std::make_unique<EntityGrpc>(*service_, *auth_);
    server_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"entities", "127.0.0.1:0", nullptr},
                                                   std::vector<grpc::Service*>{grpc_.get()});
    const auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    address_ = "127.0.0.1:" + std::to_string(*port);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  std::unique_ptr<v1::EntityService::Stub> Stub(const std::string& principal) const {
    return v1::EntityService::NewStub(creds_.Channel(address_, principal));
  }

  // Streams `rows` in chunks of `chunk` rows.
  grpc::Status Import(const std::string& principal, const std::string& entity, const std::vector<v1::EntityRow>& rows,
                      v1::ImportEntitiesResponse* response, std::size_t chunk = 3) const {
    auto stub = Stub(principal);
    grpc::ClientContext context;
    auto writer = stub->ImportEntities(&context, response);
    v1::ImportEntitiesRequest message;
    message.set_entity(entity);
    bool first = true;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      *message.add_rows() = rows[i];
      if (message.rows_size() == static_cast<int>(chunk)) {
        if (!writer->Write(message)) break;
        message.Clear();
        first = false;
      }
    }
    if (first || message.rows_size() > 0) writer->Write(message);
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::Status Get(const std::string& principal, const std::string& entity, std::vector<std::string> key,
                   v1::Entity* out) const {
    v1::GetEntityRequest request;
    request.set_entity(entity);
    for (auto& k : key) request.add_key(k);
    grpc::ClientContext context;
    return Stub(principal)->GetEntity(&context, request, out);
  }

  std::int64_t Count(const std::string& entity) const { return store_->CountRows(entity).value(); }

  static inline std::unique_ptr<testing::PostgresServer> postgres_;
  static inline int database_counter_ = 0;
  testing::TempDir dir_;
  FakeClock clock_{FromMillis(1'780'000'000'000)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<EntityStore> store_;
  std::unique_ptr<SchemaHolder> holder_;
  std::unique_ptr<EntityService> service_;
  testing::TestCredentials creds_;
  std::unique_ptr<auth::CallerAuthenticator> auth_;
  std::unique_ptr<EntityGrpc> grpc_;
  std::unique_ptr<rpc::ServiceServer> server_;
  std::string address_;
};

TEST_P(EntitiesImportTest, BadRowsAreReportedByLineAndNotStoredWhileGoodRowsAre) {
  v1::ImportEntitiesResponse response;
  const grpc::Status status = Import(
      "importer", "vehicle",
      {Row(2, {{"vin", "LVV1"}, {"model", "E7"}, {"build_date", "2026-03-02"}}),
       Row(3, {{"vin", ""}, {"model", "E7"}}),                                   // empty key
       Row(4, {{"vin", "LVV3"}, {"build_date", "2026-13-01"}}),                 // not a date
       Row(5, {{"vin", "LVV4"}, {"colour", "red"}}),                            // not in the schema
       Row(6, {{"model", "E7"}}),                                               // no key at all
       Row(7, {{"vin", "LVV2"}, {"model", "E5"}, {"compressor_supplier", "Hanbit"}})},
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.rows_read(), 6);
  EXPECT_EQ(response.inserted(), 2);
  EXPECT_EQ(response.rejected(), 4);
  ASSERT_EQ(response.errors_size(), 4);
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).error(), "vin: key value must not be empty");
  EXPECT_EQ(response.errors(1).line(), 4);
  EXPECT_EQ(response.errors(1).error(), "build_date: not a date (YYYY-MM-DD): '2026-13-01'");
  EXPECT_EQ(response.errors(2).line(), 5);
  EXPECT_NE(response.errors(2).error().find("colour: unknown attribute of vehicle"), std::string::npos);
  EXPECT_EQ(response.errors(3).line(), 6);
  EXPECT_EQ(response.errors(3).error(), "vin: key value missing");

  EXPECT_EQ(Count("vehicle"), 2);
  v1::Entity e;
  EXPECT_EQ(Get("reader", "vehicle", {"LVV3"}, &e).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Get("reader", "vehicle", {"LVV2"}, &e).ok());
  EXPECT_EQ(e.attributes().at("compressor_supplier"), "Hanbit");

  // An unknown entity is refused as a whole, naming the field.
  v1::ImportEntitiesResponse refused;
  const grpc::Status unknown = Import("importer", "vehicles", {Row(2, {{"vin", "X"}})}, &refused);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(unknown.error_message().find("entity: unknown entity 'vehicles'"), std::string::npos);
}

TEST_P(EntitiesImportTest, RowsByPositionUseTheColumnsOfTheFirstMessage) {
  auto stub = Stub("importer");
  grpc::ClientContext context;
  v1::ImportEntitiesResponse response;
  auto writer = stub->ImportEntities(&context, &response);
  v1::ImportEntitiesRequest message;
  message.set_entity("app_build");
  for (const char* c : {"version", "release_date", "crash_free_rate"}) message.add_columns(c);
  auto add = [&](int line, std::vector<std::string> cells) {
    v1::EntityRow* r = message.add_rows();
    r->set_line(line);
    for (auto& c : cells) r->add_cells(c);
  };
  add(2, {"5.1.0", "2026-10-20", "0.9958"});
  add(3, {"5.2.0", "2026-11-18"});  // a value short
  ASSERT_TRUE(writer->Write(message));
  message.clear_rows();
  message.clear_columns();
  add(4, {"5.2.0", "2026-11-18", "0.9113"});
  ASSERT_TRUE(writer->Write(message));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.inserted(), 2);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).error(), "cells: has 2 values for 3 columns");
  v1::Entity e;
  ASSERT_TRUE(Get("reader", "app_build", {"5.2.0"}, &e).ok());
  EXPECT_EQ(e.attributes().at("crash_free_rate"), "0.9113");

  // A column the entity does not have refuses the import as a whole.
  grpc::ClientContext again;
  auto refused = stub->ImportEntities(&again, &response);
  v1::ImportEntitiesRequest bad;
  bad.set_entity("app_build");
  bad.add_columns("version");
  bad.add_columns("colour");
  refused->Write(bad);
  refused->WritesDone();
  const grpc::Status status = refused->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("columns: 'colour' is not an attribute of app_build"), std::string::npos);
}

TEST_P(EntitiesImportTest, ReimportingTheSameRowsChangesNothing) {
  std::vector<v1::EntityRow> rows;
  for (int i = 0; i < 7; ++i) {
    rows.push_back(Row(i + 2, {{"store", "S00" + std::to_string(i % 3)},
                               {"day", "2026-12-0" + std::to_string(1 + i / 3)},
                               {"staff_on_shift", std::to_string(3 + i)},
                               {"visitors", std::to_string(100 * i)}}));
  }
  v1::ImportEntitiesResponse first;
  ASSERT_TRUE(Import("importer", "store_day", rows, &first).ok());
  EXPECT_EQ(first.inserted(), 7);
  v1::Entity before;
  ASSERT_TRUE(Get("reader", "store_day", {"S001", "2026-12-01"}, &before).ok());

  clock_.Advance(1h);
  v1::ImportEntitiesResponse again;
  ASSERT_TRUE(Import("importer", "store_day", rows, &again, 2).ok());
  EXPECT_EQ(again.rows_read(), 7);
  EXPECT_EQ(again.inserted(), 0);
  EXPECT_EQ(again.updated(), 0);
  EXPECT_EQ(again.unchanged(), 7);
  EXPECT_EQ(again.history_rows(), 0);
  v1::Entity after;
  ASSERT_TRUE(Get("reader", "store_day", {"S001", "2026-12-01"}, &after).ok());
  EXPECT_EQ(after.update_time().seconds(), before.update_time().seconds());
  EXPECT_EQ(after.history_size(), 0);
  EXPECT_EQ(after.attributes().at("staff_on_shift"), "4");
  EXPECT_EQ(Count("store_day"), 7);

  // The same values written another way are the same values.
  v1::ImportEntitiesResponse respelled;
  ASSERT_TRUE(Import("importer", "store_day",
                     {Row(2, {{"store", "S001"}, {"day", "2026-12-01"}, {"staff_on_shift", "04"}})}, &respelled)
                  .ok());
  EXPECT_EQ(respelled.unchanged(), 1);
}

TEST_P(EntitiesImportTest, TextThatNeedsEscapingReadsBackAndReimportsUnchanged) {
  const std::string model = "星辰E7 \"Pro\"\n\\ tab\there";
  v1::ImportEntitiesResponse response;
  ASSERT_TRUE(Import("importer", "vehicle", {Row(2, {{"vin", "LVV5"}, {"model", model}})}, &response).ok());
  ASSERT_TRUE(Import("importer", "vehicle", {Row(2, {{"vin", "LVV5"}, {"model", model}})}, &response).ok());
  EXPECT_EQ(response.unchanged(), 1);
  v1::Entity e;
  ASSERT_TRUE(Get("reader", "vehicle", {"LVV5"}, &e).ok());
  EXPECT_EQ(e.attributes().at("model"), model);
}

TEST_P(EntitiesImportTest, AnUpsertOfOneAttributeIsVisibleWithTheOldValueInHistory) {
  v1::ImportEntitiesResponse response;
  ASSERT_TRUE(Import("importer", "vehicle",
                     {Row(2, {{"vin", "LVV9"}, {"model", "E7"}, {"production_batch", "B-2026-07"},
                              {"compressor_supplier", "Hanbit"}})},
                     &response)
                  .ok());
  const TimePoint changed_at = clock_.Now() + 2h;
  clock_.Set(changed_at);
  // One attribute given: the others keep their values. Within one stream
  // the later row wins, counted against the earlier one.
  v1::ImportEntitiesResponse upsert;
  ASSERT_TRUE(Import("importer", "vehicle",
                     {Row(2, {{"vin", "LVV9"}, {"compressor_supplier", "Dongyang"}}),
                      Row(3, {{"vin", "LVV9"}, {"model", "E7 Pro"}})},
                     &upsert)
                  .ok());
  EXPECT_EQ(upsert.updated(), 2);
  EXPECT_EQ(upsert.history_rows(), 1);  // model keeps no history

  v1::Entity e;
  ASSERT_TRUE(Get("importer", "vehicle", {"LVV9"}, &e).ok());
  EXPECT_EQ(e.attributes().at("compressor_supplier"), "Dongyang");
  EXPECT_EQ(e.attributes().at("model"), "E7 Pro");
  EXPECT_EQ(e.attributes().at("production_batch"), "B-2026-07");
  EXPECT_EQ(ProtoToMillis(e.update_time()), ToMillis(changed_at));
  ASSERT_EQ(e.history_size(), 1);
  EXPECT_EQ(e.history(0).attribute(), "compressor_supplier");
  EXPECT_EQ(e.history(0).old_value(), "Hanbit");
  EXPECT_EQ(e.history(0).new_value(), "Dongyang");
  EXPECT_EQ(ProtoToMillis(e.history(0).change_time()), ToMillis(changed_at));

  // An empty value clears an attribute (recorded too: it keeps history).
  clock_.Advance(1h);
  ASSERT_TRUE(Import("importer", "vehicle", {Row(2, {{"vin", "LVV9"}, {"compressor_supplier", ""}})}, &upsert).ok());
  ASSERT_TRUE(Get("importer", "vehicle", {"LVV9"}, &e).ok());
  EXPECT_EQ(e.attributes().count("compressor_supplier"), 0u);
  ASSERT_EQ(e.history_size(), 2);
  EXPECT_EQ(e.history(1).old_value(), "Dongyang");
  EXPECT_EQ(e.history(1).new_value(), "");
}

TEST_P(EntitiesImportTest, ListEntitiesPagesInKeyOrder) {
  std::vector<v1::EntityRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(Row(i + 2, {{"version", "5." + std::to_string(i) + ".0"}}));
  v1::ImportEntitiesResponse response;
  ASSERT_TRUE(Import("importer", "app_build", rows, &response).ok());
  std::vector<std::string> seen;
  std::string token;
  do {
    v1::ListEntitiesRequest request;
    request.set_entity("app_build");
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListEntitiesResponse page;
    grpc::ClientContext context;
    ASSERT_TRUE(Stub("reader")->ListEntities(&context, request, &page).ok());
    for (const auto& e : page.entities()) seen.push_back(e.key(0));
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"5.0.0", "5.1.0", "5.2.0", "5.3.0", "5.4.0"}));
}

TEST_P(EntitiesImportTest, AFeedbackOnlyKeyMayNeitherImportNorRead) {
  v1::ImportEntitiesResponse response;
  const grpc::Status denied = Import("feedback-only", "vehicle", {Row(2, {{"vin", "LVV1"}})}, &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("entities:write"), std::string::npos);
  EXPECT_EQ(Import("reader", "vehicle", {Row(2, {{"vin", "LVV1"}})}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("vehicle"), 0);

  ASSERT_TRUE(Import("importer", "vehicle", {Row(2, {{"vin", "LVV1"}})}, &response).ok());
  v1::Entity e;
  EXPECT_EQ(Get("feedback-only", "vehicle", {"LVV1"}, &e).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Get("reader", "vehicle", {"LVV1"}, &e).ok());
  // A member of a department through the gateway: not an analyst.
  grpc::ClientContext context;
  testing::ActFor(context, "p-xu-gang");
  v1::GetEntityRequest request;
  request.set_entity("vehicle");
  request.add_key("LVV1");
  EXPECT_EQ(v1::EntityService::NewStub(creds_.Channel(address_, "gateway"))->GetEntity(&context, request, &e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Without any credential: UNAUTHENTICATED.
  grpc::ClientContext anonymous;
  EXPECT_EQ(v1::EntityService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()))
                ->GetEntity(&anonymous, request, &e)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// The schema's `lookup` (a feedback's customer_id -> the vehicles whose
// owner_customer_id it is) reads through its own index, not a pass over the
// entity's rows, on both backends; the index follows every upsert, and one
// missing (a lookup a schema reload added) is made on first use.
TEST_P(EntitiesImportTest, TheLookupReadsThroughItsIndexAndFollowsUpserts) {
  const EntityDef* vehicle = holder_->Get()->Find("vehicle");
  const EntityDef* order = holder_->Get()->Find("order");
  ASSERT_NE(vehicle, nullptr);
  ASSERT_NE(order, nullptr);
  // 20,000 vehicles of 5,000 owners (c-<i % 5000>), and as many orders.
  std::vector<CheckedRow> vehicles, orders;
  for (int i = 0; i < 20000; ++i) {
    vehicles.push_back(CheckRow(*vehicle, {{"vin", "LVV" + std::to_string(100000 + i)},
                                           {"owner_customer_id", "c-" + std::to_string(i % 5000)}})
                           .value());
    orders.push_back(
        CheckRow(*order, {{"order_id", "o-" + std::to_string(i)}, {"customer_id", "c-" + std::to_string(i % 5000)}})
            .value());
  }
  ASSERT_TRUE(store_->Upsert(*vehicle, vehicles, 1, "test").ok());
  ASSERT_TRUE(store_->Upsert(*order, orders, 1, "test").ok());
  // As voc-entities does at start. No ANALYZE: the plans hold without
  // statistics, as on a server where nothing ran it. The build is logged
  // before (over how many rows) and after (how long it took); a start that
  // finds the index there logs neither.
  const std::string index = LookupIndexName("vehicle", "owner_customer_id");
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(store_->EnsureLookupIndexes(*holder_->Get()).ok());
  const std::string logs = ::testing::internal::GetCapturedStderr();
  const std::vector<nlohmann::json> building = LogLines(logs, "entities_lookup_index_building");
  const std::vector<nlohmann::json> built = LogLines(logs, "entities_lookup_index_built");
  ASSERT_EQ(building.size(), 1u) << logs;
  ASSERT_EQ(built.size(), 1u) << logs;
  EXPECT_EQ(building[0]["level"], "info");
  EXPECT_EQ(building[0]["index"], index);
  EXPECT_EQ(building[0]["entity"], "vehicle");
  EXPECT_EQ(building[0]["rows"], 20000);
  EXPECT_EQ(built[0]["index"], index);
  EXPECT_EQ(built[0]["rows"], 20000);
  EXPECT_TRUE(built[0]["elapsed_ms"].is_number_integer()) << logs;
  EXPECT_GE(built[0]["elapsed_ms"].get<long long>(), 0);
  EXPECT_LT(logs.find("entities_lookup_index_building"), logs.find("entities_lookup_index_built"));
  {
    EntityStore restarted(*db_);
    ::testing::internal::CaptureStderr();
    ASSERT_TRUE(restarted.EnsureLookupIndexes(*holder_->Get()).ok());
    const std::string again = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(again.find("entities_lookup_index_build"), std::string::npos) << again;
  }

  const std::vector<std::string> owners = {"c-7", "c-4242"};
  const absl::StatusOr<std::string> plan = store_->ExplainFindRowsByAttribute("vehicle", "owner_customer_id", owners);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_NE(plan->find(index), std::string::npos) << *plan;
  // The rows themselves, in key order: c-7 owns LVV100007, LVV105007, ...
  auto vins = [&](const std::vector<std::string>& of) {
    std::vector<std::string> out;
    const auto rows = store_->FindRowsByAttribute("vehicle", "owner_customer_id", of);
    EXPECT_TRUE(rows.ok()) << rows.status();
    for (const EntityRecord& r : rows.value_or(std::vector<EntityRecord>{})) out.push_back(r.key);
    return out;
  };
  EXPECT_EQ(vins(owners), (std::vector<std::string>{"LVV100007", "LVV104242", "LVV105007", "LVV109242", "LVV110007",
                                                   "LVV114242", "LVV115007", "LVV119242"}));
  EXPECT_TRUE(vins({"c-none"}).empty());

  // An upsert moves a vehicle to another owner: the index follows.
  ASSERT_TRUE(
      store_->Upsert(*vehicle, {CheckRow(*vehicle, {{"vin", "LVV100007"}, {"owner_customer_id", "c-new"}}).value()}, 2,
                     "test")
          .ok());
  EXPECT_EQ(vins({"c-new"}), (std::vector<std::string>{"LVV100007"}));
  EXPECT_EQ(vins({"c-7"}), (std::vector<std::string>{"LVV105007", "LVV110007", "LVV115007"}));
  // And the join triage calls: a feedback naming only its customer.
  auth::Principal triage;
  triage.id = "service:triage";
  triage.scopes = {"entities:read"};
  v1::JoinFeedbackRequest join;
  join.add_entities("vehicle");
  v1::FeedbackKeys* f = join.add_feedback();
  f->set_feedback_id("f-1");
  (*f->mutable_fields())["customer_id"] = "c-4242";
  const auto joined = service_->JoinFeedback(triage, join);
  ASSERT_TRUE(joined.ok()) << joined.status();
  ASSERT_EQ(joined->feedback(0).rows_size(), 4);
  EXPECT_EQ(joined->feedback(0).rows(0).key(0), "LVV104242");
  EXPECT_EQ(joined->feedback(0).rows(0).via(), "lookup:customer_id");

  // An index that is not there (dropped here; after a reload, never made)
  // is made by the first read through it.
  db_->WithSession([&](soci::session& s) { s << "DROP INDEX " + index; });
  EntityStore fresh(*db_);
  EXPECT_EQ(fresh.ExplainFindRowsByAttribute("vehicle", "owner_customer_id", owners).value().find(index),
            std::string::npos);
  EXPECT_EQ(fresh.FindRowsByAttribute("vehicle", "owner_customer_id", {"c-new"}).value().size(), 1u);
  const std::string again = fresh.ExplainFindRowsByAttribute("vehicle", "owner_customer_id", owners).value();
  EXPECT_NE(again.find(index), std::string::npos) << again;
  // Names are written into the SQL: anything else is refused.
  EXPECT_EQ(fresh.FindRowsByAttribute("vehicle", "x') OR 1=1 --", {"c-7"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, EntitiesImportTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::entities
