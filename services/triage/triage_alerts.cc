#include "services/triage/triage_alerts.h"

#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <algorithm>

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::triage {

const std::vector<std::size_t>& ClusterAlertSteps() {
  static const std::vector<std::size_t> kSteps = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
  return kSteps;
}

bool IsClusterAlertStep(std::size_t size) {
  return std::binary_search(ClusterAlertSteps().begin(), ClusterAlertSteps().end(), size);
}

namespace {

// "2026-03-02" for a day index (days since the epoch, UTC).
std::string DayText(std::int64_t day) {
  const std::int64_t z = day + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return absl::StrFormat("%04d-%02d-%02d", y, m, d);
}

}  // namespace

void TriageAlerts::WeakSignalEmerged(const WeakSignal& signal) {
  Notification n;
  n.kind = "weak_signal";
  n.id = "triage:weak_signal:" + signal.combination + ":" + std::to_string(signal.day);
  const std::string day = DayText(signal.day);
  const std::string detail =
      absl::StrFormat("%d today (%s) against %.2f expected a day over the %d days before (p = %.2g)",
                      signal.count, day, signal.expected, signal.history_days, signal.p_value);
  n.subject = "Weak signal: " + signal.combination;
  n.body = "An emerging issue: " + signal.combination + ": " + detail;
  n.params = {{"signal", signal.combination},
              {"terms", absl::StrJoin(signal.terms, ", ")},
              {"count", std::to_string(signal.count)},
              {"expected", absl::StrFormat("%.2f", signal.expected)},
              {"p_value", absl::StrFormat("%.2g", signal.p_value)},
              {"day", day},
              {"first_seen_day", DayText(signal.first_seen_day)},
              {"window_days", std::to_string(signal.history_days)},
              {"detail", detail}};
  Publish(n);
}

void TriageAlerts::ClusterReached(std::uint64_t cluster_id, std::size_t size, const std::string& top_topic) {
  Notification n;
  n.kind = "cluster_threshold";
  const std::string cluster = std::to_string(cluster_id);
  n.id = "triage:cluster_threshold:" + cluster + ":" + std::to_string(size);
  n.subject = "Similar complaints: cluster " + cluster + " reached " + std::to_string(size);
  n.body = n.subject + (top_topic.empty() ? "" : " (" + top_topic + ")") + ".";
  n.params = {{"cluster", cluster},
              {"cluster_size", std::to_string(size)},
              {"cluster_title", top_topic.empty() ? "clusters/" + cluster : top_topic}};
  Publish(n);
}

void TriageAlerts::Publish(const Notification& alert) {
  const auto to_send = outbox_.Claim(alert, ToMillis(clock_.Now()));
  if (!to_send.ok()) {
    // Not stored: the feedback is stored already, so nothing redelivers
    // this alert; say so loudly.
    log::Error("triage_alert_not_stored", {{"id", alert.id}, {"error", std::string(to_send.status().message())}});
    return;
  }
  if (*to_send) SendAndMark(alert);
}

bool TriageAlerts::SendAndMark(const Notification& alert) {
  bool sent = false;
  try {
    sent = notifier_.Send(alert);
  } catch (const std::exception& e) {
    log::Error("notifier_threw", {{"id", alert.id}, {"error", e.what()}});
  }
  if (!sent) {
    log::Warn("triage_alert_unsent", {{"id", alert.id}, {"kind", alert.kind}});
    return false;
  }
  if (const absl::Status marked = outbox_.MarkSent(alert.id, ToMillis(clock_.Now())); !marked.ok()) {
    // Sent but not marked: RetryUnsent sends it once more, with the same id
    // (voc-notify stores a request id once).
    log::Warn("triage_alert_not_marked", {{"id", alert.id}, {"error", std::string(marked.message())}});
    return false;
  }
  log::Info("triage_alert_sent", {{"id", alert.id}, {"kind", alert.kind}});
  return true;
}

absl::Status TriageAlerts::RetryUnsent() {
  auto unsent = outbox_.Unsent(100);
  if (!unsent.ok()) return unsent.status();
  for (const Notification& alert : *unsent) {
    if (!SendAndMark(alert)) break;  // the notifier is still down
  }
  return absl::OkStatus();
}

}  // namespace voc::triage
