// voc-assignment: consumes voc:triaged, opens cases in tracking, serves
// GetAssignment, ReloadRules and the routing rules' history (issue 9).
#include <iostream>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/auth/dev_clock_access.h"
#include "common/log/log.h"
#include "common/notify/notifier.h"
#include "common/org/org_directory.h"
#include "common/queue/stream.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "services/assignment/assignment_consumer.h"
#include "services/assignment/assignment_grpc.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/grpc_clients.h"
#include "services/assignment/privacy_grpc.h"
#include "services/assignment/routing_rule_editor.h"
#include "services/assignment/store/assignment_store.h"

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "assignment", "assignment",
                                   voc::assignment::AssignmentMigrations());
  const voc::Config& config = ctx.config;

  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-assignment: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);

  const voc::assignment::RuleFiles files{
      config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath),
      config.ServiceString("routing", "config/routing.yaml")};
  auto router = voc::assignment::LoadRouter(files);
  if (!router.ok()) {
    std::cerr << "voc-assignment: cannot start: " << router.status().message() << "\n";
    return 2;
  }
  // Red-line alerts go through the one notifier setting (top-level notifier:).
  auto notifier = voc::NotifierFromConfig(config);
  if (!notifier.ok()) {
    std::cerr << "voc-assignment: cannot start: " << notifier.status().message() << "\n";
    return 2;
  }

  // Tracking is called as principal "assignment" (cases:create only).
  auto security = voc::rpc::ChannelSecurityFrom(ctx.config);
  if (!security.ok()) {
    std::cerr << "voc-assignment: cannot start: " << security.status().message() << "\n";
    return 2;
  }

  voc::assignment::AssignmentStore store(*ctx.db);
  voc::assignment::GrpcCaseCreator cases(voc::rpc::MakeChannel(config.AddressOf("tracking"), *security));
  voc::assignment::AssignmentService service(store, *ctx.clock, cases, **notifier, *router, files);
  // Routing rules changed through the API are stored and win over the file
  // (issue 9); a version another replica stored is followed at the next check.
  voc::assignment::RoutingRuleEditor routing_rules(service, store, *ctx.clock, authenticator->audit());
  if (const absl::Status loaded = routing_rules.LoadStoredRules(); !loaded.ok()) {
    std::cerr << "voc-assignment: cannot start: " << loaded.message() << "\n";
    return 2;
  }
  voc::PeriodicWorker rule_checks(
      "rules_check", std::chrono::milliseconds(config.ServiceInt("rules_check_interval_ms", 10000)),
      [&] { routing_rules.CheckForNewerRules(); });
  rule_checks.Start();
  voc::assignment::AssignmentGrpc grpc_service(service, routing_rules, *authenticator);
  voc::assignment::AssignmentConsumer triaged(service);

  voc::queue::ConsumerOptions consumer_options;
  consumer_options.stream = voc::queue::kTriagedStream;
  consumer_options.group = "assignment";
  consumer_options.consumer = ctx.consumer_name;
  // One read of voc:triaged is one batch: one CreateCases call to tracking
  // and one transaction of decisions, acked together after the commit.
  voc::queue::StreamConsumer consumer(
      ctx.redis, consumer_options,
      voc::queue::StreamBatchHandler([&](const std::vector<voc::queue::StreamMessage>& batch) {
        return triaged.HandleBatch(batch);
      }));

  // PIPL / GDPR erasure (issue 9): voc customers erase.
  voc::assignment::ErasureStore erasure_store(*ctx.db);
  const auto privacy_service = voc::assignment::MakePrivacyGrpc(*authenticator, erasure_store);
  voc::rpc::ServiceServer server({.service_name = "assignment", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                  .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                 {&grpc_service, privacy_service.get()});
  voc::StartServerOrExit(server, "assignment");
  const auto readiness = voc::StartReadiness(ctx, server);
  std::thread consumer_thread([&] { consumer.Run(); });
  const auto counts = service.CurrentCounts();
  voc::log::Info("assignment_started", {{"departments", counts.departments()},
                                        {"people", counts.people()},
                                        {"rules", counts.rules()}});
  server.WaitForShutdownSignal();
  consumer.Stop();
  consumer_thread.join();
  return 0;
}
