#include "common/storage/outbox_relay.h"

#include <utility>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"

namespace voc::storage {
namespace {

// voc_outbox_backlog{outbox}, counted when scraped; left out of the page
// while the database cannot answer.
metrics::CollectorHandle BacklogGauge(const OutboxRelayOptions& options) {
  if (!options.count_backlog) return {};
  return metrics::Registry::Default().AddCollector([count = options.count_backlog, name = options.name] {
    std::vector<metrics::MetricFamilySnapshot> families;
    const absl::StatusOr<std::int64_t> backlog = count();
    if (backlog.ok()) {
      families.push_back({metrics::OutboxBacklogDescriptor(), {{"", {{"outbox", name}}, static_cast<double>(*backlog)}}});
    }
    return families;
  });
}

}  // namespace

OutboxRelay::OutboxRelay(OutboxRelayOptions options, RelayBatch relay_batch)
    : options_(std::move(options)),
      relay_batch_(std::move(relay_batch)),
      rows_published_(metrics::OutboxRowsPublished(options_.name)),
      passes_failed_(metrics::OutboxPassesFailed(options_.name)),
      backlog_gauge_(BacklogGauge(options_)),
      worker_(options_.name + "_relay", options_.interval, [this] { BackgroundPass(); },
              PeriodicWorker::FirstTick::kImmediately) {}

void OutboxRelay::BackgroundPass() {
  RelayPending();
  // A Notify() that came while this pass was failing asked for a retry the
  // interval is there to pace: drop it. (last_pass_failed_ is set first, so
  // a Notify() from now on is ignored by Notify() itself.)
  if (last_pass_failed_.load()) worker_.ClearWake();
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() { worker_.Start(); }
void OutboxRelay::Stop() { worker_.Stop(); }

void OutboxRelay::Notify() {
  if (!last_pass_failed_.load()) worker_.Wake();
}

std::size_t OutboxRelay::RelayPending() {
  std::lock_guard lock(pass_mu_);
  std::size_t relayed = 0;
  absl::Status failure;
  while (true) {
    const auto batch = relay_batch_(options_.batch_size);
    if (!batch.ok()) {
      failure = batch.status();
      break;
    }
    relayed += batch->published;
    rows_published_.Increment(batch->published);
    if (batch->claimed == 0) break;
    if (batch->published < batch->claimed) {
      failure = absl::UnavailableError("the queue accepted " + std::to_string(batch->published) + " of " +
                                       std::to_string(batch->claimed) + " rows");
      break;
    }
    // A short batch: nothing more is pending, or another replica is relaying
    // the rest right now.
    if (static_cast<int>(batch->claimed) < options_.batch_size) break;
  }
  if (relayed > 0) log::Debug("outbox_relayed", {{"outbox", options_.name}, {"count", relayed}});
  if (!failure.ok() && !failure_logged_) {
    log::Warn("outbox_relay_failed", {{"outbox", options_.name},
                                      {"error", std::string(failure.message())},
                                      {"retry_in_ms", options_.interval.count()}});
    failure_logged_ = true;
  } else if (failure.ok() && failure_logged_) {
    log::Info("outbox_relay_resumed", {{"outbox", options_.name}, {"count", relayed}});
    failure_logged_ = false;
  }
  if (!failure.ok()) passes_failed_.Increment();
  last_pass_failed_ = !failure.ok();
  return relayed;
}

}  // namespace voc::storage
