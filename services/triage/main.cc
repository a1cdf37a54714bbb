// voc-triage: consumes voc:feedback, analyses each feedback, stores the
// result and queues it for assignment; serves TriageService.
#include <iostream>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/config/yaml_file.h"
#include "common/log/log.h"
#include "common/org/org_directory.h"
#include "common/privacy/masker.h"
#include "common/queue/publisher.h"
#include "common/queue/stream_trim_worker.h"
#include "services/triage/red_line_mark_consumer.h"
#include "services/triage/red_line_report.h"
#include "common/reports/settings.h"
#include "common/auth/dev_clock_access.h"  // stages helper (issue 9): who may move the dev clock
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/entities_client.h"
#include "services/triage/rootcause_grpc.h"
#include "common/rpc/channel.h"
#include "services/triage/rule_editor.h"
#include "services/triage/rule_reloader.h"
#include "services/triage/privacy_grpc.h"
#include "services/triage/reports/voice_report_grpc.h"
#include "services/triage/triage_grpc.h"
#include "services/triage/triage_consumer.h"
#include "services/triage/triage_service.h"
#include "common/notify/notifier.h"
#include "services/triage/store/alert_outbox.h"
#include "services/triage/triage_alerts.h"

namespace {

// Weak signals count combinations of terms from configured dictionaries
// (model x part x symptom, ...); without a file, co-occurring complaint terms
// of the taxonomy's topics.
absl::StatusOr<std::unique_ptr<voc::triage::WeakSignalDetector>> MakeSignalDetector(
    const voc::Config& config, voc::triage::TriageAnalyzer& analyzer) {
  voc::triage::WeakSignalOptions options;
  const std::string path = config.ServiceString("signals", "");
  if (path.empty()) {
    options.groups = voc::triage::DefaultSignalGroups(*analyzer.taxonomy().Current());
  } else {
    VOC_ASSIGN_OR_RETURN(const std::string text, voc::config::LoadYaml([&] { return voc::config::ReadFile(path); }));
    VOC_ASSIGN_OR_RETURN(options.groups, voc::triage::ParseTermGroups(text, path));
  }
  return std::make_unique<voc::triage::WeakSignalDetector>(options);
}

// Everything the analyser needs from configuration, or the first problem.
absl::Status StartAnalysis(const voc::ServiceContext& ctx, voc::triage::TriageStore& store,
                           std::unique_ptr<voc::triage::TriageAnalyzer>& analyzer,
                           std::unique_ptr<voc::triage::RuleReloader>& stored_rules,
                           std::unique_ptr<voc::triage::WeakSignalDetector>& signals) {
  voc::triage::AnalyzerOptions options;
  options.taxonomy_path = ctx.config.ServiceString("taxonomy", "config/taxonomy.yaml");
  options.redlines_path = ctx.config.ServiceString("redlines", "config/redlines.yaml");
  options.priority_path = ctx.config.ServiceString("priority", "config/priority.yaml");
  options.lexicon_dir = ctx.config.ServiceString("lexicon_dir", "config/lexicon");
  options.sentiment_model_path = ctx.config.ServiceString("sentiment_model", "");
  options.topic_model_path = ctx.config.ServiceString("topic_model", "");
  options.topic_model_add = ctx.config.ServiceDouble("topic_model_add", options.topic_model_add);
  options.topic_model_extra = ctx.config.ServiceDouble("topic_model_extra", options.topic_model_extra);
  options.topic_model_veto = ctx.config.ServiceDouble("topic_model_veto", options.topic_model_veto);
  options.redline_model_path = ctx.config.ServiceString("redline_model", "");
  options.redline_model_threshold = ctx.config.ServiceDouble("redline_model_threshold", options.redline_model_threshold);
  VOC_ASSIGN_OR_RETURN(analyzer, voc::triage::MakeTriageAnalyzer(options));
  // Rules edited through the API are stored in the database and win.
  stored_rules = std::make_unique<voc::triage::RuleReloader>(*analyzer, store);
  VOC_RETURN_IF_ERROR(stored_rules->LoadStoredRules());
  VOC_ASSIGN_OR_RETURN(signals, MakeSignalDetector(ctx.config, *analyzer));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "triage", "triage", voc::triage::TriageMigrations());
  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-triage: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);
  // Report days and the NPS minimum (issue 12), checked at start.
  const voc::reports::ReportSettings& report_settings = ctx.reports;
  voc::triage::TriageStore store(*ctx.db, report_settings.utc_offset_minutes);
  // A database from before the voice roll-up gets it once, from its results.
  if (auto missing = store.VoiceRollupMissing(); !missing.ok() || *missing) {
    if (!missing.ok()) {
      std::cerr << "voc-triage: cannot start: " << missing.status().message() << "\n";
      return 2;
    }
    voc::log::Info("voice_rollup_rebuild_started");
    auto rebuilt = store.RebuildVoiceRollups(
        [](std::int64_t read) { voc::log::Info("voice_rollup_rebuild_progress", {{"results_read", read}}); });
    if (!rebuilt.ok()) {
      std::cerr << "voc-triage: cannot start: " << rebuilt.status().message() << "\n";
      return 2;
    }
    voc::log::Info("voice_rollup_rebuilt",
                   {{"results_read", rebuilt->results_read}, {"rows_written", rebuilt->rows_written}});
  }

  std::unique_ptr<voc::triage::TriageAnalyzer> analyzer;
  std::unique_ptr<voc::triage::RuleReloader> stored_rules;
  std::unique_ptr<voc::triage::WeakSignalDetector> signals;
  if (const absl::Status started = StartAnalysis(ctx, store, analyzer, stored_rules, signals); !started.ok()) {
    voc::log::Error("analyzer_config_invalid", {{"error", std::string(started.message())}});
    std::cerr << "voc-triage: cannot start: " << started.message() << "\n";
    return 2;
  }
  voc::log::Info("analyzer_ready", {{"sentiment_model", analyzer->sentiment_model_name()},
                                    {"taxonomy_version", analyzer->taxonomy().Current()->version()},
                                    {"signals", signals != nullptr}});

  // An update made through another replica reaches this one at the next check.
  voc::PeriodicWorker rule_checks("rules_check",
                                  std::chrono::milliseconds(ctx.config.ServiceInt("rules_check_interval_ms", 10000)),
                                  [&] { stored_rules->CheckForNewerRules(); });
  rule_checks.Start();

  voc::triage::ProcessorOptions processor_options;
  processor_options.cluster_window =
      std::chrono::hours(24 * ctx.config.ServiceInt("cluster_window_days", 30));
  // Members kept for matching (similar_complaints.h, "Caps"): the index's
  // memory bound whatever the window and the rate.
  processor_options.clusters.max_members = static_cast<std::size_t>(
      ctx.config.ServiceInt("cluster_max_members", static_cast<std::int64_t>(processor_options.clusters.max_members)));
  processor_options.clusters.max_members_per_cluster = static_cast<std::size_t>(ctx.config.ServiceInt(
      "cluster_max_members_per_cluster", static_cast<std::int64_t>(processor_options.clusters.max_members_per_cluster)));
  voc::triage::TriageProcessor processor(*analyzer, store, *ctx.clock, processor_options);
  // Weak-signal and cluster-size alerts (issue 11) go through the one
  // notifier setting (top-level notifier:), stored in triage's database
  // first so each is sent once; ones the notifier refused are retried.
  auto notifier = voc::NotifierFromConfig(ctx.config);
  if (!notifier.ok()) {
    std::cerr << "voc-triage: cannot start: " << notifier.status().message() << "\n";
    return 2;
  }
  voc::triage::AlertOutbox alert_outbox(*ctx.db);
  voc::triage::TriageAlerts alerts(alert_outbox, **notifier, *ctx.clock);
  processor.AttachAlerts(&alerts);
  voc::PeriodicWorker alert_retries(
      "triage_alert_retries",
      std::chrono::milliseconds(ctx.config.ServiceInt("alert_retry_interval_ms", 30000)),
      [&] { (void)alerts.RetryUnsent(); });
  alert_retries.Start();
  // The service attaches the detector, so the restore below loads both the
  // cluster index and the weak-signal history.
  voc::triage::TriageService service(processor, store, signals.get(), *ctx.clock);
  // Personal data (issue 9): cluster texts leave de-identified, with the
  // names of the directory's people and customers.
  // (the directory the authenticator loaded for its people)
  service.UseMasker(voc::privacy::Masker::FromDirectory(authenticator->roles()->directory()));
  // Issue 13: root causes join operational data, which voc-entities owns
  // and serves (FindRootCauses answers FAILED_PRECONDITION without it).
  std::unique_ptr<voc::triage::GrpcEntitySource> entity_source;
  if (const std::string entities_address = ctx.config.GetString("services.entities.address");
      !entities_address.empty()) {
    auto security = voc::rpc::ChannelSecurityFrom(ctx.config);
    if (!security.ok()) {
      std::cerr << "voc-triage: cannot start: " << security.status().message() << "\n";
      return 2;
    }
    entity_source = std::make_unique<voc::triage::GrpcEntitySource>(voc::rpc::MakeChannel(entities_address, *security));
  }
  if (const absl::Status restored = processor.RestoreClusters(); !restored.ok()) {
    std::cerr << "voc-triage: cannot start: " << restored.message() << "\n";
    return 2;
  }
  // Members past the window leave memory and the database (bounded growth).
  voc::PeriodicWorker cluster_prune(
      "cluster_prune", std::chrono::milliseconds(ctx.config.ServiceInt("cluster_prune_interval_ms", 3600000)),
      [&] { (void)processor.Prune(); });
  cluster_prune.Start();

  voc::queue::ConsumerOptions consumer;
  consumer.stream = voc::queue::kFeedbackStream;
  consumer.group = "triage";
  consumer.consumer = ctx.consumer_name;
  consumer.reclaim_idle = std::chrono::milliseconds(ctx.config.ServiceInt("reclaim_idle_ms", 30000));
  // One read of the stream is analysed, then stored in one transaction.
  consumer.batch_size = ctx.config.ServiceInt("batch_size", 64);
  voc::queue::StreamPublisher triaged(ctx.redis, voc::queue::kTriagedStream);
  // Trims voc:triaged once assignment and verification processed the entries.
  voc::queue::StreamTrimWorker trimmer(ctx.redis, voc::queue::kTriagedStream, voc::queue::TrimSettingsFrom(ctx.config));
  trimmer.Start();
  voc::triage::TriageConsumer queue_consumer(service, triaged, ctx.redis, consumer);

  // Rule changes over the API, recorded with who and when (issue 9).
  voc::triage::RuleEditor rule_editor(*analyzer, store, *ctx.clock, authenticator->audit());
  voc::triage::TriageGrpc grpc_service(service, rule_editor, *authenticator);
  // Issue 10 item 4: the case owners' red-line marks, from tracking's
  // red_line_marked events on voc:tracking (group "triage"), and the term
  // report over them.
  voc::triage::RedLineMarkStore red_line_marks(*ctx.db);
  voc::triage::RedLineReporter red_line_reports(red_line_marks);
  grpc_service.UseRedLineReports(&red_line_reports);
  voc::triage::RedLineMarkConsumer mark_handler(red_line_marks);
  voc::queue::ConsumerOptions marks_consumer = consumer;
  marks_consumer.stream = voc::queue::kTrackingStream;
  marks_consumer.batch_size = 64;
  voc::queue::StreamConsumer tracking_events(
      ctx.redis, marks_consumer, [&mark_handler](const voc::queue::StreamMessage& m) { return mark_handler.Handle(m); });
  // PIPL / GDPR erasure (issue 9): voc customers erase.
  voc::triage::ErasureStore erasure_store(*ctx.db);
  const auto privacy_service = voc::triage::MakePrivacyGrpc(*authenticator, erasure_store, processor);
  // Voice figures (issue 12) from the roll-up SaveResults maintains.
  voc::triage::VoiceRollupStore voice_rollups(*ctx.db);
  voc::triage::VoiceReportService voice_reports(
      store, voice_rollups,
      [&analyzer](const std::string& topic) {
        const auto taxonomy = analyzer->taxonomy().Current();
        const auto* found = taxonomy->Find(topic);
        return found ? found->department : std::string();
      },
      *ctx.clock, {.nps_min_answers = report_settings.nps_min_answers});
  voice_reports.UseMasker(voc::privacy::Masker::FromDirectory(authenticator->roles()->directory()));
  voc::triage::VoiceReportGrpc voice_report_grpc(voice_reports, *authenticator);
  // Issue 13: root causes in joined operational data (voc.v1.RootCauseService).
  voc::triage::RootCauseService root_causes(store, entity_source.get(), *ctx.clock,
                                            voc::privacy::Masker::FromDirectory(authenticator->roles()->directory()));
  voc::triage::RootCauseGrpc root_cause_grpc(root_causes, *authenticator);
  voc::rpc::ServiceServer server({.service_name = "triage", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                  .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                 {&grpc_service, privacy_service.get(), &voice_report_grpc, &root_cause_grpc});
  voc::StartServerOrExit(server, "triage");
  const auto readiness = voc::StartReadiness(ctx, server);
  std::thread consumer_thread([&] { queue_consumer.Run(); });
  std::thread marks_thread([&] { tracking_events.Run(); });
  server.WaitForShutdownSignal();
  queue_consumer.Stop();
  tracking_events.Stop();
  consumer_thread.join();
  marks_thread.join();
  return 0;
}
