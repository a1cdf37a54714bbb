// Root causes in joined data (issue 13): FindRootCauses over a window of
// generated negative feedback joined to voc-entities' rows, on SQLite files
// on /dev/shm and on PostgreSQL (a private server the test support starts,
// fsync off; VOC_ROOTCAUSE_BACKENDS, default "sqlite,postgres"). The entity side runs in-process (EntityService behind the
// EntitySource port, no gRPC or authentication around it): what is
// measured is triage's two reads, the join (link by key, lookup by
// customer) and the statistics.
//
// Data (generated, no corpus needed): N negative feedback over 28 days
// (default 20,000; ROOTCAUSE_FEEDBACK), one in 20 a brake squeal; 10,000
// customers each owning one car of 10 batches (the squeal's owners mostly
// of B-07); the feedback names only its customer (so every one joins by
// the vehicle lookup) and an app_version; ROOTCAUSE_VEHICLES=1000000 adds
// vehicles of customers without feedback. Run from the source root:
//
//   ./build/tests/benchmarks/rootcause_benchmark
//   VOC_ROOTCAUSE_BACKENDS=postgres ./build/tests/benchmarks/rootcause_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/auth/principal.h"
#include "common/util/time.h"
#include "services/entities/entity_service.h"
#include "services/entities/store/migrations.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/rootcause_service.h"
#include "services/triage/triage_processor.h"
#include "tests/benchmarks/bench_main.h"
#include "tests/benchmarks/bench_support.h"
#include "tests/support/servers.h"

namespace {

using namespace voc;

constexpr std::int64_t kNowMs = 1796083200000;  // 2026-12-01T00:00Z
constexpr std::int64_t kDayMs = 86400000;
constexpr int kCustomers = 10000;

// The EntitySource port straight onto EntityService, as triage's principal.
class InProcessEntities final : public triage::EntitySource {
 public:
  explicit InProcessEntities(entities::EntityService& service) : service_(service) {
    caller_.id = "service:triage";
    caller_.scopes = {"entities:read"};
  }
  absl::StatusOr<v1::JoinFeedbackResponse> JoinFeedback(const v1::JoinFeedbackRequest& request) override {
    return service_.JoinFeedback(caller_, request);
  }
  absl::StatusOr<v1::ListEntitiesResponse> ListEntities(const v1::ListEntitiesRequest& request) override {
    return service_.ListEntities(caller_, request);
  }
  absl::StatusOr<v1::EntitySchema> GetEntitySchema() override { return service_.GetEntitySchema(caller_); }

 private:
  entities::EntityService& service_;
  auth::Principal caller_;
};

struct Fixture {
  std::string backend;
  std::string dir = bench::TempDirectory("rootcause-bench");
  std::unique_ptr<testing::PostgresServer> postgres;
  FakeClock clock{FromMillis(kNowMs)};
  std::unique_ptr<storage::Database> triage_db, entities_db;
  std::unique_ptr<triage::TriageStore> store;
  std::unique_ptr<triage::TriageAnalyzer> analyzer;
  std::unique_ptr<triage::TriageProcessor> processor;
  std::unique_ptr<entities::EntityStore> entity_store;
  std::unique_ptr<entities::SchemaHolder> schema;
  std::unique_ptr<entities::EntityService> entity_service;
  std::unique_ptr<InProcessEntities> source;
  std::unique_ptr<triage::RootCauseService> root_causes;
  std::size_t feedback = 0;
  int vehicles = 0;

  // "sqlite3://<dir>/<name>.db", or a database of the private server.
  std::string Url(const std::string& name) {
    if (backend == "sqlite") return "sqlite3://" + dir + "/" + name + ".db";
    if (!postgres) postgres = std::make_unique<testing::PostgresServer>();
    postgres->CreateDatabase(name);
    return postgres->Url(name);
  }

  explicit Fixture(std::string backend_name) : backend(std::move(backend_name)) {
    const char* n = std::getenv("ROOTCAUSE_FEEDBACK");
    feedback = n && *n ? std::strtoul(n, nullptr, 10) : 20000;
    triage_db = storage::Database::Open(Url("triage")).value();
    (void)triage_db->Migrate("triage", triage::TriageMigrations()).value();
    store = std::make_unique<triage::TriageStore>(*triage_db, 0);
    analyzer = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
    processor = std::make_unique<triage::TriageProcessor>(*analyzer, *store, clock);
    entities_db = storage::Database::Open(Url("entities")).value();
    (void)entities_db->Migrate("entities", entities::Migrations()).value();
    entity_store = std::make_unique<entities::EntityStore>(*entities_db);
    schema = std::make_unique<entities::SchemaHolder>(
        std::make_shared<const entities::EntitySchema>(entities::EntitySchema::Load("config/entities.yaml").value()));
    entity_service = std::make_unique<entities::EntityService>(*entity_store, *schema, clock, entities::EntitySettings{});
    source = std::make_unique<InProcessEntities>(*entity_service);
    root_causes = std::make_unique<triage::RootCauseService>(*store, source.get(), clock);

    auth::Principal importer;
    importer.id = "service:bench";
    importer.scopes = {"entities:write"};
    auto run = entity_service->StartImport(importer, "vehicle", 0).value();
    // ROOTCAUSE_VEHICLES (default 10,000): vehicles beyond the first
    // 10,000 belong to customers who write no feedback - a large entity the
    // lookup must not read whole.
    const char* vehicles_env = std::getenv("ROOTCAUSE_VEHICLES");
    vehicles = std::max(kCustomers, vehicles_env && *vehicles_env ? std::atoi(vehicles_env) : kCustomers);
    for (int i = 0; i < vehicles; ++i) {
      v1::EntityRow row;
      auto& v = *row.mutable_values();
      v["vin"] = "LVV" + std::to_string(100000 + i);
      v["model"] = i % 2 ? "Xingchen E7" : "Xingchen S7";
      v["production_batch"] = "B-0" + std::to_string(i % 10);
      v["brake_pad_supplier"] = i % 10 == 7 ? "Jinhua Friction" : "Brembo Nanjing";
      v["owner_customer_id"] = "c" + std::to_string(i);
      (void)run->Add(row);
    }
    (void)run->Finish().value();
    if (!entity_store->EnsureLookupIndexes(*schema->Get()).ok()) throw std::runtime_error("lookup indexes");

    std::mt19937 rng(13);
    const std::vector<std::string> texts = {"app一登录就闪退，太差了", "客服态度很差，问题一直没解决",
                                            "充电桩一直坏着，太差了", "车机系统太卡了，很失望"};
    std::vector<v1::Feedback> batch;
    for (std::size_t i = 0; i < feedback; ++i) {
      v1::Feedback f;
      f.set_id("f" + std::to_string(i));
      f.set_channel(v1::CHANNEL_REVIEW);
      const bool squeal = i % 20 == 0;
      f.set_text(squeal ? "刹车异响很严重，太差了" : texts[i % texts.size()]);
      // A squeal comes from a B-07 owner two times in three.
      const int customer = squeal && rng() % 3 ? static_cast<int>(rng() % 1000) * 10 + 7 : static_cast<int>(rng() % kCustomers);
      f.mutable_customer()->set_id("c" + std::to_string(customer));
      (*f.mutable_attributes())["app_version"] = rng() % 4 ? "5.1.3" : "5.2.0";
      *f.mutable_occurred_time() = MillisToProto(kNowMs - 1 - static_cast<std::int64_t>(i % 28) * kDayMs);
      batch.push_back(std::move(f));
      if (batch.size() == 256 || i + 1 == feedback) {
        for (auto& r : processor->ProcessBatch(batch)) (void)r.value();
        batch.clear();
      }
    }
  }
  ~Fixture() {
    // The stores' sessions before their server.
    root_causes.reset();
    source.reset();
    entity_service.reset();
    processor.reset();
    store.reset();
    entity_store.reset();
    triage_db.reset();
    entities_db.reset();
    postgres.reset();
    std::filesystem::remove_all(dir);
  }
};

std::unique_ptr<Fixture> current;

// One backend's data at a time (made on its first benchmark).
Fixture& Data(const std::string& backend) {
  if (!current || current->backend != backend) {
    current.reset();
    current = std::make_unique<Fixture>(backend);
  }
  return *current;
}

v1::FindRootCausesRequest Window() {
  v1::FindRootCausesRequest request;
  *request.mutable_start_time() = MillisToProto(kNowMs - 28 * kDayMs);
  *request.mutable_end_time() = MillisToProto(kNowMs);
  request.add_signal_terms("异响");
  return request;
}

void BM_FindRootCauses(benchmark::State& state, const std::string& backend) {
  Fixture& data = Data(backend);
  const v1::FindRootCausesRequest request = Window();
  std::int64_t findings = 0, target = 0;
  for (auto _ : state) {
    auto found = data.root_causes->FindRootCauses(request);
    if (!found.ok()) {
      state.SkipWithError(std::string(found.status().message()).c_str());
      return;
    }
    findings = found->findings_size();
    target = found->target_size();
    std::string label;
    for (const auto& f : found->findings()) label += (label.empty() ? "" : " ") + f.attribute() + "=" + f.value();
    state.SetLabel(label);
    benchmark::DoNotOptimize(found);
  }
  state.counters["feedback"] = static_cast<double>(data.feedback);
  state.counters["vehicles"] = data.vehicles;
  state.counters["target"] = static_cast<double>(target);
  state.counters["findings"] = static_cast<double>(findings);
}

// Rates per vehicle as well: every vehicle row is read as a unit.
void BM_FindRootCausesWithVehicleRates(benchmark::State& state, const std::string& backend) {
  Fixture& data = Data(backend);
  v1::FindRootCausesRequest request = Window();
  request.set_exposure_entity("vehicle");
  for (auto _ : state) {
    auto found = data.root_causes->FindRootCauses(request);
    if (!found.ok()) {
      state.SkipWithError(std::string(found.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(found);
  }
}

// What the word-level drill-down now reads in addition: the free attributes
// of the window's negative feedback (triaged_json parsed).
void BM_LoadFeedbackLinks(benchmark::State& state, const std::string& backend) {
  Fixture& data = Data(backend);
  for (auto _ : state) {
    auto links = data.store->LoadFeedbackLinks(kNowMs - 28 * kDayMs, kNowMs, 50000);
    benchmark::DoNotOptimize(links);
  }
}
void RegisterAll() {
  for (const std::string& backend : bench::ListFromEnv("VOC_ROOTCAUSE_BACKENDS", "sqlite,postgres")) {
    if (backend != "sqlite" && backend != "postgres") throw std::runtime_error("VOC_ROOTCAUSE_BACKENDS: " + backend);
    if (backend == "postgres" && !testing::PostgresServer::Available()) continue;
    for (const auto& [name, fn] : {std::pair{"BM_FindRootCauses", &BM_FindRootCauses},
                                   std::pair{"BM_FindRootCausesWithVehicleRates", &BM_FindRootCausesWithVehicleRates},
                                   std::pair{"BM_LoadFeedbackLinks", &BM_LoadFeedbackLinks}}) {
      benchmark::RegisterBenchmark((std::string(name) + "/" + backend).c_str(), fn, backend)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(5);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return voc::bench::RunRegistered(argc, argv, RegisterAll, [] { current.reset(); });
}
