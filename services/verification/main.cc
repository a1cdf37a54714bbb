// voc-verification: consumes voc:tracking and voc:triaged, runs due checks on
// a timer and serves voc.v1.VerificationService.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/log/log.h"
#include "common/queue/stream.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "services/verification/grpc_clients.h"
#include "services/verification/postponement_tracker.h"
#include "services/verification/verification_grpc.h"
#include "services/verification/verification_service.h"

namespace {

// Calls RunDueChecks every `interval` of real time until stopped. The
// service's clock decides what is due; this timer only decides how often to look.
// A run that fails (its database is down) is logged once, with reminders and a
// line when runs go through again, not once per interval.
class Scheduler {
 public:
  Scheduler(voc::verification::VerificationService& service, voc::Clock& clock, std::chrono::milliseconds interval)
      : service_(service), clock_(clock), interval_(interval), thread_([this] { Loop(); }) {}
  ~Scheduler() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      try {
        service_.RunDueChecks();
        voc::verification::LogPostponement("scheduler", {}, failures_.Succeeded("due_checks", clock_.Now()));
      } catch (const std::exception& e) {
        voc::verification::LogPostponement("scheduler", {}, failures_.Failed("due_checks", e.what(), clock_.Now()));
      }
      lock.lock();
    }
  }

  voc::verification::VerificationService& service_;
  voc::Clock& clock_;
  std::chrono::milliseconds interval_;
  voc::verification::PostponementTracker failures_;  // used by the scheduler thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "verification", "verification",
                                   voc::verification::Migrations());
  const auto& config = ctx.config;

  voc::verification::VerificationSettings settings;
  settings.check_delay = std::chrono::hours(config.ServiceInt("check_delay_hours", 720));
  settings.window = std::chrono::hours(24 * config.ServiceInt("window_days", 30));
  settings.resurvey_delay = std::chrono::hours(24 * config.ServiceInt("resurvey_delay_days", 90));
  settings.significance = config.ServiceDouble("significance", 0.05);
  if (settings.significance <= 0 || settings.significance >= 1) {
    voc::log::Error("bad_config", {{"key", "services.verification.significance"}, {"must_be", "in (0, 1)"}});
    return 2;
  }

  voc::verification::VerificationStore store(*ctx.db);
  voc::verification::TriageComplaintCounter counter(voc::rpc::MakeChannel(config.AddressOf("triage")));
  voc::verification::TrackingProjectReopener reopener(voc::rpc::MakeChannel(config.AddressOf("tracking")));
  voc::verification::IngestFeedbackLookup feedback(voc::rpc::MakeChannel(config.AddressOf("ingest")));
  voc::verification::VerificationService service(*ctx.clock, store, counter, reopener, feedback, settings);
  voc::verification::VerificationGrpc grpc_impl(service, store);

  voc::queue::StreamConsumer tracking_consumer(
      ctx.redis, {voc::queue::kTrackingStream, "verification", ctx.consumer_name},
      [&](const voc::queue::StreamMessage& m) { return service.HandleTrackingMessage(m); });
  voc::queue::StreamConsumer triaged_consumer(
      ctx.redis, {voc::queue::kTriagedStream, "verification", ctx.consumer_name},
      [&](const voc::queue::StreamMessage& m) { return service.HandleTriagedMessage(m); });
  std::thread tracking_thread([&] { tracking_consumer.Run(); });
  std::thread triaged_thread([&] { triaged_consumer.Run(); });

  {
    Scheduler scheduler(service, *ctx.clock, std::chrono::milliseconds(config.ServiceInt("scheduler_interval_ms", 1000)));
    voc::rpc::ServiceServer server({"verification", config.ServiceString("listen"), ctx.dev_clock},
                                   {&grpc_impl});
    server.Start();
    voc::log::Info("verification_started", {{"listen", config.ServiceString("listen")}});
    server.WaitForShutdownSignal();
  }
  tracking_consumer.Stop();
  triaged_consumer.Stop();
  tracking_thread.join();
  triaged_thread.join();
  voc::log::Info("verification_stopped");
  return 0;
}
