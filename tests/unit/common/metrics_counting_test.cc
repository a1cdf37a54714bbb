// Where common/ code counts into the process's registry: the outbox relay
// (rows published, passes failed, the backlog gauge at scrape time) and the
// notifiers (sent and failed, by kind).
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>

#include "common/metrics/loop_metrics.h"
#include "common/metrics/registry.h"
#include "common/notify/notifier.h"
#include "common/storage/outbox_relay.h"

namespace voc {
namespace {

std::optional<double> Scraped(const std::string& name, const metrics::Labels& labels) {
  for (const auto& family : metrics::Registry::Default().Collect()) {
    if (family.descriptor.name != name) continue;
    for (const auto& sample : family.samples) {
      if (sample.labels == labels) return sample.value;
    }
  }
  return std::nullopt;
}

// The outbox's edge: rows pending, batches that publish all they claim,
// or fail like a database that is down.
struct FakeOutbox {
  absl::StatusOr<storage::OutboxBatch> Batch(int batch_size) {
    if (down) return absl::UnavailableError("database is down");
    storage::OutboxBatch batch;
    batch.claimed = std::min<std::size_t>(pending, static_cast<std::size_t>(batch_size));
    batch.published = batch.claimed;
    pending -= batch.claimed;
    return batch;
  }
  std::size_t pending = 0;
  bool down = false;
};

TEST(MetricsCountingTest, TheOutboxRelayCountsRowsPublishedFailedPassesAndShowsItsBacklog) {
  FakeOutbox outbox;
  storage::OutboxRelayOptions options;
  options.name = "counting_test";
  options.interval = std::chrono::milliseconds(0);  // passes only when asked
  options.batch_size = 10;
  options.count_backlog = [&]() -> absl::StatusOr<std::int64_t> {
    if (outbox.down) return absl::UnavailableError("database is down");
    return static_cast<std::int64_t>(outbox.pending);
  };
  metrics::Counter& published = metrics::OutboxRowsPublished("counting_test");
  metrics::Counter& failed = metrics::OutboxPassesFailed("counting_test");
  const std::uint64_t published_before = published.value(), failed_before = failed.value();
  {
    storage::OutboxRelay relay(options, [&](int n) { return outbox.Batch(n); });
    outbox.pending = 25;
    EXPECT_EQ(Scraped("voc_outbox_backlog", {{"outbox", "counting_test"}}), 25);
    EXPECT_EQ(relay.RelayPending(), 25u);
    EXPECT_EQ(published.value(), published_before + 25);
    EXPECT_EQ(Scraped("voc_outbox_backlog", {{"outbox", "counting_test"}}), 0);

    outbox.down = true;
    relay.RelayPending();
    relay.RelayPending();
    EXPECT_EQ(failed.value(), failed_before + 2);
    // A backlog the database cannot count is left out, not shown stale.
    EXPECT_FALSE(Scraped("voc_outbox_backlog", {{"outbox", "counting_test"}}));
    outbox.down = false;
  }
  // The relay is gone: so is its gauge.
  EXPECT_FALSE(Scraped("voc_outbox_backlog", {{"outbox", "counting_test"}}));
}

TEST(MetricsCountingTest, ARelayWithoutABacklogCounterHasNoGauge) {
  FakeOutbox outbox;
  storage::OutboxRelayOptions options;
  options.name = "no_backlog_test";
  options.interval = std::chrono::milliseconds(0);
  storage::OutboxRelay relay(options, [&](int n) { return outbox.Batch(n); });
  EXPECT_FALSE(Scraped("voc_outbox_backlog", {{"outbox", "no_backlog_test"}}));
}

TEST(MetricsCountingTest, NotificationsAreCountedSentOrFailedByKind) {
  metrics::Counter& sent = metrics::NotificationsSent("counting_test_alert");
  metrics::Counter& failed = metrics::NotificationsFailed("counting_test_alert");
  const std::uint64_t sent_before = sent.value(), failed_before = failed.value();
  Notification n;
  n.kind = "counting_test_alert";
  n.subject = "s";
  LogNotifier log_notifier;
  EXPECT_TRUE(log_notifier.Send(n));
  EXPECT_TRUE(log_notifier.Send(n));
  // Port 1 on loopback refuses at once: a webhook that is down.
  WebhookNotifier webhook("http://127.0.0.1:1/hook", 2000);
  EXPECT_FALSE(webhook.Send(n));
  EXPECT_EQ(sent.value(), sent_before + 2);
  EXPECT_EQ(failed.value(), failed_before + 1);
}

}  // namespace
}  // namespace voc
