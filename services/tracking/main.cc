// voc-tracking: cases, projects, the SLA sweeper and the voc:tracking events.
#include <chrono>
#include <iostream>

#include "common/log/log.h"
#include "common/notify/notifier.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/sla_policy_source.h"
#include "services/tracking/event_relay.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/tracking_grpc.h"
#include "services/tracking/tracking_service.h"

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "tracking", "tracking",
                                   voc::tracking::TrackingMigrations());
  const voc::Config& config = ctx.config;

  // Escalation targets come from the org directory (org.directory).
  const std::string directory_path =
      config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath);
  auto loaded_directory = voc::org::OrgDirectory::Load(directory_path);
  if (!loaded_directory.ok()) {
    std::cerr << "voc-tracking: cannot start: " << loaded_directory.status().message() << "\n";
    return 2;
  }
  auto directory = std::make_shared<const voc::org::OrgDirectory>(*std::move(loaded_directory));
  auto made_notifier = voc::NotifierFromConfig(config);
  if (!made_notifier.ok()) {
    std::cerr << "voc-tracking: cannot start: " << made_notifier.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::Notifier> notifier = *std::move(made_notifier);

  // The SLA policies and calendars (services.tracking.sla_policies): a
  // mistake refuses to start; ReloadSlaPolicies re-reads the file later.
  voc::tracking::SlaPolicySource policies(
      config.ServiceString(voc::tracking::kSlaPoliciesConfigKey,
                           voc::tracking::kDefaultSlaPoliciesPath),
      &voc::sla::LoadSlaPolicies);
  if (const absl::Status loaded = policies.Reload(); !loaded.ok()) {
    std::cerr << "voc-tracking: cannot start: " << loaded.message() << "\n";
    return 2;
  }

  voc::tracking::TrackingStore store(*ctx.db);
  const std::chrono::milliseconds interval(config.ServiceInt("sla_sweep_interval_ms", 1000));
  voc::queue::StreamPublisher publisher(ctx.redis, voc::queue::kTrackingStream);
  // Trims voc:tracking once verification processed the entries.
  voc::queue::StreamTrimWorker trimmer(ctx.redis, voc::queue::kTrackingStream, voc::queue::TrimSettingsFrom(ctx.config));
  trimmer.Start();
  voc::storage::OutboxRelay relay(voc::tracking::TrackingRelayOptions(interval),
                                  voc::tracking::TrackingEventBatches(store, publisher));
  voc::tracking::TrackingService service(store, *ctx.clock, &relay, &policies, directory);
  voc::tracking::SlaStore sla_store(*ctx.db);
  voc::tracking::SlaSweeper sweeper(sla_store, store, *ctx.clock, *notifier, directory,
                                    [&policies] { return policies.Current(); });
  voc::tracking::TrackingGrpc grpc_service(service, sweeper);

  // Two background loops at the same pace: the SLA sweep (a failed sweep is
  // logged and the next tick retries), and the relay retrying events Redis
  // did not take right after their change.
  voc::PeriodicWorker worker("sla-sweeper", interval, [&] { sweeper.SweepOnce().IgnoreError(); },
                             voc::PeriodicWorker::FirstTick::kImmediately);

  voc::rpc::ServiceServer server({"tracking", ctx.listen, ctx.dev_clock},
                                 {&grpc_service});
  voc::StartServerOrExit(server, "tracking");
  const auto readiness = voc::StartReadiness(ctx, server);
  worker.Start();
  relay.Start();
  voc::log::Info("tracking_started", {{"directory", directory_path},
                                      {"sla_policies", policies.path()},
                                      {"people", directory->person_count()}});
  server.WaitForShutdownSignal();
  worker.Stop();
  relay.Stop();
  return 0;
}
