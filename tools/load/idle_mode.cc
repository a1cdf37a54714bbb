// idle: waits until every consumer group of the loop has drained its
// streams, so one benchmark's backlog does not run beside the next one.
#include <fmt/format.h>

#include <thread>

#include "tools/load/driver.h"
#include "tools/load/modes.h"
#include "tools/load/redis_probe.h"
#include "tools/load/webhook_receiver.h"

namespace voc::load {

absl::StatusOr<nlohmann::json> RunIdle(const LoadOptions& options, std::ostream& out) {
  RedisProbe redis(RedisOptionsFor(options.redis));
  // A loop whose notifier posts to a webhook retries each alert until one
  // is taken: answer them while waiting.
  std::unique_ptr<WebhookReceiver> receiver;
  if (!options.webhook_listen.empty()) {
    receiver = std::make_unique<WebhookReceiver>(options.webhook_listen);
    if (const auto port = receiver->Start(); !port.ok()) return port.status();
  }
  const auto t0 = SteadyClock::now();
  while (true) {
    const auto drained = redis.GroupsDrained();
    if (!drained.ok()) return drained.status();
    if (*drained) break;
    if (SteadyClock::now() - t0 > Seconds(options.timeout_s)) {
      return absl::DeadlineExceededError(fmt::format("the loop was still busy after {:.0f} s", options.timeout_s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const double waited = ToSeconds(SteadyClock::now() - t0);
  out << fmt::format("the loop is idle (waited {:.1f} s)\n", waited);
  return nlohmann::json{{"mode", "idle"}, {"waited_s", waited}};
}

}  // namespace voc::load
