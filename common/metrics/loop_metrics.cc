#include "common/metrics/loop_metrics.h"

#include <array>
#include <atomic>
#include <shared_mutex>
#include <unordered_map>

namespace voc::metrics {
namespace {

// The canonical gRPC status code names, by number (the `code` label).
constexpr std::array<std::string_view, 17> kCodeNames = {
    "OK",          "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
    "NOT_FOUND",   "ALREADY_EXISTS",     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",     "OUT_OF_RANGE",       "UNIMPLEMENTED",     "INTERNAL",         "UNAVAILABLE",
    "DATA_LOSS",   "UNAUTHENTICATED"};
constexpr int kUnknownCode = 2;

CounterFamily& RpcHandled() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_rpc_handled_total", "RPCs handled by this service, by method and gRPC status code.", {"method", "code"});
  return family;
}

HistogramFamily& RpcDuration() {
  static HistogramFamily& family = Registry::Default().AddHistogram(
      "voc_rpc_duration_seconds", "Time from an RPC reaching its handler (rpc::Serve) to its status, by method.",
      {"method"});
  return family;
}

// One method's series. The counters per code are created on the first call
// that ends with that code, so the page shows only codes that happened.
struct MethodSeries {
  explicit MethodSeries(std::string m) : method(std::move(m)), duration(RpcDuration().WithLabels({method})) {}
  Counter& Handled(int code) {
    Counter* counter = handled[code].load(std::memory_order_acquire);
    if (counter) return *counter;
    counter = &RpcHandled().WithLabels({method, std::string(kCodeNames[code])});  // same series on a race
    handled[code].store(counter, std::memory_order_release);
    return *counter;
  }
  const std::string method;
  Histogram& duration;
  std::array<std::atomic<Counter*>, kCodeNames.size()> handled{};
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Method name -> series. A read lock and a hash per call, no allocation;
// the write lock only for a method's first call.
class RpcSeries {
 public:
  MethodSeries& For(std::string_view method) {
    {
      std::shared_lock lock(mu_);
      if (auto it = methods_.find(method); it != methods_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto [it, inserted] = methods_.try_emplace(std::string(method));
    if (inserted) it->second = std::make_unique<MethodSeries>(std::string(method));
    return *it->second;
  }

 private:
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<MethodSeries>, StringHash, std::equal_to<>> methods_;
};

RpcSeries& Rpcs() {
  static auto* rpcs = new RpcSeries();  // never destroyed: RPCs may finish during exit
  return *rpcs;
}

CounterFamily& HttpRequestsFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_http_requests_total", "HTTP requests answered, by route template, method and status.",
      {"route", "method", "code"});
  return family;
}

HistogramFamily& HttpDurationFamily() {
  static HistogramFamily& family = Registry::Default().AddHistogram(
      "voc_http_request_duration_seconds", "Time to answer an HTTP request (the handler's work), by route template.",
      {"route"});
  return family;
}

CounterFamily& DeadLetterFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_queue_dead_letters_total",
      "Messages this service moved to <stream>:dead after max_deliveries failures, by stream and consumer group.",
      {"stream", "group"});
  return family;
}

CounterFamily& OutboxPublishedFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_outbox_rows_published_total", "Outbox rows this process's relay published to their stream, by outbox.",
      {"outbox"});
  return family;
}

CounterFamily& OutboxFailedFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_outbox_passes_failed_total",
      "Relay passes that ended on an error (queue or database unreachable), by outbox; the next pass retries.",
      {"outbox"});
  return family;
}

CounterFamily& NotificationsSentFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_notifications_sent_total", "Notifications delivered, by kind (escalation, red_line).", {"kind"});
  return family;
}

CounterFamily& NotificationsFailedFamily() {
  static CounterFamily& family = Registry::Default().AddCounter(
      "voc_notifications_failed_total", "Notifications whose delivery failed (retried by the caller), by kind.",
      {"kind"});
  return family;
}

}  // namespace

void RecordRpc(std::string_view method, int code, std::chrono::nanoseconds elapsed) {
  if (code < 0 || code >= static_cast<int>(kCodeNames.size())) code = kUnknownCode;
  MethodSeries& series = Rpcs().For(method);
  series.Handled(code).Increment();
  series.duration.Observe(std::chrono::duration<double>(elapsed).count());
}

void RecordHttp(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds elapsed) {
  // Per request: two family lookups (a lock and a small map each). The
  // gateway answers people, not a firehose; RPCs take the cached path above.
  const std::string_view known = method == "GET" || method == "HEAD" || method == "POST" ? method : "other";
  HttpRequestsFamily().WithLabels({std::string(route), std::string(known), std::to_string(status)}).Increment();
  HttpDurationFamily().WithLabels({std::string(route)}).Observe(std::chrono::duration<double>(elapsed).count());
}

Counter& DeadLetters(const std::string& stream, const std::string& group) {
  return DeadLetterFamily().WithLabels({stream, group});
}

MetricDescriptor StreamGroupLagDescriptor() {
  return {"voc_stream_group_lag",
          "Entries in the stream not yet delivered to the consumer group (XINFO GROUPS lag), read at scrape time.",
          MetricType::kGauge,
          {"stream", "group"}};
}

MetricDescriptor StreamGroupPendingDescriptor() {
  return {"voc_stream_group_pending",
          "Entries delivered to the consumer group and not yet acknowledged (XINFO GROUPS pending).",
          MetricType::kGauge,
          {"stream", "group"}};
}

MetricDescriptor StreamGroupConsumersDescriptor() {
  return {"voc_stream_group_consumers", "Consumers known to the consumer group (XINFO GROUPS consumers).",
          MetricType::kGauge, {"stream", "group"}};
}

MetricDescriptor StreamInfoUpDescriptor() {
  return {"voc_stream_info_up",
          "1 when Redis answered XINFO GROUPS for the stream at this scrape, 0 when it could not be asked.",
          MetricType::kGauge, {"stream"}};
}

Counter& OutboxRowsPublished(const std::string& outbox) { return OutboxPublishedFamily().WithLabels({outbox}); }
Counter& OutboxPassesFailed(const std::string& outbox) { return OutboxFailedFamily().WithLabels({outbox}); }

MetricDescriptor OutboxBacklogDescriptor() {
  return {"voc_outbox_backlog", "Outbox rows stored and not yet queued, counted in the database at scrape time.",
          MetricType::kGauge, {"outbox"}};
}

Counter& SlaBreaches() {
  static Counter& counter =
      Registry::Default()
          .AddCounter("voc_sla_breaches_total", "Cases this process's SLA sweeper marked overdue (each once).")
          .Get();
  return counter;
}

Counter& SlaEscalations() {
  static Counter& counter =
      Registry::Default()
          .AddCounter("voc_sla_escalations_total",
                      "SLA breaches this process's sweeper escalated to the owner's manager (each once).")
          .Get();
  return counter;
}

Gauge& SlaOverdueCases() {
  static Gauge& gauge =
      Registry::Default()
          .AddGauge("voc_sla_overdue_cases", "Unresolved cases past their due time at this process's last sweep.")
          .Get();
  return gauge;
}

Counter& NotificationsSent(const std::string& kind) { return NotificationsSentFamily().WithLabels({kind}); }
Counter& NotificationsFailed(const std::string& kind) { return NotificationsFailedFamily().WithLabels({kind}); }

Counter& TriageDocumentsAnalysed() {
  static Counter& counter = Registry::Default()
                                .AddCounter("voc_triage_documents_analysed_total",
                                            "Feedback this process analysed and stored a triage result for.")
                                .Get();
  return counter;
}

void RegisterLoopMetrics() {
  RpcHandled();
  RpcDuration();
  HttpRequestsFamily();
  HttpDurationFamily();
  DeadLetterFamily();
  OutboxPublishedFamily();
  OutboxFailedFamily();
  NotificationsSentFamily();
  NotificationsFailedFamily();
  SlaBreaches();
  SlaEscalations();
  SlaOverdueCases();
  TriageDocumentsAnalysed();
}

}  // namespace voc::metrics
