// The gateway counts every request by route template, method and status
// (voc_http_requests_total), with bounded labels whatever the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/metrics/registry.h"
#include "services/gateway/router.h"
#include "tests/support/servers.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

std::uint64_t Requests(const std::string& route, const std::string& method, const std::string& code) {
  return metrics::Registry::Default()
      .AddCounter("voc_http_requests_total", "HTTP requests answered, by route template, method and status.",
                  {"route", "method", "code"})
      .WithLabels({route, method, code})
      .value();
}

TEST(GatewayMetricsTest, RouteTemplatesKeepIdsAndUnknownPathsOutOfTheLabels) {
  EXPECT_EQ(RouteTemplate("/healthz"), "/healthz");
  EXPECT_EQ(RouteTemplate("/api/cases?department=logistics"), "/api/cases");
  EXPECT_EQ(RouteTemplate("/api/cases/abc-123"), "/api/cases/{id}");
  EXPECT_EQ(RouteTemplate("/api/cases/abc-123/resolve"), "/api/cases/{id}/resolve");
  EXPECT_EQ(RouteTemplate("/api/cases/abc-123/delete"), "unknown");
  EXPECT_EQ(RouteTemplate("/api/whatever/you/like"), "unknown");
  EXPECT_EQ(RouteTemplate("/index.html"), "static");
  EXPECT_EQ(RouteTemplate("/app.js"), "static");
}

TEST(GatewayMetricsTest, EachAnsweredRequestIsCountedWithItsStatus) {
  testing::TempDir dir;
  const auto web = std::filesystem::path(dir.path()) / "web";
  std::filesystem::create_directories(web);
  std::ofstream(web / "index.html") << "<!doctype html><title>VoC</title>";
  FakeBackend backend;
  backend.the_case.set_name("cases/abc");
  backend.the_case.set_id("abc");
  Router router(backend, {{"logistics", "物流部", "Logistics", "p-wang-lei"}}, StaticFiles(web));

  const auto health = Requests("/healthz", "GET", "200");
  const auto missing = Requests("unknown", "GET", "404");
  const auto wrong_method = Requests("/healthz", "other", "405");
  EXPECT_EQ(router.Handle({"GET", "/healthz", {}, ""}).status, 200);
  EXPECT_EQ(router.Handle({"GET", "/healthz", {}, ""}).status, 200);
  EXPECT_EQ(router.Handle({"GET", "/api/nothing-here", {}, ""}).status, 404);
  EXPECT_EQ(router.Handle({"PATCH", "/healthz", {}, ""}).status, 405);
  EXPECT_EQ(Requests("/healthz", "GET", "200"), health + 2);
  EXPECT_EQ(Requests("unknown", "GET", "404"), missing + 1);
  EXPECT_EQ(Requests("/healthz", "other", "405"), wrong_method + 1);
}

}  // namespace
}  // namespace voc::gateway
