// Verification's consumer draining 1,000 voc:triaged messages from a real
// redis-server into a real SQLite file (synchronous=FULL, on the temporary
// folder's disk), one message per transaction (the StreamHandler form it
// ran before issue 8) against one transaction per read (the
// StreamBatchHandler form main.cc runs now), at COUNT 64 and 256.
// Every message is a detractor's NPS (0-6), the kind that stores a row
// (the original of a later callback) and reads two tables; fresh feedback
// ids in every iteration, so nothing is skipped as a redelivery.
//
//   ./build/tests/benchmarks/verification_consumer_benchmark
//
// items_per_second is messages drained (read, stored, acked) per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "common/queue/stream.h"
#include "common/util/time.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_service.h"
#include "tests/support/servers.h"

namespace {

using namespace voc;
using namespace voc::verification;

constexpr int kMessages = 1000;

class NoCounts final : public ComplaintCounter {
 public:
  absl::StatusOr<Counts> Count(TimePoint, TimePoint, const std::string&) override {
    return absl::UnavailableError("not used");
  }
};

class NoReopens final : public ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override { return absl::OkStatus(); }
};

struct Fixture {
  testing::TempDir dir;
  testing::RedisServer redis;
  FakeClock clock{FromMillis(1764028800000)};
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<VerificationStore> store;
  NoCounts counts;
  NoReopens reopens;
  std::unique_ptr<VerificationService> service;
  std::unique_ptr<VerificationConsumer> consumer;
  int round = 0;

  Fixture() {
    db = storage::Database::Open("sqlite3://" + dir.path() + "/verification.db").value();
    db->Migrate("verification", Migrations()).value();
    store = std::make_unique<VerificationStore>(*db);
    service = std::make_unique<VerificationService>(clock, *store, counts, reopens, VerificationSettings{});
    consumer = std::make_unique<VerificationConsumer>(*service);
  }
  queue::RedisOptions Redis() const {
    queue::RedisOptions o;
    o.port = redis.port();
    return o;
  }
  // 1,000 new detractor messages on voc:triaged.
  void Publish() {
    ++round;
    std::vector<std::map<std::string, std::string>> batch;
    for (int i = 0; i < kMessages; ++i) {
      v1::TriagedFeedback t;
      const std::string id = "f-" + std::to_string(round) + "-" + std::to_string(i);
      t.mutable_feedback()->set_id(id);
      t.mutable_feedback()->set_nps(i % 7);
      t.mutable_feedback()->mutable_customer()->set_id("c-" + std::to_string(i % 300));
      *t.mutable_feedback()->mutable_occurred_time() = ToProto(clock.Now());
      batch.push_back({{"feedback_id", id}, {"payload", t.SerializeAsString()}});
    }
    queue::StreamProducer producer(Redis(), queue::kTriagedStream);
    if (producer.PublishBatch(batch) != batch.size()) throw std::runtime_error("publish failed");
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

queue::ConsumerOptions Options(int count) {
  queue::ConsumerOptions options{queue::kTriagedStream, "verification", "bench"};
  options.batch_size = count;
  options.block = std::chrono::milliseconds(1);
  return options;
}

void Drain(benchmark::State& state, queue::StreamConsumer& consumer) {
  Fixture& f = Shared();
  for (auto _ : state) {
    state.PauseTiming();
    f.Publish();
    state.ResumeTiming();
    int drained = 0;
    while (drained < kMessages) {
      const int handled = consumer.PollOnce();
      if (handled <= 0) state.SkipWithError("a poll handled nothing");
      if (handled <= 0) return;
      drained += handled;
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}

void BM_OneTransactionPerMessage(benchmark::State& state) {
  Fixture& f = Shared();
  queue::StreamConsumer consumer(f.Redis(), Options(static_cast<int>(state.range(0))),
                                 [&](const queue::StreamMessage& m) { return f.consumer->HandleTriaged(m); });
  Drain(state, consumer);
}
BENCHMARK(BM_OneTransactionPerMessage)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_OneTransactionPerBatch(benchmark::State& state) {
  Fixture& f = Shared();
  queue::StreamConsumer consumer(
      f.Redis(), Options(static_cast<int>(state.range(0))),
      [&](const std::vector<queue::StreamMessage>& batch) { return f.consumer->HandleTriagedBatch(batch); });
  Drain(state, consumer);
}
BENCHMARK(BM_OneTransactionPerBatch)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
