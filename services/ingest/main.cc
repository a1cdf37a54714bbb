// voc-ingest: the front door of the loop. See docs/api.md (## Ingest).
#include <chrono>

#include "common/rpc/server.h"
#include "common/service/context.h"
#include "services/ingest/feedback_service.h"
#include "services/ingest/ingest_grpc.h"
#include "services/ingest/outbox_relay.h"
#include "services/ingest/store/ingest_store.h"
#include "services/ingest/store/migrations.h"

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "ingest", voc::ingest::kIngestSchema,
                                   voc::ingest::IngestMigrations());
  const auto& config = ctx.config;

  voc::ingest::ValidationLimits limits;
  limits.max_text_bytes = static_cast<std::size_t>(config.ServiceInt("max_text_bytes", 16384));
  voc::ingest::RelayOptions relay_options;
  relay_options.interval = std::chrono::milliseconds(config.ServiceInt("relay_interval_ms", 1000));
  relay_options.batch_size = static_cast<int>(config.ServiceInt("relay_batch_size", 200));

  voc::ingest::IngestStore store(*ctx.db);
  voc::ingest::RedisFeedbackPublisher publisher(ctx.redis);
  voc::ingest::OutboxRelay relay(store, publisher, *ctx.clock, relay_options);
  voc::ingest::FeedbackService service(store, *ctx.clock, voc::ingest::FeedbackValidator(limits),
                                       &relay);
  // Declared before the server so it outlives it: in-flight submissions
  // finish on its threads while the server drains.
  voc::ingest::IngestGrpc grpc_service(service,
                                       static_cast<int>(config.ServiceInt("handler_threads", 4)));
  // Rows stored while Redis was down (or before a crash) are relayed first.
  relay.Start();
  {
    voc::rpc::ServiceServer server({"ingest", ctx.listen, ctx.dev_clock},
                                   {&grpc_service});
    voc::StartServerOrExit(server, "ingest");
    server.WaitForShutdownSignal();
  }
  relay.Stop();
  return 0;
}
