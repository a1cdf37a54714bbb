// voc-entities (issue 13, operational data): the one owner of the
// company's own records feedback links to - vehicles, orders, store-days,
// app builds, customers - as config/entities.yaml describes them. Serves
// voc.v1.EntityService: streaming imports, reads by key and in pages. The
// root-cause drill-down and outreach segments read it over this API.
#include <cstdlib>
#include <iostream>

#include "common/auth/authenticator.h"
#include "common/auth/dev_clock_access.h"
#include "common/config/yaml_file.h"
#include "common/log/log.h"
#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "services/entities/entity_grpc.h"
#include "services/entities/entity_join_grpc.h"
#include "services/entities/entity_service.h"
#include "services/entities/outreach/grpc_customer_feedback.h"
#include "services/entities/outreach/outreach_grpc.h"
#include "services/entities/outreach/outreach_service.h"
#include "services/entities/outreach/outreach_settings.h"
#include "services/entities/outreach/stream_sender.h"
#include "services/entities/schema.h"
#include "services/entities/schema_reloader.h"
#include "services/entities/settings.h"
#include "services/entities/store/entity_store.h"
#include "services/entities/store/migrations.h"

namespace {

[[noreturn]] void CannotStart(const absl::Status& status) {
  std::cerr << "voc-entities: cannot start: " << status.message() << "\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "entities", "entities", voc::entities::Migrations());

  const auto settings = voc::entities::EntitySettingsFrom(ctx.config);
  if (!settings.ok()) CannotStart(settings.status());
  // A schema with a mistake refuses to start with its file and line.
  std::string schema_text;
  try {
    schema_text = voc::config::ReadFile(settings->schema_path);
  } catch (const voc::ConfigError& e) {
    CannotStart(absl::InvalidArgumentError(e.what()));
  }
  auto schema = voc::entities::EntitySchema::FromString(schema_text, settings->schema_path);
  if (!schema.ok()) CannotStart(schema.status());
  voc::entities::SchemaHolder holder(std::make_shared<const voc::entities::EntitySchema>(*std::move(schema)));
  // Later edits are picked up; a refused one leaves the schema in force.
  voc::entities::SchemaReloader reloader(settings->schema_path, holder, schema_text);

  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis);
  if (!made_authenticator.ok()) CannotStart(made_authenticator.status());
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);

  voc::entities::EntityStore store(*ctx.db);
  // The lookup indexes of the schema's `lookup`s, before the first join
  // (one pass over an entity's rows the first time; nothing after). A
  // lookup a reload adds gets its index on first use.
  if (const absl::Status indexed = store.EnsureLookupIndexes(*holder.Get()); !indexed.ok()) {
    voc::log::Warn("entities_lookup_index_failed", {{"error", std::string(indexed.message())}});
  }
  voc::entities::EntityService service(store, holder, *ctx.clock, *settings);
  voc::entities::EntityGrpc grpc_impl(service, *authenticator);

  // Outreach (issue 13): segments over these rows, campaigns, sends through
  // voc-notify's stream; feedback facts from voc-ingest and voc-triage.
  const auto outreach_settings = voc::entities::outreach::OutreachSettingsFrom(ctx.config);
  if (!outreach_settings.ok()) CannotStart(outreach_settings.status());
  auto security = voc::rpc::ChannelSecurityFrom(ctx.config);
  if (!security.ok()) CannotStart(security.status());
  voc::entities::outreach::OutreachStore outreach_store(*ctx.db);
  voc::entities::outreach::StreamSender outreach_sender(ctx.redis, *ctx.clock);
  // Who complained comes from voc-ingest and voc-triage; without their
  // addresses, "not complained yet" and the effect report are
  // FAILED_PRECONDITION and the rest works.
  std::unique_ptr<voc::entities::outreach::GrpcCustomerFeedback> customer_feedback;
  if (ctx.config.Has("services.ingest.address") && ctx.config.Has("services.triage.address")) {
    customer_feedback = std::make_unique<voc::entities::outreach::GrpcCustomerFeedback>(
        voc::rpc::MakeChannel(ctx.config.AddressOf("ingest"), *security),
        voc::rpc::MakeChannel(ctx.config.AddressOf("triage"), *security));
  }
  voc::entities::outreach::OutreachService outreach(store, outreach_store, holder, *ctx.clock, *outreach_settings,
                                                    outreach_sender, customer_feedback.get());
  // Verdicts (effect window passed) go to voc-verification on voc:outreach,
  // for the knowledge base and the weekly digest; trimmed here, its producer.
  voc::queue::StreamPublisher verdict_publisher(ctx.redis, voc::queue::kOutreachStream);
  outreach.PublishVerdictsTo(&verdict_publisher);
  voc::queue::StreamTrimWorker verdict_trimmer(ctx.redis, voc::queue::kOutreachStream,
                                               voc::queue::TrimSettingsFrom(ctx.config));
  verdict_trimmer.Start();
  voc::entities::outreach::OutreachGrpc outreach_grpc(outreach, *authenticator);
  // Issue 13: the join behind triage's root-cause drill-down.
  voc::entities::EntityJoinGrpc join_impl(service, *authenticator);
  {
    voc::PeriodicWorker reload("entities-schema", std::chrono::milliseconds(settings->schema_reload_interval_ms),
                               [&] { (void)reloader.CheckOnce(); });
    if (settings->schema_reload_interval_ms > 0) reload.Start();
    // Due campaigns are run, and messages a crash left unpublished handed
    // to voc-notify again (same ids: stored once there); verdicts whose
    // window has passed are decided and handed to voc-verification.
    voc::PeriodicWorker outreach_runs("entities-outreach",
                                      std::chrono::milliseconds(outreach_settings->run_interval_ms),
                                      [&] { (void)outreach.RunDue(); });
    if (outreach_settings->run_interval_ms > 0) outreach_runs.Start();
    voc::rpc::ServiceServer server({.service_name = "entities", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                    .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                   {&grpc_impl, &outreach_grpc, &join_impl});
    voc::StartServerOrExit(server, "entities");
    // Ready without Redis: imports and reads need only the database.
    const auto readiness = voc::StartReadiness(ctx, server, voc::RedisNeed::kNotRequired);
    voc::log::Info("entities_started", {{"listen", ctx.listen},
                                        {"schema", settings->schema_path},
                                        {"entities", holder.Get()->Names()}});
    server.WaitForShutdownSignal();
  }
  voc::log::Info("entities_stopped");
  return 0;
}
