// Every service's /metrics: BootstrapService starts the endpoint on
// services.<name>.metrics_listen and adds the scrape-time collector of the
// consumer groups the service owns (their lag and pending in Redis), so no
// main() has to.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/metrics/http_endpoint.h"
#include "common/metrics/registry.h"
#include "common/queue/redis_client.h"

namespace voc {

// Where each service serves /metrics when its config names no
// metrics_listen: ingest 127.0.0.1:9101, triage 9102, assignment 9103,
// tracking 9104, verification 9105, gateway 9106, notify 9107. docs/operations.md quotes it.
std::string DefaultMetricsAddress(const std::string& service);

struct StreamGroup {
  std::string stream;
  std::string group;
};

// The consumer groups `service` reads (triage: voc:feedback/triage, ...).
// Each group's lag is reported by the service that owns it, so every series
// comes from one job (from each of its replicas: aggregate with max).
std::vector<StreamGroup> ConsumerGroupsOf(const std::string& service);

// Asks Redis XINFO GROUPS for each group's stream when scraped:
// voc_stream_group_lag, _pending, _consumers{stream,group} for `groups`, and
// voc_stream_info_up{stream} (0 when Redis did not answer, and the group
// gauges are left out rather than reported stale). One connection, short
// timeouts: a scrape never waits long for a Redis that is away.
metrics::Collector StreamGroupCollector(queue::RedisOptions redis, std::vector<StreamGroup> groups);

// The running endpoint and the collectors registered with it.
struct ServiceMetrics {
  std::unique_ptr<metrics::MetricsEndpoint> endpoint;
  int port = 0;
  metrics::CollectorHandle stream_groups;
};

// Reads services.<service>.metrics_listen (DefaultMetricsAddress when
// absent; an empty string turns metrics off and returns null), starts the
// endpoint serving metrics::Registry::Default() and registers the stream
// collector. An address that cannot be bound prints "voc-<service>: cannot
// start: ..." and exits with status 2, like the service's own listen address.
std::shared_ptr<ServiceMetrics> StartServiceMetricsOrExit(const Config& config, const std::string& service,
                                                          const queue::RedisOptions& redis);

}  // namespace voc
