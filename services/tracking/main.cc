// voc-tracking: cases, projects, the SLA sweeper and the voc:tracking events.
#include <chrono>
#include <iostream>

#include "common/auth/authenticator.h"
#include "common/log/log.h"
#include "common/notify/notifier.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/reports/settings.h"
#include "common/auth/dev_clock_access.h"  // stages helper (issue 9): who may move the dev clock
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "services/tracking/sla_policy_source.h"
#include "services/tracking/event_relay.h"
#include "services/tracking/loop_report_grpc.h"
#include "services/tracking/loop_reporter.h"
#include "services/tracking/overdue_digest.h"
#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/privacy_grpc.h"
#include "services/tracking/tracking_grpc.h"
#include "services/tracking/tracking_service.h"
#include "services/tracking/store/project_store.h"
#include "services/tracking/store/task_store.h"
#include "services/tracking/tasks/action_item_watcher.h"
#include "services/tracking/tasks/project_workflow.h"
#include "services/tracking/tasks/task_service.h"
#include "services/tracking/tasks/tasks_grpc.h"

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

  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis, directory);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-tracking: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);
  // Issue 9: the customer's words in cases shown outside their department
  // are de-identified (names known from the directory among them).
  voc::tracking::TextMasker masker = voc::tracking::DirectoryMasker(*directory);

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
  voc::tracking::TrackingService service(store, *ctx.clock, &relay, &policies, directory, masker);
  voc::tracking::SlaStore sla_store(*ctx.db);
  voc::tracking::SlaSweeper sweeper(sla_store, store, *ctx.clock, *notifier, directory,
                                    [&policies] { return policies.Current(); });
  voc::tracking::TrackingGrpc grpc_service(*authenticator, service, sweeper);

  // ---- issue 11 (tasks): tasks on cases, the project workflow and its
  // committee, the action-item watcher (run beside the sweeper).
  auto committee = voc::tracking::tasks::ParseCommittee(config.ServiceString("voc_committee"),
                                                        *directory);
  if (!committee.ok()) {
    std::cerr << "voc-tracking: cannot start: " << config.Where("services.tracking.voc_committee") << ": "
              << committee.status().message() << "\n";
    return 2;
  }
  // The task and action-item policies (kinds "task", "action_item") come from
  // the same policy set as the cases' clocks; without an action_item policy
  // the watcher counts wall-clock time from services.tracking.action_item_*.
  // The watch plan is taken at start: a reload re-targets cases and tasks,
  // the action-item plan after a restart.
  auto item_plan = voc::tracking::tasks::ItemWatchPlanFromPolicies(*policies.Current());
  if (!item_plan.ok()) item_plan = voc::tracking::tasks::ItemWatchPlanFromConfig(config);
  voc::tracking::TaskStore task_store(*ctx.db);
  voc::tracking::ProjectStore project_store(*ctx.db);
  voc::tracking::tasks::TaskService task_service(task_store, store, *ctx.clock, directory,
                                                 [&policies] { return policies.Current(); });
  voc::tracking::tasks::ProjectWorkflow project_workflow(store, project_store, *ctx.clock,
                                                         directory, *std::move(committee));
  voc::tracking::tasks::ActionItemWatcher item_watcher(
      project_store, *ctx.clock, *notifier, directory, *std::move(item_plan));
  voc::tracking::tasks::CaseTaskGrpc task_grpc(*authenticator, task_service);
  voc::tracking::tasks::ProjectWorkflowGrpc workflow_grpc(*authenticator, project_workflow,
                                                          item_watcher);
  voc::PeriodicWorker item_worker("action-item-watcher", interval,
                                  [&] { item_watcher.WatchOnce().IgnoreError(); },
                                  voc::PeriodicWorker::FirstTick::kImmediately);

  // Two background loops at the same pace: the SLA sweep (a failed sweep is
  // logged and the next tick retries), and the relay retrying events Redis
  // did not take right after their change.
  voc::PeriodicWorker worker("sla-sweeper", interval, [&] { sweeper.SweepOnce().IgnoreError(); },
                             voc::PeriodicWorker::FirstTick::kImmediately);

  // Issue 12: the Loop report (SLA compliance, MTTA / MTTR, backlog, hot
  // loop) in the report time zone, a fixed offset from UTC.
  const voc::reports::ReportSettings& report_settings = ctx.reports;
  voc::tracking::LoopReportStore loop_store(*ctx.db);
  // The report sums a daily roll-up the writes mark cases for and a refresh
  // keeps up to date at the sweep's pace; a different report offset than
  // the rows were made with rebuilds them here.
  voc::tracking::LoopRollupStore loop_rollup(*ctx.db, *ctx.clock, report_settings.utc_offset_minutes);
  if (const absl::Status ensured = loop_rollup.EnsureOffset(); !ensured.ok()) {
    std::cerr << "voc-tracking: cannot start: " << ensured.message() << "\n";
    return 2;
  }
  voc::PeriodicWorker rollup_worker("loop-rollup", interval,
                                    [&] {
                                      const auto refreshed = loop_rollup.RefreshAll(/*max_batches=*/20);
                                      if (!refreshed.ok()) {
                                        voc::log::Warn("loop_rollup_refresh_failed",
                                                       {{"error", std::string(refreshed.status().message())}});
                                      }
                                    },
                                    voc::PeriodicWorker::FirstTick::kImmediately);
  voc::tracking::LoopReporter loop_reporter(loop_store, loop_rollup, *ctx.clock);
  // Issue 11: the daily overdue digest of each department, at a local time
  // (services.tracking.overdue_digest_at / _time_zone), once a local day
  // across replicas (tracking migration 9's claims).
  auto digest_settings = voc::tracking::OverdueDigestSettingsFrom(config);
  if (!digest_settings.ok()) {
    std::cerr << "voc-tracking: cannot start: " << digest_settings.status().message() << "\n";
    return 2;
  }
  std::vector<std::string> digest_departments;
  for (const voc::org::Department* d : directory->Departments()) digest_departments.push_back(d->id);
  voc::tracking::OverdueDigestStore digest_store(*ctx.db);
  std::unique_ptr<voc::tracking::OverdueDigester> digester;
  if (digest_settings->has_value()) {
    digester = std::make_unique<voc::tracking::OverdueDigester>(digest_store, *ctx.clock, *notifier,
                                                                digest_departments, **digest_settings);
  }
  voc::PeriodicWorker digest_worker("overdue-digest", digester ? interval : std::chrono::milliseconds(0),
                                    [&] {
                                      const auto ran = digester->RunOnce();
                                      if (!ran.ok()) {
                                        voc::log::Warn("overdue_digest_failed",
                                                       {{"error", std::string(ran.status().message())}});
                                      }
                                    },
                                    voc::PeriodicWorker::FirstTick::kImmediately);

  voc::tracking::LoopReportGrpc loop_grpc(*authenticator, loop_reporter);

  // PIPL / GDPR erasure (issue 9): voc customers erase.
  voc::tracking::CaseErasureStore erasure_store(*ctx.db);
  const auto privacy_service = voc::tracking::MakePrivacyGrpc(*authenticator, erasure_store);
  voc::rpc::ServiceServer server({.service_name = "tracking", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                  .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                 {&grpc_service, &task_grpc, &workflow_grpc, privacy_service.get(), &loop_grpc});
  voc::StartServerOrExit(server, "tracking");
  const auto readiness = voc::StartReadiness(ctx, server);
  worker.Start();
  item_worker.Start();
  rollup_worker.Start();
  digest_worker.Start();
  relay.Start();
  voc::log::Info("tracking_started", {{"directory", directory_path},
                                      {"sla_policies", policies.path()},
                                      {"people", directory->person_count()}});
  server.WaitForShutdownSignal();
  worker.Stop();
  item_worker.Stop();
  rollup_worker.Stop();
  digest_worker.Stop();
  relay.Stop();
  return 0;
}
