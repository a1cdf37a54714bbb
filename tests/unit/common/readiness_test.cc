// ReadinessMonitor's own logic with scripted dependencies (the real probes
// against real servers are in tests/integration/health_test.cc), and the
// hand-written grpc.health.v1 wire format.
#include "common/service/readiness.h"

#include <gtest/gtest.h>

#include "common/service/health_check.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

TEST(ReadinessMonitorTest, ReportsOnlyWhenReadinessChanges) {
  absl::Status database = absl::OkStatus();
  absl::Status redis = absl::OkStatus();
  std::vector<bool> reports;
  ReadinessMonitor monitor({{"database", [&] { return database; }}, {"redis", [&] { return redis; }}},
                           [&](bool ready) { reports.push_back(ready); }, 0ms);
  EXPECT_TRUE(monitor.CheckNow().ok());
  EXPECT_TRUE(monitor.CheckNow().ok());
  EXPECT_EQ(reports, std::vector<bool>({true}));  // the first pass, then no change

  redis = absl::UnavailableError("connection refused");
  const absl::Status down = monitor.CheckNow();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(down.message(), "redis: connection refused");
  database = absl::UnavailableError("locked");
  EXPECT_EQ(monitor.CheckNow().message(), "database: locked; redis: connection refused");
  EXPECT_EQ(reports, std::vector<bool>({true, false}));

  redis = absl::OkStatus();
  EXPECT_FALSE(monitor.CheckNow().ok());  // the database is still down
  database = absl::OkStatus();
  EXPECT_TRUE(monitor.CheckNow().ok());
  EXPECT_EQ(reports, std::vector<bool>({true, false, true}));
}

TEST(ReadinessMonitorTest, ADependencyDownAtTheFirstPassReportsNotReady) {
  std::vector<bool> reports;
  ReadinessMonitor monitor({{"redis", [] { return absl::UnavailableError("down"); }}},
                           [&](bool ready) { reports.push_back(ready); }, 0ms);
  EXPECT_FALSE(monitor.CheckNow().ok());
  EXPECT_EQ(reports, std::vector<bool>({false}));
}

TEST(HealthCheckWireTest, EncodesTheServiceNameAsField1) {
  EXPECT_EQ(EncodeHealthCheckRequest(""), "");
  EXPECT_EQ(EncodeHealthCheckRequest("voc.v1.X"), std::string("\x0a\x08voc.v1.X", 10));
}

TEST(HealthCheckWireTest, DecodesTheStatusAndRejectsGarbage) {
  EXPECT_EQ(DecodeHealthCheckResponse("").value(), ServingStatus::kUnknown);  // proto3 default
  EXPECT_EQ(DecodeHealthCheckResponse(std::string("\x08\x01", 2)).value(), ServingStatus::kServing);
  EXPECT_EQ(DecodeHealthCheckResponse(std::string("\x08\x02", 2)).value(), ServingStatus::kNotServing);
  // An unknown field before the status is skipped.
  EXPECT_EQ(DecodeHealthCheckResponse(std::string("\x12\x01z\x08\x01", 5)).value(), ServingStatus::kServing);
  EXPECT_EQ(DecodeHealthCheckResponse(std::string("\x08", 1)).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecodeHealthCheckResponse(std::string("\x12\x05z", 3)).status().code(), absl::StatusCode::kInternal);
  EXPECT_STREQ(ServingStatusName(ServingStatus::kNotServing), "NOT_SERVING");
}

}  // namespace
}  // namespace voc
