// soak: a steady stream of feedback through the whole loop (in at ingest)
// while a sampler notes every few seconds each service's resident memory
// and Redis's used_memory, so the CSV shows whether memory stays flat after
// warm-up.
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "tools/load/corpus.h"
#include "tools/load/ingest_calls.h"
#include "tools/load/modes.h"
#include "tools/load/process_memory.h"
#include "tools/load/redis_probe.h"

namespace voc::load {
namespace {

struct Sample {
  double t_s = 0;
  std::int64_t submitted = 0;
  std::map<std::string, std::int64_t> values;  // series -> value (kB for processes, bytes for Redis)
};

absl::StatusOr<std::map<std::string, pid_t>> Processes(const LoadOptions& options) {
  if (!options.pids_file.empty()) {
    std::ifstream in(options.pids_file);
    if (!in) return absl::NotFoundError("cannot open " + options.pids_file);
    return ParsePidList(std::string(std::istreambuf_iterator<char>(in), {}));
  }
  if (!options.pids.empty()) return ParsePidList(options.pids);
  return FindEach({"voc-ingest", "voc-triage", "voc-assignment", "voc-tracking", "voc-verification"});
}

Sample TakeSample(const std::map<std::string, pid_t>& processes, RedisProbe& redis, double t_s,
                  std::int64_t submitted) {
  Sample s{t_s, submitted, {}};
  for (const auto& [name, pid] : processes) {
    const auto kb = ResidentKb(pid);
    s.values[name + "_rss_kb"] = kb.ok() ? *kb : -1;
  }
  const auto used = redis.UsedMemory();
  s.values["redis_used_memory_bytes"] = used.ok() ? *used : -1;
  std::int64_t entries = 0;
  if (const auto lengths = redis.StreamLengths(); lengths.ok()) {
    for (const auto& [stream, n] : *lengths) entries += n;
  }
  s.values["stream_entries"] = entries;
  return s;
}

}  // namespace

absl::StatusOr<nlohmann::json> RunSoak(const LoadOptions& options, std::ostream& out) {
  if (options.count <= 0) return absl::InvalidArgumentError("--total N is required");
  if (options.samples_csv.empty()) return absl::InvalidArgumentError("--samples FILE is required");
  auto processes = Processes(options);
  if (!processes.ok()) return processes.status();
  auto texts = LoadTexts(options.csv, options.text_column);
  if (!texts.ok()) return texts.status();
  const FeedbackSource source(*std::move(texts), NewRunId(), {options.channel, false, 0});
  auto ingest = v1::IngestService::NewStub(rpc::MakeChannel(options.target, LoadToolSecurity()));

  std::ofstream csv(options.samples_csv);
  if (!csv) return absl::NotFoundError("cannot write " + options.samples_csv);

  // The sampler: one row every sample_s until told to stop.
  std::atomic<std::int64_t> completed{0};
  std::vector<Sample> samples;
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  const auto t0 = SteadyClock::now();
  std::thread sampler([&] {
    RedisProbe redis(RedisOptionsFor(options.redis));
    std::unique_lock lock(mu);
    do {
      lock.unlock();
      Sample s = TakeSample(*processes, redis, ToSeconds(SteadyClock::now() - t0), completed.load());
      lock.lock();
      if (samples.empty()) {
        csv << "elapsed_s,submitted";
        for (const auto& [series, v] : s.values) csv << "," << series;
        csv << "\n";
      }
      csv << fmt::format("{:.1f},{}", s.t_s, s.submitted);
      for (const auto& [series, v] : s.values) csv << "," << v;
      csv << "\n" << std::flush;
      samples.push_back(std::move(s));
    } while (!cv.wait_for(lock, Seconds(options.sample_s), [&] { return stop; }));
  });

  DriveOptions drive;
  drive.in_flight = options.in_flight;
  drive.completed = &completed;
  BatchCounts batch_counts;
  DriveResult result;
  std::int64_t accepted = 0;
  if (options.batch_size > 0) {
    drive.count = (options.count + options.batch_size - 1) / options.batch_size;
    drive.rate_per_s = options.rate > 0 ? options.rate / options.batch_size : 0;
    result = Drive(drive, BatchCalls(*ingest, source, options.batch_size, options.count, batch_counts));
    accepted = batch_counts.items_ok;
  } else {
    drive.count = options.count;
    drive.rate_per_s = options.rate;
    result = Drive(drive, SubmitCalls(*ingest, source));
    accepted = result.ok;
  }
  // Let the loop finish what is queued, sampling on.
  std::this_thread::sleep_for(Seconds(options.settle_s));
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  sampler.join();

  out << fmt::format("soak: {} feedback to {} ({} accepted) in {:.1f} s = {:.0f}/s; {} samples in {}\n",
                     options.count, options.target, accepted, ToSeconds(result.elapsed),
                     Rate(accepted, result.elapsed), samples.size(), options.samples_csv);
  // Per series: the value at the end of warm-up, the highest after it, the
  // last, and the growth from warm-up to the end.
  nlohmann::json memory = nlohmann::json::object();
  const std::size_t warm = std::min(samples.size() - 1,
                                    static_cast<std::size_t>(options.warmup_fraction * static_cast<double>(samples.size())));
  for (const auto& [series, v] : samples.front().values) {
    if (series == "stream_entries") continue;
    const std::int64_t at_warm = samples[warm].values.at(series);
    std::int64_t max_after = at_warm;
    for (std::size_t i = warm; i < samples.size(); ++i) max_after = std::max(max_after, samples[i].values.at(series));
    const std::int64_t final_value = samples.back().values.at(series);
    const double growth = at_warm > 0 ? 100.0 * static_cast<double>(final_value - at_warm) / static_cast<double>(at_warm) : 0;
    memory[series] = {{"after_warmup", at_warm}, {"max_after_warmup", max_after}, {"final", final_value},
                      {"growth_pct", growth}};
    out << fmt::format("  {:<32} after warm-up {:>12}  max {:>12}  final {:>12}  ({:+.1f} %)\n", series, at_warm,
                       max_after, final_value, growth);
  }
  return nlohmann::json{{"mode", "soak"},
                        {"target", options.target},
                        {"run_id", source.run_id()},
                        {"total", options.count},
                        {"accepted", accepted},
                        {"elapsed_s", ToSeconds(result.elapsed)},
                        {"accepted_per_s", Rate(accepted, result.elapsed)},
                        {"samples", samples.size()},
                        {"samples_csv", options.samples_csv},
                        {"warmup_samples", warm},
                        {"memory", memory}};
}

}  // namespace voc::load
