// voc-triage: consumes voc:feedback, analyses each feedback, stores the
// result and queues it for assignment; serves TriageService.
#include <fstream>
#include <sstream>

#include "common/log/log.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/rule_reloader.h"
#include "services/triage/triage_grpc.h"
#include "services/triage/triage_worker.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Weak signals count combinations of terms from configured dictionaries
// (model x part x symptom, ...); without a file, co-occurring complaint terms
// of the taxonomy's topics.
std::unique_ptr<voc::triage::WeakSignalDetector> MakeSignalDetector(const voc::Config& config,
                                                                    voc::triage::TriageAnalyzer& analyzer) {
  voc::triage::WeakSignalOptions options;
  std::string path = config.ServiceString("signals", "");
  options.groups = path.empty() ? voc::triage::DefaultSignalGroups(*analyzer.taxonomy().Current())
                                : voc::triage::ParseTermGroups(ReadFile(path), path);
  return std::make_unique<voc::triage::WeakSignalDetector>(options);
}

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "triage", "triage", voc::triage::TriageMigrations());
  voc::triage::TriageStore store(*ctx.db);

  std::unique_ptr<voc::triage::TriageAnalyzer> analyzer;
  std::unique_ptr<voc::triage::RuleReloader> stored_rules;
  std::unique_ptr<voc::triage::WeakSignalDetector> signals;
  try {
    voc::triage::AnalyzerOptions options;
    options.taxonomy_path = ctx.config.ServiceString("taxonomy", "config/taxonomy.yaml");
    options.redlines_path = ctx.config.ServiceString("redlines", "config/redlines.yaml");
    options.priority_path = ctx.config.ServiceString("priority", "config/priority.yaml");
    options.lexicon_dir = ctx.config.ServiceString("lexicon_dir", "config/lexicon");
    options.sentiment_model_path = ctx.config.ServiceString("sentiment_model", "");
    options.topic_model_path = ctx.config.ServiceString("topic_model", "");
    analyzer = voc::triage::MakeTriageAnalyzer(options);
    // Rules edited through the API are stored in the database and win.
    stored_rules = std::make_unique<voc::triage::RuleReloader>(*analyzer, store);
    stored_rules->LoadStoredRules();
    signals = MakeSignalDetector(ctx.config, *analyzer);
  } catch (const std::exception& e) {
    voc::log::Error("analyzer_config_invalid", {{"error", e.what()}});
    std::cerr << "voc-triage: cannot start: " << e.what() << "\n";
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

  voc::triage::TriageProcessor processor(*analyzer, store, *ctx.clock);
  processor.RestoreClusters();
  if (signals) {
    auto replayed = voc::triage::RestoreSignalHistory(store, *signals, voc::ToMillis(ctx.clock->Now()));
    voc::log::Info("signals_restored", {{"documents", replayed}, {"combinations", signals->combination_count()}});
  }

  voc::queue::ConsumerOptions consumer;
  consumer.stream = voc::queue::kFeedbackStream;
  consumer.group = "triage";
  consumer.consumer = ctx.consumer_name;
  consumer.reclaim_idle = std::chrono::milliseconds(ctx.config.ServiceInt("reclaim_idle_ms", 30000));
  voc::triage::TriageWorker worker(processor, signals.get(), ctx.redis, consumer);
  std::thread worker_thread([&] { worker.Run(); });

  voc::triage::TriageServiceOptions options;
  options.max_text_bytes = static_cast<std::size_t>(ctx.config.GetInt("services.ingest.max_text_bytes", 16384));
  voc::triage::TriageGrpcService service(processor, store, signals.get(), *ctx.clock, options);
  voc::rpc::ServiceServer server({"triage", ctx.listen, ctx.dev_clock},
                                 {&service});
  if (auto port = server.Start(); !port.ok()) {
    std::cerr << "voc-triage: cannot start: " << port.status().message() << "\n";
    worker.Stop();
    worker_thread.join();
    return 2;
  }
  server.WaitForShutdownSignal();
  worker.Stop();
  worker_thread.join();
  return 0;
}
