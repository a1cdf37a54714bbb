// voc-ingest: the front door of the loop. See docs/api.md (## Ingest).
#include <chrono>
#include <iostream>
#include <memory>

#include "common/auth/authenticator.h"
#include "common/queue/publisher.h"
#include "common/queue/stream_trim_worker.h"
#include "common/auth/dev_clock_access.h"  // stages helper (issue 9): who may move the dev clock
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/storage/outbox_relay.h"
#include "common/util/time.h"
#include "services/ingest/ingest_grpc.h"
#include "services/ingest/ingest_service.h"
#include "services/ingest/privacy_grpc.h"
#include "services/ingest/store/ingest_store.h"
#include "services/ingest/store/migrations.h"

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "ingest", voc::ingest::kIngestSchema,
                                   voc::ingest::IngestMigrations());
  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-ingest: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);

  const auto& config = ctx.config;
  voc::ingest::ValidationLimits limits;
  limits.max_text_bytes =
      static_cast<std::size_t>(config.ServiceInt("max_text_bytes", voc::api::kDefaultMaxTextBytes));
  voc::storage::OutboxRelayOptions relay_options;
  relay_options.name = "feedback";
  relay_options.interval = std::chrono::milliseconds(config.ServiceInt("relay_interval_ms", 1000));
  relay_options.batch_size = static_cast<int>(config.ServiceInt("relay_batch_size", 1000));

  voc::ingest::IngestStore store(*ctx.db);
  relay_options.count_backlog = [&store] { return store.CountUnqueued(); };  // voc_outbox_backlog
  voc::queue::StreamPublisher publisher(ctx.redis, voc::queue::kFeedbackStream);
  // Trims voc:feedback once triage has processed the entries (stream_trim_worker.h).
  voc::queue::StreamTrimWorker trimmer(ctx.redis, voc::queue::kFeedbackStream, voc::queue::TrimSettingsFrom(config));
  trimmer.Start();
  const voc::Clock& clock = *ctx.clock;
  voc::storage::OutboxRelay relay(relay_options, [&](int batch_size) {
    return store.RelayUnqueued(batch_size, voc::ToMillis(clock.Now()), publisher);
  });
  // Concurrent SubmitFeedback calls share one transaction (group_commit.h).
  voc::ingest::GroupCommitOptions group_commit;
  group_commit.max_items = static_cast<std::size_t>(config.ServiceInt("group_commit_max_items", 256));
  group_commit.max_wait = std::chrono::microseconds(config.ServiceInt("group_commit_max_wait_us", 1000));
  voc::ingest::IngestService service(store, clock, voc::ingest::FeedbackValidator(limits), &relay, group_commit);
  // Declared before the server so it outlives it: in-flight submissions
  // finish on its threads while the server drains.
  voc::ingest::IngestGrpc grpc_service(
      service, *authenticator, static_cast<int>(config.ServiceInt("handler_threads", voc::ingest::IngestGrpc::kDefaultHandlerThreads)));
  // Rows stored while Redis was down (or before a crash) are relayed first.
  relay.Start();
  {
    // PIPL / GDPR erasure (issue 9): voc customers erase.
    voc::ingest::ErasureStore erasure_store(*ctx.db);
    const auto privacy_service = voc::ingest::MakePrivacyGrpc(*authenticator, erasure_store, clock);
    voc::rpc::ServiceServer server({.service_name = "ingest", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                    .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                   {&grpc_service, privacy_service.get()});
    voc::StartServerOrExit(server, "ingest");
    const auto readiness = voc::StartReadiness(ctx, server, voc::RedisNeed::kNotRequired);  // outbox: works without Redis
    server.WaitForShutdownSignal();
  }
  relay.Stop();
  return 0;
}
