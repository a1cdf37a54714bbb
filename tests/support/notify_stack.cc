#include "tests/support/notify_stack.h"

#include "common/queue/stream.h"
#include "common/storage/database.h"
#include "services/notify/channels/email_channel.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/expander.h"
#include "services/notify/notify_consumer.h"
#include "services/notify/store/migrations.h"
#include "services/notify/store/notify_store.h"
#include "services/notify/subscriptions.h"

namespace voc::testing {

using namespace std::chrono_literals;

NotifyStack::NotifyStack(const std::string& dir) : dir_(dir), smtp_(dir) { redis_options_.port = redis_.port(); }

NotifyStack::~NotifyStack() = default;

absl::StatusOr<int> NotifyStack::DeliverAll(std::shared_ptr<const org::OrgDirectory> directory,
                                            const std::string& subscriptions_yaml, const Clock& clock,
                                            const std::string& consumer_name) {
  auto ndb = storage::Database::Open("sqlite3://" + dir_ + "/notify.db");
  if (!ndb.ok()) return ndb.status();
  if (auto migrated = (*ndb)->Migrate("notify", notify::Migrations()); !migrated.ok()) return migrated.status();
  notify::NotifyStore store(**ndb);
  auto subscriptions = notify::Subscriptions::Parse(subscriptions_yaml, "s.yaml", *directory);
  if (!subscriptions.ok()) return subscriptions.status();
  notify::SubscriptionsHolder holder(*std::move(subscriptions));
  notify::Expander expander(directory, holder, "http://voc.example");
  notify::NotifyConsumer consumer(store, expander, clock);
  queue::ConsumerOptions options{queue::kNotifyRequestsStream, "notify", consumer_name};
  options.block = 50ms;
  queue::StreamConsumer stream(redis_options_, options, [&](const std::vector<queue::StreamMessage>& batch) {
    return consumer.HandleBatch(batch);
  });
  while (stream.PollOnce() > 0) {
  }
  notify::SmtpOptions smtp_options;
  smtp_options.url = smtp_.url();
  smtp_options.from_address = "voc@example.com";
  smtp_options.starttls = notify::StartTls::kOff;
  smtp_options.timeout_ms = 10000;
  notify::DeliveryChannels channels;
  channels.Add("email", std::make_shared<notify::EmailChannel>(smtp_options, clock));
  notify::DeliveryWorker worker(store, channels, clock, [] { return 0.5; }, {}, nullptr);
  int delivered = 0;
  for (int i = 0; i < 10; ++i) {
    auto pass = worker.RunOnce();
    if (!pass.ok()) return pass.status();
    delivered += pass->delivered;
    if (pass->delivered == 0) break;
  }
  return delivered;
}

}  // namespace voc::testing
