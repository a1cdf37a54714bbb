// TriageAlerts (issue 11): the alerts triage publishes to people through
// the notifier (voc-notify's subscriptions choose the recipients):
//   - weak_signal: one per emerging signal (a term combination the detector
//     newly flags on a day), id "triage:weak_signal:<combination>:<day>";
//   - cluster_threshold: one per similar-complaint cluster reaching a size
//     step (ClusterAlertSteps: 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
//     10000), id "triage:cluster_threshold:<cluster>:<size>"; subscriptions'
//     min_size then picks who hears of which size.
// Each alert is stored in triage's database (AlertOutbox) before it is
// sent, so a redelivered message, a second replica or a restart sends it
// once; one the notifier refused stays unsent and RetryUnsent sends it
// (voc-triage runs it periodically). A cluster that the window pruned and
// that grows back to a size it reached before is not announced again (same
// id). Thread-safe.
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/store/alert_outbox.h"

namespace voc::triage {

// The cluster sizes announced, ascending.
const std::vector<std::size_t>& ClusterAlertSteps();
// Whether a cluster that just grew to `size` crossed a step.
bool IsClusterAlertStep(std::size_t size);

class TriageAlerts {
 public:
  TriageAlerts(AlertOutbox& outbox, Notifier& notifier, const Clock& clock)
      : outbox_(outbox), notifier_(notifier), clock_(clock) {}

  // The detector flagged `signal` as newly emerging.
  void WeakSignalEmerged(const WeakSignal& signal);
  // Cluster `cluster_id` grew to `size` (a step); `top_topic` is its most
  // common topic (no customer text: a cluster's texts are personal data).
  void ClusterReached(std::uint64_t cluster_id, std::size_t size, const std::string& top_topic);
  // Sends the stored alerts the notifier refused before. The store's status
  // when it cannot be read; OK otherwise (a refused one waits for the next).
  absl::Status RetryUnsent();

 private:
  // Stores `alert` and sends it unless it was sent before. A failure is
  // logged: the alert stays stored and RetryUnsent sends it later.
  void Publish(const Notification& alert);
  bool SendAndMark(const Notification& alert);

  AlertOutbox& outbox_;
  Notifier& notifier_;
  const Clock& clock_;
};

}  // namespace voc::triage
