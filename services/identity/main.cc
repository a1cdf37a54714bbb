// voc-identity (issue 9): the one owner of accounts, web sessions, API keys
// and the audit log. Serves voc.v1.IdentityService; stores other services'
// security events from the stream voc.audit (group "identity"); registers
// the bootstrap admin key from VOC_BOOTSTRAP_ADMIN_KEY at start.
#include <cstdlib>
#include <iostream>
#include <thread>

#include "common/auth/audit.h"
#include "common/auth/authenticator.h"
#include "common/auth/role_book.h"
#include "common/log/log.h"
#include "common/org/org_directory.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "services/identity/api_key_token.h"
#include "services/identity/audit_consumer.h"
#include "services/identity/audit_table_sink.h"
#include "services/identity/identity_grpc.h"
#include "services/identity/identity_service.h"
#include "services/identity/passwords.h"
#include "services/identity/settings.h"
#include "services/identity/store/identity_store.h"
#include "services/identity/store/migrations.h"

namespace {

[[noreturn]] void CannotStart(const absl::Status& status) {
  std::cerr << "voc-identity: cannot start: " << status.message() << "\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "identity", "identity", voc::identity::Migrations());
  const auto& config = ctx.config;

  const auto settings = voc::identity::IdentitySettingsFrom(config);
  if (!settings.ok()) CannotStart(settings.status());
  auto directory =
      voc::org::OrgDirectory::Load(config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath));
  if (!directory.ok()) CannotStart(directory.status());
  auto roles = voc::auth::RoleBook::Load(std::make_shared<const voc::org::OrgDirectory>(*std::move(directory)),
                                         config.GetString(voc::auth::kRolesConfigKey, voc::auth::kDefaultRolesPath));
  if (!roles.ok()) CannotStart(roles.status());
  const auto role_book = std::make_shared<const voc::auth::RoleBook>(*std::move(roles));

  voc::identity::IdentityStore store(*ctx.db);
  voc::identity::TableAuditSink own_events(store, *ctx.clock);
  // Argon2id with libsodium's moderate limits (256 MiB a hash): at most
  // max_concurrent_hashes at once, so a burst of logins queues.
  voc::identity::PasswordHasher hasher(voc::identity::PasswordCost::Moderate(),
                                       static_cast<int>(config.ServiceInt("max_concurrent_hashes", 2)));
  voc::identity::IdentityService service(store, hasher, role_book, own_events, *ctx.clock, *settings);

  // The first admin: an API key an operator gives in the environment (a
  // Kubernetes Secret), never a default in code. docs/operations.md.
  if (const char* bootstrap = std::getenv(voc::identity::kBootstrapKeyEnv); bootstrap && *bootstrap) {
    if (auto ensured = service.EnsureBootstrapKey(bootstrap); !ensured.ok()) CannotStart(ensured);
    voc::log::Info("bootstrap_admin_key_registered", {{"key_id", voc::identity::BootstrapKeyId(bootstrap)}});
  }

  // Who is calling (issue 9): like every service's authenticator, except
  // that API keys are checked against identity's own store, not over gRPC.
  auto principals = voc::auth::ServicePrincipalsFrom(config);
  if (!principals.ok()) CannotStart(principals.status());
  std::shared_ptr<voc::auth::AuditSink> refusals;
  if (!ctx.redis.host.empty()) {
    refusals = std::make_shared<voc::auth::StreamAuditSink>("identity", *ctx.clock, ctx.redis);
  } else {
    refusals = std::make_shared<voc::auth::LogAuditSink>("identity", *ctx.clock);
  }
  voc::auth::CallerAuthenticator authenticator(*std::move(principals),
                                               std::make_shared<voc::identity::LocalKeyVerifier>(service), role_book,
                                               refusals);
  voc::identity::IdentityGrpc grpc_impl(service, authenticator);

  // Other services' security events, into the same table.
  voc::identity::AuditConsumer audit_consumer(store);
  voc::queue::ConsumerOptions options{voc::auth::kAuditStream, voc::identity::kAuditGroup, ctx.consumer_name};
  options.reclaim_idle = std::chrono::milliseconds(config.ServiceInt("reclaim_idle_ms", 30000));
  voc::queue::StreamConsumer audit_stream(
      ctx.redis, options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return audit_consumer.HandleBatch(batch); });
  std::thread audit_thread([&] { audit_stream.Run(); });
  // identity is the stream's only reader, so it trims what it has stored.
  voc::queue::StreamTrimWorker trimmer(ctx.redis, voc::auth::kAuditStream, voc::queue::TrimSettingsFrom(config));
  trimmer.Start();
  {
    voc::rpc::ServiceServer server({"identity", ctx.listen, ctx.dev_clock}, {&grpc_impl});
    voc::StartServerOrExit(server, "identity");
    const auto readiness = voc::StartReadiness(ctx, server);
    voc::log::Info("identity_started", {{"listen", ctx.listen}});
    server.WaitForShutdownSignal();
  }
  audit_stream.Stop();
  audit_thread.join();
  voc::log::Info("identity_stopped");
  return 0;
}
