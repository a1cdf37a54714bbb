// The /metrics endpoint: a tiny HTTP/1.1 server (Boost.Beast) on its own
// thread and port, apart from the service's gRPC or HTTP server, so a slow
// scrape never competes with requests and a service without HTTP still has
// one. GET (or HEAD) /metrics answers the registry's text with Content-Type
// `text/plain; version=0.0.4; charset=utf-8`; any other path is 404, any
// other method on /metrics 405.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "common/metrics/registry.h"

namespace voc::metrics {

class MetricsEndpoint {
 public:
  // `listen` is "host:port" ("127.0.0.1:9101", "0.0.0.0:9100", "[::]:9100");
  // port 0 picks a free one.
  MetricsEndpoint(const Registry& registry, std::string listen);
  ~MetricsEndpoint();  // Stop()s
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Binds and starts the serving thread. Returns the bound port, or
  // UNAVAILABLE naming the address when it cannot be bound.
  absl::StatusOr<int> Start();
  // Closes the listener and open connections and joins the thread.
  // Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc::metrics
