// Triage on many replicas, measured (docs/architecture.md, "Triage on many
// replicas"). Not a Google Benchmark loop: each run drains one backlog.
//
//   drain   A backlog of --messages feedback on voc:feedback (texts from
//           $VOC_DATA_DIR/online_shopping_10_cats/train.csv, cycled, every
//           id unique) is drained by --replicas TriageService +
//           TriageConsumer instances in one consumer group, each on its own
//           thread pinned to its own core (--cpus 0,1: replica k on the k-th
//           listed core), each with its own connection pool, analyser, index
//           and detector, sharing one PostgreSQL (or SQLite) database.
//           Reports feedback/s from the first read to the last result
//           published, and per replica the feedback it handled per second
//           of its own thread's CPU time (the figure that does not depend
//           on what else runs on the machine).
//   store   TriageStore::SaveResults of --messages pre-analysed results in
//           batches of --batch (one transaction each) vs one at a time.
//   rollup  What the voice roll-up (issue 12) costs SaveResults: the
//           roll-up's own work for --messages results in batches of
//           --batch (AddToVoiceRollup + AddVoiceRollup, as SaveResults does
//           them, a transaction a batch: so its figure includes a commit
//           SaveResults makes anyway, an upper bound; one transaction for
//           all batches would instead grow PostgreSQL's version chains of
//           the rows updated again and again), then
//           SaveResults itself (which includes that work) on as many other
//           results, same batches, same database.
//
// Run from the source root (config/ is read):
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_replicas_benchmark drain --replicas 2 --cpus 0,1
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_replicas_benchmark store --batch 64
//   VOC_DATA_DIR=../shared/data ./build/tests/benchmarks/triage_replicas_benchmark rollup --backend sqlite
// Flags: --backend postgres|sqlite (default postgres), --messages N
// (20000), --batch N (64, the consumer's read size in drain).
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/reports/voice_rollup.h"
#include "services/triage/store/voice_rollup_store.h"
#include "services/triage/triage_consumer.h"
#include "services/triage/triage_service.h"
#include "tests/support/servers.h"
#include "tools/triage/dataset.h"

namespace {

using namespace voc;
using namespace voc::triage;

struct Flags {
  std::string mode = "drain";
  std::string backend = "postgres";
  int replicas = 1;
  int messages = 20000;
  int batch = 64;
  std::vector<int> cpus;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  if (argc > 1) f.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--backend") f.backend = value;
    else if (key == "--replicas") f.replicas = std::stoi(value);
    else if (key == "--messages") f.messages = std::stoi(value);
    else if (key == "--batch") f.batch = std::stoi(value);
    else if (key == "--cpus") {
      std::stringstream list(value);
      std::string cpu;
      while (std::getline(list, cpu, ',')) f.cpus.push_back(std::stoi(cpu));
    }
  }
  return f;
}

std::vector<std::string> Texts() {
  const char* data_dir = std::getenv("VOC_DATA_DIR");
  if (!data_dir || !*data_dir) {
    std::cerr << "set VOC_DATA_DIR (the shared corpora)\n";
    std::exit(2);
  }
  std::vector<std::string> texts;
  for (auto& row : tools::ReadLabelledCsv(std::string(data_dir) + "/online_shopping_10_cats/train.csv"))
    texts.push_back(std::move(row.text));
  return texts;
}

v1::Feedback FeedbackOf(int i, const std::string& text, std::int64_t now_ms) {
  v1::Feedback f;
  f.set_id("bench-" + std::to_string(i));
  f.set_channel(v1::CHANNEL_REVIEW);
  f.set_text(text);
  *f.mutable_occurred_time() = MillisToProto(now_ms - (i % 86400) * 1000LL);
  return f;
}

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

struct Backend {
  std::unique_ptr<testing::PostgresServer> postgres;
  testing::TempDir dir;
  std::string url;
  explicit Backend(const std::string& kind) {
    if (kind == "postgres") {
      postgres = std::make_unique<testing::PostgresServer>();
      postgres->CreateDatabase("triage");
      url = postgres->Url("triage");
    } else {
      url = "sqlite3://" + dir.path() + "/triage.db";
    }
  }
};

struct Replica {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<TriageStore> store;
  std::unique_ptr<TriageAnalyzer> analyzer;
  std::unique_ptr<WeakSignalDetector> signals;
  std::unique_ptr<TriageProcessor> processor;
  std::unique_ptr<TriageService> service;
  std::unique_ptr<queue::StreamPublisher> publisher;
  std::unique_ptr<TriageConsumer> consumer;
};

std::unique_ptr<Replica> MakeReplica(const std::string& url, const Clock& clock, queue::RedisOptions redis,
                                     int index, int batch) {
  auto r = std::make_unique<Replica>();
  r->db = storage::Database::Open(url).value();
  r->db->Migrate("triage", TriageMigrations()).value();
  r->store = std::make_unique<TriageStore>(*r->db);
  r->analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  WeakSignalOptions signal_options;
  signal_options.groups = DefaultSignalGroups(*r->analyzer->taxonomy().Current());
  r->signals = std::make_unique<WeakSignalDetector>(signal_options);
  r->processor = std::make_unique<TriageProcessor>(*r->analyzer, *r->store, clock);
  r->service = std::make_unique<TriageService>(*r->processor, *r->store, r->signals.get(), clock);
  (void)r->processor->RestoreClusters();
  r->publisher = std::make_unique<queue::StreamPublisher>(redis, queue::kTriagedStream);
  queue::ConsumerOptions options;
  options.stream = queue::kFeedbackStream;
  options.group = "triage";
  options.consumer = "replica-" + std::to_string(index);
  options.batch_size = batch;
  options.block = std::chrono::milliseconds(50);
  r->consumer = std::make_unique<TriageConsumer>(*r->service, *r->publisher, redis, options);
  return r;
}

long StreamLength(queue::RedisOptions redis, const char* stream) {
  queue::RedisClient client(redis);
  auto reply = client.Command({"XLEN", stream});
  return reply ? static_cast<long>(reply->integer) : -1;
}

int Drain(const Flags& flags) {
  const auto texts = Texts();
  testing::RedisServer redis_server;
  queue::RedisOptions redis;
  redis.port = redis_server.port();
  Backend backend(flags.backend);
  FakeClock clock(FromMillis(1764028800000));
  const std::int64_t now_ms = ToMillis(clock.Now());
  {
    queue::StreamProducer producer(redis, queue::kFeedbackStream);
    std::vector<std::map<std::string, std::string>> chunk;
    for (int i = 0; i < flags.messages; ++i) {
      std::string bytes;
      FeedbackOf(i, texts[i % texts.size()], now_ms).SerializeToString(&bytes);
      chunk.push_back({{"feedback_id", "bench-" + std::to_string(i)}, {"payload", std::move(bytes)}});
      if (chunk.size() == 500 || i + 1 == flags.messages) {
        producer.PublishBatch(chunk);
        chunk.clear();
      }
    }
  }
  std::vector<std::unique_ptr<Replica>> replicas;
  for (int k = 0; k < flags.replicas; ++k) replicas.push_back(MakeReplica(backend.url, clock, redis, k, flags.batch));
  std::vector<long> handled(flags.replicas, 0);
  std::vector<double> cpu_seconds(flags.replicas, 0);  // each replica thread's own CPU time
  std::atomic<bool> done{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < flags.replicas; ++k) {
    threads.emplace_back([&, k] {
      if (!flags.cpus.empty()) PinTo(flags.cpus[k % flags.cpus.size()]);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(20);
      while (!done && std::chrono::steady_clock::now() < deadline) {
        const int n = replicas[k]->consumer->PollOnce();
        handled[k] += n;
        if (n == 0 && StreamLength(redis, queue::kTriagedStream) >= flags.messages) done = true;
      }
      timespec cpu{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
      cpu_seconds[k] = cpu.tv_sec + cpu.tv_nsec / 1e9;
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long triaged = StreamLength(redis, queue::kTriagedStream);
  std::printf("drain backend=%s replicas=%d batch=%d messages=%d triaged=%ld seconds=%.2f feedback_per_s=%.0f",
              flags.backend.c_str(), flags.replicas, flags.batch, flags.messages, triaged, seconds,
              triaged / seconds);
  // Feedback per second of the replica's own CPU: what one core would give
  // it on a quiet machine (the database and Redis run on other processes).
  for (int k = 0; k < flags.replicas; ++k)
    std::printf(" replica%d=%ld cpu%d_s=%.1f per_cpu_s%d=%.0f", k, handled[k], k, cpu_seconds[k], k,
                handled[k] / cpu_seconds[k]);
  std::printf(" clusters=%zu\n", replicas[0]->processor->clusters().cluster_count());
  return triaged == flags.messages ? 0 : 1;
}

int Store(const Flags& flags) {
  const auto texts = Texts();
  Backend backend(flags.backend);
  FakeClock clock(FromMillis(1764028800000));
  auto db = storage::Database::Open(backend.url).value();
  db->Migrate("triage", TriageMigrations()).value();
  TriageStore store(*db);
  auto analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  // Pre-analysed results, so only storing is timed.
  auto prepare = [&](const std::string& prefix) {
    std::vector<PendingResult> out;
    for (int i = 0; i < flags.messages; ++i) {
      PendingResult p;
      v1::Feedback f = FeedbackOf(i, texts[i % texts.size()], ToMillis(clock.Now()));
      f.set_id(prefix + std::to_string(i));
      std::string normalized;
      const Analysis analysis = analyzer->AnalyzeWithText(InputFor(f), normalized);
      *p.triaged.mutable_feedback() = f;
      *p.triaged.mutable_result() = ToProto(analysis, f.id(), clock.Now());
      if (analysis.sentiment == SentimentLabel::kNegative && !normalized.empty()) {
        p.drill_terms = analyzer->Terms(normalized);
        p.member = StoredClusterMember{f.id(), 0, EncodeSignature(ComputeSignature(normalized)),
                                       ProtoToMillis(f.occurred_time()), {}, normalized, {}, 0};
      }
      p.normalized_text = std::move(normalized);
      out.push_back(std::move(p));
    }
    return out;
  };
  const ClusterStep step = [](const std::vector<StoredClusterMember>&, const std::vector<PendingResult*>& fresh,
                              std::uint64_t& next_cluster_id) {
    for (PendingResult* p : fresh)
      if (p->member) p->member->cluster_id = next_cluster_id++;
  };
  auto run = [&](std::vector<PendingResult>& all, int batch) {
    std::uint64_t seq = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < all.size(); i += batch) {
      std::vector<PendingResult> chunk(std::make_move_iterator(all.begin() + i),
                                       std::make_move_iterator(all.begin() + std::min(all.size(), i + batch)));
      if (!store.SaveResults(chunk, seq, step, &seq).ok()) std::exit(1);
    }
    return all.size() / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (flags.mode == "rollup") {
    auto rolled = prepare("rollup-");
    const auto start = std::chrono::steady_clock::now();
    std::size_t rows = 0;
    for (std::size_t i = 0; i < rolled.size(); i += flags.batch) {
      db->InTransaction([&](soci::session& s) {
        VoiceRollup rollup;
        for (std::size_t k = i; k < std::min(rolled.size(), i + flags.batch); ++k)
          AddToVoiceRollup(rolled[k].triaged, /*utc_offset_minutes=*/480, rollup);
        rows += rollup.size();
        AddVoiceRollup(s, rollup);
      });
    }
    const double rollup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto batched = prepare("batch-");
    const double batch_rate = run(batched, flags.batch);
    const double save_s = flags.messages / batch_rate;
    std::printf("rollup backend=%s messages=%d batch=%d rollup_rows=%zu rollup_ms_per_batch=%.2f "
                "save_ms_per_batch=%.2f rollup_share=%.2f save_per_s=%.0f without_rollup_per_s=%.0f\n",
                flags.backend.c_str(), flags.messages, flags.batch, rows, 1000 * rollup_s * flags.batch / flags.messages,
                1000 * save_s * flags.batch / flags.messages, rollup_s / save_s, batch_rate,
                flags.messages / std::max(1e-9, save_s - rollup_s));
    return 0;
  }
  auto one = prepare("one-");
  auto batched = prepare("batch-");
  const double one_rate = run(one, 1);
  const double batch_rate = run(batched, flags.batch);
  std::printf("store backend=%s messages=%d one_at_a_time_per_s=%.0f batch%d_per_s=%.0f ratio=%.1f\n",
              flags.backend.c_str(), flags.messages, one_rate, flags.batch, batch_rate, batch_rate / one_rate);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  voc::log::Init("triage-bench", "json", "warn");
  const Flags flags = ParseFlags(argc, argv);
  if (flags.mode == "store" || flags.mode == "rollup") return Store(flags);
  return Drain(flags);
}
