// Readiness with real servers: a service's grpc.health.v1 status follows its
// database and Redis (common/service/readiness.h), and the gateway's /readyz
// follows its backends' health (services/gateway/readiness.h).
//
// Most tests run one readiness pass at a time (ReadinessMonitor::CheckNow)
// right after the outage or the return, so they wait for nothing; the test
// of the real binary polls its health with a bound, as a kubelet would.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/rpc/server.h"
#include "common/service/health_check.h"
#include "common/service/readiness.h"
#include "common/storage/errors.h"
#include "services/gateway/grpc_clients.h"
#include "services/gateway/readiness.h"
#include "services/gateway/router.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "tests/support/sqlite_write_lock.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kProbeDeadline = 2s;

// What grpc.health.v1 says about `service` on 127.0.0.1:port.
ServingStatus HealthOf(int port, const std::string& service) {
  auto status = CheckHealth({rpc::MakeChannel("127.0.0.1:" + std::to_string(port)), service}, kProbeDeadline);
  EXPECT_TRUE(status.ok()) << status.status();
  return status.ok() ? *status : ServingStatus::kUnknown;
}

// A gRPC server with nothing but health (and reflection): what readiness
// changes is the same for every service.
class HealthServer {
 public:
  explicit HealthServer(const std::string& service) : server_({service, "127.0.0.1:0", nullptr}, {}) {
    port_ = server_.Start().value();
  }
  int port() const { return port_; }
  rpc::ServiceServer& server() { return server_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  rpc::ServiceServer server_;
  int port_ = 0;
};

class ServiceReadinessTest : public ::testing::Test {
 protected:
  // A monitor without its own thread (interval 0): the test runs each pass.
  std::unique_ptr<ReadinessMonitor> Monitor(std::vector<Dependency> dependencies) {
    return std::make_unique<ReadinessMonitor>(
        std::move(dependencies), [this](bool ready) { server_.server().SetServing(ready); }, 0ms);
  }
  ServingStatus Named() { return HealthOf(server_.port(), "voc.v1.TriageService"); }
  ServingStatus Overall() { return HealthOf(server_.port(), ""); }
  ServingStatus Liveness() { return HealthOf(server_.port(), rpc::kLivenessHealthName); }

  std::string SqliteUrl() const { return "sqlite3://" + dir_.path() + "/data/triage.db"; }
  std::unique_ptr<storage::Database> OpenSqlite() {
    auto db = storage::Database::Open(SqliteUrl(), 2);
    EXPECT_TRUE(db.ok()) << db.status();
    // A table, so the file holds a schema as a migrated service's does.
    (*db)->InTransaction([](soci::session& s) { s << "CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY)"; });
    return *std::move(db);
  }

  testing::TempDir dir_;
  HealthServer server_{"triage"};
};

TEST_F(ServiceReadinessTest, StoppingRedisMakesHealthNotServingAndRestartingRestoresServing) {
  testing::RedisServer redis;
  queue::RedisOptions options;
  options.port = redis.port();
  auto db = OpenSqlite();
  auto monitor = Monitor({DatabaseDependency(*db, SqliteUrl()), RedisDependency(options)});

  ASSERT_TRUE(monitor->CheckNow().ok());
  EXPECT_EQ(Named(), ServingStatus::kServing);
  EXPECT_EQ(Overall(), ServingStatus::kServing);

  redis.Stop();
  const absl::Status down = monitor->CheckNow();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(down.message().find("redis"), std::string::npos) << down;
  EXPECT_EQ(Named(), ServingStatus::kNotServing);
  EXPECT_EQ(Overall(), ServingStatus::kNotServing);
  // Not a reason to restart the process: liveness stays SERVING.
  EXPECT_EQ(Liveness(), ServingStatus::kServing);

  redis.Start();
  EXPECT_TRUE(monitor->CheckNow().ok());
  EXPECT_EQ(Named(), ServingStatus::kServing);
  EXPECT_EQ(Overall(), ServingStatus::kServing);
}

TEST_F(ServiceReadinessTest, StoppingPostgresMakesHealthNotServingAndRestartingRestoresServing) {
  if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
  testing::PostgresServer pg;
  constexpr int kPoolSize = 3;
  auto opened = storage::Database::Open(pg.Url(), kPoolSize);
  ASSERT_TRUE(opened.ok()) << opened.status();
  storage::Database& db = **opened;
  db.InTransaction([](soci::session& s) { s << "CREATE TABLE kept (id TEXT PRIMARY KEY)"; });
  db.InTransaction([](soci::session& s) { s << "INSERT INTO kept (id) VALUES ('before')"; });
  auto monitor = Monitor({DatabaseDependency(db, pg.Url())});
  ASSERT_TRUE(monitor->CheckNow().ok());
  EXPECT_EQ(Named(), ServingStatus::kServing);

  pg.Stop();
  const absl::Status down = monitor->CheckNow();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_NE(down.message().find("database"), std::string::npos) << down;
  EXPECT_EQ(Named(), ServingStatus::kNotServing);
  EXPECT_EQ(Overall(), ServingStatus::kNotServing);
  EXPECT_EQ(Liveness(), ServingStatus::kServing);

  pg.Start();
  EXPECT_TRUE(monitor->CheckNow().ok());
  EXPECT_EQ(Named(), ServingStatus::kServing);
  EXPECT_EQ(Overall(), ServingStatus::kServing);

  // SERVING is true of the service's own connections too: each pooled
  // session whose connection died fails at most once and reconnects, and
  // the data stored before the outage is there.
  const auto count_rows = [&] {
    return storage::Guarded("counting", [&] {
      return db.WithSession([](soci::session& s) {
        int n = 0;
        s << "SELECT COUNT(*) FROM kept", soci::into(n);
        return n;
      });
    });
  };
  int failures = 0;
  absl::StatusOr<int> rows = count_rows();
  while (!rows.ok() && failures < kPoolSize) {
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kUnavailable) << rows.status();
    ++failures;
    rows = count_rows();
  }
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, 1);
  // Every session of the pool at once (a transaction each) works again.
  std::vector<std::thread> writers;
  std::atomic<int> stored{0};
  for (int i = 0; i < kPoolSize; ++i) {
    writers.emplace_back([&, i] {
      for (int attempt = 0; attempt < 2; ++attempt) {
        const absl::Status written = storage::Guarded("inserting", [&] {
          db.InTransaction([&](soci::session& s) {
            const std::string id = "after-" + std::to_string(i);
            s << "INSERT INTO kept (id) VALUES (:id) ON CONFLICT DO NOTHING", soci::use(id);
            // Hold the session while the others take theirs.
            s << "SELECT pg_sleep(0.05)";
          });
        });
        if (written.ok()) {
          ++stored;
          return;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(stored.load(), kPoolSize);
}

TEST_F(ServiceReadinessTest, AHeldSqliteWriteLockIsNoOutage) {
  auto db = OpenSqlite();
  auto monitor = Monitor({DatabaseDependency(*db, SqliteUrl())});
  ASSERT_TRUE(monitor->CheckNow().ok());
  {
    // Writers wait out the busy timeout and answer UNAVAILABLE per call, but
    // reads go on in WAL mode: the service still answers most of its RPCs.
    testing::SqliteWriteLock lock(SqliteUrl());
    EXPECT_TRUE(monitor->CheckNow().ok());
    EXPECT_EQ(Named(), ServingStatus::kServing);
  }
  EXPECT_TRUE(monitor->CheckNow().ok());
}

TEST_F(ServiceReadinessTest, ASqliteFolderThatIsGoneIsAnOutageUntilItIsBack) {
  auto db = OpenSqlite();
  auto monitor = Monitor({DatabaseDependency(*db, SqliteUrl())});
  ASSERT_TRUE(monitor->CheckNow().ok());

  // The volume holding the file went away (unmounted, renamed): a new
  // connection, as after a restart, could not open the service's database.
  const fs::path folder = fs::path(dir_.path()) / "data";
  const fs::path away = fs::path(dir_.path()) / "elsewhere";
  fs::rename(folder, away);
  const absl::Status down = monitor->CheckNow();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(down.message().find("triage.db"), std::string::npos) << down;
  EXPECT_EQ(Named(), ServingStatus::kNotServing);
  EXPECT_EQ(Overall(), ServingStatus::kNotServing);
  EXPECT_EQ(Liveness(), ServingStatus::kServing);

  fs::rename(away, folder);
  EXPECT_TRUE(monitor->CheckNow().ok());
  EXPECT_EQ(Named(), ServingStatus::kServing);
}

TEST_F(ServiceReadinessTest, ASqliteFileRemovedOrReplacedIsAnOutage) {
  auto db = OpenSqlite();
  auto monitor = Monitor({DatabaseDependency(*db, SqliteUrl())});
  ASSERT_TRUE(monitor->CheckNow().ok());
  const fs::path file = dir_.path() + "/data/triage.db";

  // The service still writes to the unlinked file, which nobody will open again.
  fs::remove(file);
  EXPECT_EQ(monitor->CheckNow().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Named(), ServingStatus::kNotServing);

  // A new, readable file at the path is not the one the service writes to.
  auto other = storage::Database::Open(SqliteUrl(), 1);
  ASSERT_TRUE(other.ok());
  (*other)->InTransaction([](soci::session& s) { s << "CREATE TABLE t (id TEXT PRIMARY KEY)"; });
  const absl::Status replaced = monitor->CheckNow();
  EXPECT_EQ(replaced.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(replaced.message().find("no longer the file"), std::string::npos) << replaced;
  EXPECT_EQ(Named(), ServingStatus::kNotServing);
}

// The wiring in a real main(): voc-verification with its own SQLite file and a
// real Redis, readiness checked every 100 ms, probed over gRPC like a kubelet.
class ServiceBinaryReadinessTest : public ::testing::Test {
 protected:
  std::string WriteConfig() {
    const std::string path = dir_.path() + "/voc.yaml";
    std::ofstream(path) << "data_dir: " << dir_.path() << "/var\n"
                        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
                        << creds_.AuthYaml()
                        << "services:\n"
                        << "  triage: {address: \"127.0.0.1:1\"}\n"    // never called here
                        << "  tracking: {address: \"127.0.0.1:1\"}\n"
                        << "  verification:\n"
                        << "    listen: 127.0.0.1:" << port_ << "\n"
                        << "    readiness_interval_ms: 100\n"
                        << "    metrics_listen: \"\"\n";  // no fixed metrics port: tests run side by side
    return path;
  }
  // Polls (bounded) until `service` reports `expected`.
  bool WaitForHealth(const std::string& service, ServingStatus expected) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    const auto channel = rpc::MakeChannel("127.0.0.1:" + std::to_string(port_));
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = CheckHealth({channel, service}, 1s);
      if (status.ok() && *status == expected) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string Log() const {
    std::ifstream in(dir_.path() + "/verification.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // ListVerifications' code on the running binary, over `channel`.
  grpc::StatusCode ListVerificationsOver(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = v1::VerificationService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    v1::ListVerificationsResponse response;
    return stub->ListVerifications(&context, v1::ListVerificationsRequest(), &response).error_code();
  }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  testing::RedisServer redis_;
  int port_ = testing::FreePort();
};

TEST_F(ServiceBinaryReadinessTest, VerificationFollowsRedisOutAndBack) {
  testing::ChildProcess service({VOC_VERIFICATION_BIN, "--config", WriteConfig()},
                                dir_.path() + "/verification.log", creds_.ServiceEnv("verification"));
  // Probes carry no token (WaitForHealth's channel has none): health checks
  // stay open while the service's own RPCs need one (issue 9).
  ASSERT_TRUE(WaitForHealth("voc.v1.VerificationService", ServingStatus::kServing)) << Log();
  ASSERT_TRUE(WaitForHealth("", ServingStatus::kServing)) << Log();
  const std::string address = "127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(ListVerificationsOver(rpc::MakeChannel(address)), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListVerificationsOver(creds_.Channel(address, "tester")), grpc::StatusCode::OK) << Log();

  redis_.Stop();
  EXPECT_TRUE(WaitForHealth("voc.v1.VerificationService", ServingStatus::kNotServing)) << Log();
  EXPECT_TRUE(WaitForHealth("", ServingStatus::kNotServing));
  EXPECT_EQ(HealthOf(port_, rpc::kLivenessHealthName), ServingStatus::kServing);
  EXPECT_NE(Log().find("\"dependency_unavailable\""), std::string::npos) << Log();

  redis_.Start();
  EXPECT_TRUE(WaitForHealth("voc.v1.VerificationService", ServingStatus::kServing)) << Log();
  EXPECT_TRUE(WaitForHealth("", ServingStatus::kServing));
  const int status = service.Terminate(10000);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// The gateway: /readyz over its backends' gRPC health.
class GatewayReadinessTest : public ::testing::Test {
 protected:
  GatewayReadinessTest() {
    gateway::GrpcBackendOptions options;
    options.tracking = rpc::MakeChannel(tracking_.address());
    options.ingest = rpc::MakeChannel(ingest_->address());
    backend_ = std::make_unique<gateway::GrpcBackend>(options, clock_);
    probe_ = std::make_unique<gateway::GrpcReadinessProbe>(
        std::vector<gateway::GrpcReadinessProbe::Backend>{{"tracking", options.tracking},
                                                          {"ingest", options.ingest}},
        1s);
    router_ = std::make_unique<gateway::Router>(*backend_, std::vector<org::Department>{},
                                                gateway::StaticFiles(dir_.path()), probe_.get());
  }
  gateway::HttpResponse Get(const std::string& target) { return router_->Handle({"GET", target, {}, ""}); }

  testing::TempDir dir_;
  SystemClock clock_;
  HealthServer tracking_{"tracking"};
  std::unique_ptr<HealthServer> ingest_ = std::make_unique<HealthServer>("ingest");
  std::unique_ptr<gateway::GrpcBackend> backend_;
  std::unique_ptr<gateway::GrpcReadinessProbe> probe_;
  std::unique_ptr<gateway::Router> router_;
};

TEST_F(GatewayReadinessTest, ReadyzFailsWhileABackendIsNotServing) {
  auto ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(nlohmann::json::parse(ready.body)["backends"]["tracking"], "SERVING");

  tracking_.server().SetServing(false);  // e.g. tracking lost its database
  auto not_ready = Get("/readyz");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  const auto body = nlohmann::json::parse(not_ready.body);
  EXPECT_EQ(body["status"], "not_ready");
  EXPECT_EQ(body["backends"]["tracking"], "NOT_SERVING");
  EXPECT_EQ(body["backends"]["ingest"], "SERVING");
  // Liveness does not depend on the backends.
  EXPECT_EQ(Get("/healthz").status, 200);

  tracking_.server().SetServing(true);
  EXPECT_EQ(Get("/readyz").status, 200);
}

TEST_F(GatewayReadinessTest, ReadyzFailsWhileABackendCannotBeReached) {
  ingest_.reset();  // the ingest server is gone
  auto not_ready = Get("/readyz");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  const auto body = nlohmann::json::parse(not_ready.body);
  EXPECT_NE(body["backends"]["ingest"].get<std::string>().find("UNAVAILABLE"), std::string::npos) << body;
  EXPECT_EQ(body["backends"]["tracking"], "SERVING");
}

}  // namespace
}  // namespace voc
