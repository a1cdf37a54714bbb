// The /metrics endpoint over real HTTP on loopback, its body read back by
// the Prometheus project's own parser (python3-prometheus-client).
#include "common/metrics/http_endpoint.h"

#include <gtest/gtest.h>

#include "tests/support/metrics_scrape.h"

namespace voc::metrics {
namespace {

using voc::testing::HttpRequest;
using voc::testing::ParseWithPrometheusClient;

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = endpoint_.Start();
    ASSERT_TRUE(started.ok()) << started.status();
    port_ = *started;
  }

  Registry registry_;
  MetricsEndpoint endpoint_{registry_, "127.0.0.1:0"};
  int port_ = 0;
};

TEST_F(MetricsEndpointTest, GetMetricsServesTheRegistryAsPrometheusText) {
  auto& handled = registry_.AddCounter("voc_handled_total", "Handled \"calls\"\\ by kind.\nTwo lines.", {"kind"});
  handled.WithLabels({"plain"}).Increment(3);
  handled.WithLabels({"quote\" back\\slash new\nline"}).Increment();
  registry_.AddGauge("voc_level", "Level.").Get().Set(0.25);
  Histogram& latency = registry_.AddHistogram("voc_latency_seconds", "Latency.", {"method"}, {0.01, 0.1})
                           .WithLabels({"Get"});
  latency.Observe(0.005);
  latency.Observe(0.05);
  latency.Observe(3);

  const auto response = HttpRequest(port_, "/metrics");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, registry_.Expose());

  const auto parsed = ParseWithPrometheusClient(response.body);
  ASSERT_TRUE(parsed.ok) << parsed.error << "\n" << response.body;
  EXPECT_EQ(parsed.Value("voc_handled_total", {{"kind", "plain"}}), 3);
  // The escaped value reads back as it was.
  EXPECT_EQ(parsed.Value("voc_handled_total", {{"kind", "quote\" back\\slash new\nline"}}), 1);
  EXPECT_EQ(parsed.Value("voc_level"), 0.25);
  EXPECT_EQ(parsed.types.at("voc_latency_seconds"), "histogram");
  EXPECT_EQ(parsed.Value("voc_latency_seconds_bucket", {{"method", "Get"}, {"le", "0.01"}}), 1);
  EXPECT_EQ(parsed.Value("voc_latency_seconds_bucket", {{"method", "Get"}, {"le", "0.1"}}), 2);
  EXPECT_EQ(parsed.Value("voc_latency_seconds_bucket", {{"method", "Get"}, {"le", "+Inf"}}), 3);
  EXPECT_EQ(parsed.Value("voc_latency_seconds_count", {{"method", "Get"}}), 3);
  EXPECT_DOUBLE_EQ(*parsed.Value("voc_latency_seconds_sum", {{"method", "Get"}}), 3.055);
}

TEST_F(MetricsEndpointTest, EachScrapeShowsTheCountsOfThatMoment) {
  Counter& counter = registry_.AddCounter("voc_events_total", "Events.").Get();
  counter.Increment(2);
  EXPECT_EQ(ParseWithPrometheusClient(HttpRequest(port_, "/metrics").body).Value("voc_events_total"), 2);
  counter.Increment(5);
  EXPECT_EQ(ParseWithPrometheusClient(HttpRequest(port_, "/metrics").body).Value("voc_events_total"), 7);
}

TEST_F(MetricsEndpointTest, AnEmptyRegistryIsAnEmptyValidPage) {
  const auto response = HttpRequest(port_, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_TRUE(ParseWithPrometheusClient(response.body).ok);
}

TEST_F(MetricsEndpointTest, OtherPathsAre404AndOtherMethods405) {
  EXPECT_EQ(HttpRequest(port_, "/").status, 404);
  EXPECT_EQ(HttpRequest(port_, "/metricsx").status, 404);
  EXPECT_EQ(HttpRequest(port_, "/metrics/").status, 404);
  EXPECT_EQ(HttpRequest(port_, "/metrics", "POST").status, 405);
  EXPECT_EQ(HttpRequest(port_, "/metrics", "DELETE").status, 405);
  // A scraper's query parameters are ignored; HEAD has the headers only.
  EXPECT_EQ(HttpRequest(port_, "/metrics?format=text").status, 200);
  const auto head = HttpRequest(port_, "/metrics", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(head.body, "");
}

TEST_F(MetricsEndpointTest, StopClosesThePort) {
  endpoint_.Stop();
  EXPECT_EQ(HttpRequest(port_, "/metrics").status, 0);
  endpoint_.Stop();  // idempotent
}

TEST(MetricsEndpointStartTest, AnAddressThatCannotBeUsedIsUnavailableNamingIt) {
  Registry registry;
  MetricsEndpoint first(registry, "127.0.0.1:0");
  const auto port = first.Start();
  ASSERT_TRUE(port.ok());
  const std::string taken = "127.0.0.1:" + std::to_string(*port);
  MetricsEndpoint second(registry, taken);
  const auto refused = second.Start();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("cannot listen on '" + taken + "' for metrics"), std::string::npos)
      << refused.status();
  for (const std::string bad : {"no-port", "host:", ":9100", "127.0.0.1:99999", "not.an.ip:9100"}) {
    MetricsEndpoint endpoint(registry, bad);
    const auto status = endpoint.Start().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << bad;
    EXPECT_NE(status.message().find("'" + bad + "'"), std::string::npos) << status;
  }
}

}  // namespace
}  // namespace voc::metrics
