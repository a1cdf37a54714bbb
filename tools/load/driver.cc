#include "tools/load/driver.h"

#include <stdexcept>

namespace voc::load {

DriveResult Drive(const DriveOptions& options, const CallFactory& next) {
  if (options.in_flight < 1) throw std::invalid_argument("in_flight must be at least 1");
  if (options.count <= 0 && options.duration.count() <= 0) {
    throw std::invalid_argument("a count or a duration is required");
  }
  grpc::CompletionQueue cq;
  DriveResult result;
  const auto t0 = SteadyClock::now();
  auto last_completion = t0;
  int in_flight = 0;

  auto due = [&](std::int64_t seq) {
    return t0 + std::chrono::duration_cast<SteadyClock::duration>(
                    std::chrono::duration<double>(static_cast<double>(seq) / options.rate_per_s));
  };
  auto more_to_start = [&](SteadyClock::time_point now) {
    if (options.count > 0 && result.started >= options.count) return false;
    if (options.duration.count() > 0 && now - t0 >= options.duration) return false;
    return true;
  };

  while (true) {
    auto now = SteadyClock::now();
    while (in_flight < options.in_flight && more_to_start(now)) {
      if (options.rate_per_s > 0 && now < due(result.started)) break;
      std::unique_ptr<AsyncCall> call = next(result.started);
      call->started_at = SteadyClock::now();
      call->Start(&cq);
      call.release();  // owned by the queue until its tag comes back
      ++result.started;
      ++in_flight;
      now = SteadyClock::now();
    }
    const bool can_start_more = more_to_start(now);
    if (in_flight == 0 && !can_start_more) break;

    // Wake for the next completion, the next paced start, or (with a
    // duration) at least every 50 ms to notice the end.
    auto wake = now + std::chrono::milliseconds(50);
    if (can_start_more && in_flight < options.in_flight && options.rate_per_s > 0) {
      wake = std::min(wake, due(result.started));
    }
    void* tag = nullptr;
    bool ok = false;
    // gRPC takes only system_clock deadlines.
    const auto event = cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + (wake - SteadyClock::now()));
    if (event == grpc::CompletionQueue::SHUTDOWN) break;
    if (event != grpc::CompletionQueue::GOT_EVENT) continue;
    std::unique_ptr<AsyncCall> call(static_cast<AsyncCall*>(tag));
    --in_flight;
    last_completion = SteadyClock::now();
    const auto latency = last_completion - call->started_at;
    if (call->status().ok()) {
      ++result.ok;
      result.ok_latencies.Add(latency);
    } else {
      ++result.errors[StatusCodeName(call->status().error_code())];
    }
    call->Finish(latency);
    if (options.completed) options.completed->fetch_add(1, std::memory_order_relaxed);
  }
  result.elapsed = last_completion - t0;
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace voc::load
