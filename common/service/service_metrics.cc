#include "common/service/service_metrics.h"

#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"
#include "common/queue/stream.h"

namespace voc {
namespace {

// A scrape must not hang on a Redis that is away (Prometheus times out
// after 10 s by default); these bound one scrape to about a second.
constexpr int kRedisConnectTimeoutMs = 500;
constexpr int kRedisCommandTimeoutMs = 500;

struct GroupInfo {
  std::optional<std::int64_t> consumers, pending, lag;
};

std::optional<std::int64_t> IntegerOf(const redisReply* reply) {
  if (reply && reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  return std::nullopt;  // lag is nil when Redis cannot tell (entries deleted)
}

// XINFO GROUPS answers one flat [key, value, ...] array per group.
std::map<std::string, GroupInfo> ParseGroups(const redisReply* reply) {
  std::map<std::string, GroupInfo> groups;
  for (std::size_t g = 0; g < reply->elements; ++g) {
    const redisReply* fields = reply->element[g];
    if (fields->type != REDIS_REPLY_ARRAY) continue;  // hiredis speaks RESP2: flat arrays
    std::string name;
    GroupInfo info;
    for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
      const std::string key(fields->element[i]->str ? fields->element[i]->str : "");
      const redisReply* value = fields->element[i + 1];
      if (key == "name" && value->str) name = value->str;
      if (key == "consumers") info.consumers = IntegerOf(value);
      if (key == "pending") info.pending = IntegerOf(value);
      if (key == "lag") info.lag = IntegerOf(value);
    }
    if (!name.empty()) groups[name] = info;
  }
  return groups;
}

}  // namespace

std::string DefaultMetricsAddress(const std::string& service) {
  static const std::map<std::string, int> kPorts = {
      {"ingest", 9101},   {"triage", 9102},       {"assignment", 9103},
      {"tracking", 9104}, {"verification", 9105}, {"gateway", 9106},
      {"notify", 9107}};  // issue 11: voc-notify
  auto it = kPorts.find(service);
  return "127.0.0.1:" + std::to_string(it == kPorts.end() ? 0 : it->second);
}

std::vector<StreamGroup> ConsumerGroupsOf(const std::string& service) {
  // Derived from the one table of who reads which stream (queue::
  // ConsumerGroupsOf): a service's group is named after the service.
  std::vector<StreamGroup> groups;
  for (const char* stream : {queue::kFeedbackStream, queue::kTriagedStream, queue::kTrackingStream,
                             queue::kOutreachStream, queue::kNotifyRequestsStream}) {
    for (const std::string& group : queue::ConsumerGroupsOf(stream)) {
      if (group == service) groups.push_back({stream, group});
    }
  }
  return groups;
}

metrics::Collector StreamGroupCollector(queue::RedisOptions redis, std::vector<StreamGroup> groups) {
  redis.connect_timeout_ms = kRedisConnectTimeoutMs;
  redis.command_timeout_ms = kRedisCommandTimeoutMs;
  auto client = std::make_shared<queue::RedisClient>(redis);
  auto mu = std::make_shared<std::mutex>();  // RedisClient is not thread-safe
  return [client, mu, groups = std::move(groups)] {
    metrics::MetricFamilySnapshot lag{metrics::StreamGroupLagDescriptor(), {}};
    metrics::MetricFamilySnapshot pending{metrics::StreamGroupPendingDescriptor(), {}};
    metrics::MetricFamilySnapshot consumers{metrics::StreamGroupConsumersDescriptor(), {}};
    metrics::MetricFamilySnapshot up{metrics::StreamInfoUpDescriptor(), {}};
    std::lock_guard lock(*mu);
    std::set<std::string> asked;
    std::map<std::string, std::optional<std::map<std::string, GroupInfo>>> by_stream;
    for (const StreamGroup& sg : groups) {
      if (!asked.insert(sg.stream).second) continue;
      queue::Reply reply = client->Command({"XINFO", "GROUPS", sg.stream});
      std::optional<std::map<std::string, GroupInfo>> parsed;
      if (reply && reply->type == REDIS_REPLY_ARRAY) {
        parsed = ParseGroups(reply.get());
      } else if (reply && reply->type == REDIS_REPLY_ERROR && reply->str &&
                 std::string(reply->str).find("no such key") != std::string::npos) {
        parsed.emplace();  // Redis answered: the stream does not exist yet
      }
      up.samples.push_back({"", {{"stream", sg.stream}}, parsed ? 1.0 : 0.0});
      by_stream[sg.stream] = std::move(parsed);
    }
    for (const StreamGroup& sg : groups) {
      const auto& parsed = by_stream[sg.stream];
      if (!parsed) continue;
      auto it = parsed->find(sg.group);
      if (it == parsed->end()) continue;  // the group is created when its consumer starts
      const metrics::Labels labels = {{"stream", sg.stream}, {"group", sg.group}};
      if (it->second.lag) lag.samples.push_back({"", labels, static_cast<double>(*it->second.lag)});
      if (it->second.pending) pending.samples.push_back({"", labels, static_cast<double>(*it->second.pending)});
      if (it->second.consumers) {
        consumers.samples.push_back({"", labels, static_cast<double>(*it->second.consumers)});
      }
    }
    return std::vector<metrics::MetricFamilySnapshot>{lag, pending, consumers, up};
  };
}

std::shared_ptr<ServiceMetrics> StartServiceMetricsOrExit(const Config& config, const std::string& service,
                                                          const queue::RedisOptions& redis) {
  const std::string listen = config.ServiceString("metrics_listen", DefaultMetricsAddress(service));
  if (listen.empty()) {
    log::Info("metrics_disabled", {{"key", "services." + service + ".metrics_listen"}});
    return nullptr;
  }
  auto started = std::make_shared<ServiceMetrics>();
  const std::vector<StreamGroup> groups = ConsumerGroupsOf(service);
  if (!groups.empty()) {
    started->stream_groups = metrics::Registry::Default().AddCollector(StreamGroupCollector(redis, groups));
  }
  started->endpoint = std::make_unique<metrics::MetricsEndpoint>(metrics::Registry::Default(), listen);
  const absl::StatusOr<int> port = started->endpoint->Start();
  if (!port.ok()) {
    std::cerr << "voc-" << service << ": cannot start: " << port.status().message() << "\n";
    std::exit(2);
  }
  started->port = *port;
  log::Info("metrics_started", {{"listen", listen}, {"port", *port}, {"path", "/metrics"}});
  return started;
}

}  // namespace voc
