// voc-notify: the one owner of delivery (issue 11). Consumes
// voc.notify.requests (group "notify"), stores each request with its
// deliveries before acking it, delivers them with retries, publishes final
// states to voc.notify.outcomes and serves voc.v1.NotifyService.
#include <iostream>
#include <random>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/auth/dev_clock_access.h"
#include "common/config/yaml_file.h"
#include "common/log/log.h"
#include "common/notify/stream_notifier.h"
#include "common/org/org_directory.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/rpc/server.h"
#include "common/service/context.h"
#include "common/service/periodic_worker.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/notify_consumer.h"
#include "services/notify/notify_grpc.h"
#include "services/notify/notify_service.h"
#include "services/notify/outcome_publisher.h"
#include "services/notify/privacy_grpc.h"
#include "services/notify/settings.h"
#include "services/notify/store/migrations.h"
#include "services/notify/subscriptions_reloader.h"

namespace {

[[noreturn]] void CannotStart(const absl::Status& status) {
  std::cerr << "voc-notify: cannot start: " << status.message() << "\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  voc::rpc::BlockShutdownSignals();
  auto ctx = voc::BootstrapService(argc, argv, "notify", "notify", voc::notify::Migrations());
  const auto& config = ctx.config;

  const auto settings = voc::notify::NotifySettingsFrom(config);
  if (!settings.ok()) CannotStart(settings.status());
  auto directory = voc::org::OrgDirectory::Load(
      config.GetString(voc::org::kDirectoryConfigKey, voc::org::kDefaultDirectoryPath));
  if (!directory.ok()) CannotStart(directory.status());
  const auto dir = std::make_shared<const voc::org::OrgDirectory>(std::move(*directory));
  // Who is calling (issue 9): every RPC runs under auth::Serve with this.
  auto made_authenticator = voc::auth::AuthenticatorFromConfig(ctx.config, *ctx.clock, ctx.redis, dir);
  if (!made_authenticator.ok()) {
    std::cerr << "voc-notify: cannot start: " << made_authenticator.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<voc::auth::CallerAuthenticator> authenticator = *std::move(made_authenticator);
  std::string subscriptions_text;
  try {
    subscriptions_text = voc::config::ReadFile(settings->subscriptions_path);
  } catch (const voc::ConfigError& e) {
    CannotStart(absl::InvalidArgumentError(e.what()));
  }
  auto subscriptions = voc::notify::Subscriptions::Parse(subscriptions_text, settings->subscriptions_path, *dir);
  if (!subscriptions.ok()) CannotStart(subscriptions.status());
  voc::notify::SubscriptionsHolder holder(std::move(*subscriptions));
  voc::notify::SubscriptionsReloader reloader(settings->subscriptions_path, dir, holder, subscriptions_text);

  voc::notify::DeliveryChannels channels;
  // Signatures and Date: headers need the real time, even in dev mode.
  voc::SystemClock wall_clock;
  if (auto added = voc::notify::AddChannels(config, wall_clock, &channels, dir.get()); !added.ok()) CannotStart(added);

  voc::notify::NotifyStore store(*ctx.db);
  voc::notify::Expander expander(dir, holder, settings->case_link_base);
  voc::notify::NotifyConsumer consumer(store, expander, *ctx.clock);
  voc::notify::NotifyService service(store);
  voc::notify::NotifyGrpc grpc_impl(service, *authenticator);

  voc::queue::ConsumerOptions options{voc::kNotifyRequestsStream, "notify", ctx.consumer_name};
  options.batch_size = settings->batch_size;
  options.reclaim_idle = std::chrono::milliseconds(config.ServiceInt("reclaim_idle_ms", 30000));
  voc::queue::StreamConsumer requests(
      ctx.redis, options,
      [&](const std::vector<voc::queue::StreamMessage>& batch) { return consumer.HandleBatch(batch); });
  std::thread requests_thread([&] { requests.Run(); });
  // voc-notify is the only reader of the requests, so it trims them.
  voc::queue::StreamTrimWorker trimmer(ctx.redis, voc::kNotifyRequestsStream, voc::queue::TrimSettingsFrom(config));
  trimmer.Start();
  // It produces the outcomes: trimmed once verification's group read them
  // (held back entirely until that group exists).
  voc::queue::StreamTrimWorker outcomes_trimmer(ctx.redis, voc::kNotifyOutcomesStream,
                                                voc::queue::TrimSettingsFrom(config));
  outcomes_trimmer.Start();

  voc::notify::RedisOutcomeSink outcomes(ctx.redis);
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  voc::notify::DeliveryWorker worker(store, channels, *ctx.clock, [&] { return unit(rng); }, settings->retry,
                                     &outcomes);
  {
    voc::PeriodicWorker delivery("notify-delivery", std::chrono::milliseconds(settings->delivery_interval_ms), [&] {
      // Drain what is due, a batch at a time, before sleeping again.
      for (;;) {
        const auto pass = worker.RunOnce(settings->delivery_batch);
        if (!pass.ok()) {
          voc::log::Warn("delivery_pass_failed", {{"error", std::string(pass.status().message())}});
          return;
        }
        if (pass->delivered + pass->retried + pass->failed < settings->delivery_batch) return;
      }
    });
    voc::PeriodicWorker reload("notify-subscriptions",
                               std::chrono::milliseconds(settings->subscriptions_reload_interval_ms),
                               [&] { (void)reloader.CheckOnce(); });
    delivery.Start();
    reload.Start();
    // PIPL / GDPR erasure (issue 9): voc customers erase.
    voc::notify::ErasureStore erasure_store(*ctx.db);
    const auto privacy_service = voc::notify::MakePrivacyGrpc(*authenticator, erasure_store, *ctx.clock);
    voc::rpc::ServiceServer server({.service_name = "notify", .listen = ctx.listen, .dev_clock = ctx.dev_clock,
                                    .authorize_dev_clock = voc::auth::DevClockAuthorizer(*authenticator)},
                                   {&grpc_impl, privacy_service.get()});
    voc::StartServerOrExit(server, "notify");
    const auto readiness = voc::StartReadiness(ctx, server);
    voc::log::Info("notify_started", {{"listen", ctx.listen}, {"subscriptions", settings->subscriptions_path}});
    server.WaitForShutdownSignal();
  }
  requests.Stop();
  requests_thread.join();
  voc::log::Info("notify_stopped");
  return 0;
}
