#include "common/config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>

namespace voc {
namespace {

constexpr char kYaml[] = R"(
data_dir: /srv/voc
redis: {host: 127.0.0.1, port: 6390}
dev_clock: true
services:
  ingest:
    listen: 127.0.0.1:7101
    database: sqlite3://ingest.db
  tracking:
    address: tracking.voc.svc:7104
)";

TEST(ConfigTest, ReadsNestedKeysWithFallbacks) {
  Config config = Config::FromString(kYaml, "ingest").value();
  EXPECT_EQ(config.GetInt("redis.port", 0), 6390);
  EXPECT_TRUE(config.GetBool("dev_clock", false));
  EXPECT_EQ(config.GetString("missing.key", "fallback"), "fallback");
  EXPECT_EQ(config.ServiceString("listen"), "127.0.0.1:7101");
  EXPECT_EQ(config.AddressOf("tracking"), "tracking.voc.svc:7104");
  EXPECT_FALSE(config.Has("services.triage"));
}

TEST(ConfigTest, ResolvesSqlitePathsUnderDataDir) {
  Config config = Config::FromString(kYaml, "ingest").value();
  EXPECT_EQ(config.DatabaseUrl(), "sqlite3:///srv/voc/ingest.db");
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  setenv("VOC_REDIS_PORT", "7000", 1);
  setenv("VOC_DATABASE_URL", "postgresql://host=db dbname=ingest", 1);
  Config config = Config::FromString(kYaml, "ingest").value();
  EXPECT_EQ(config.GetInt("redis.port", 0), 7000);
  EXPECT_EQ(config.DatabaseUrl(), "postgresql://host=db dbname=ingest");
  unsetenv("VOC_REDIS_PORT");
  unsetenv("VOC_DATABASE_URL");
}

TEST(ConfigTest, WrongTypesNameTheKey) {
  Config config = Config::FromString("redis: {port: six}", "").value();
  try {
    config.GetInt("redis.port", 0);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("redis.port"), std::string::npos);
  }
}

TEST(ConfigTest, WrongValuesNameTheLineTheyAreOn) {
  Config config = Config::FromString("redis:\n  host: 127.0.0.1\n  port: six\n", "").value();
  EXPECT_EQ(config.Where("redis.port"), "<string>:3");
  EXPECT_EQ(config.Where("redis.absent"), "<string>");
  try {
    config.GetInt("redis.port", 0);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "<string>:3: redis.port must be an integer, got \"six\"");
  }
  setenv("VOC_REDIS_PORT", "seven", 1);
  EXPECT_EQ(config.Where("redis.port"), "the environment");
  unsetenv("VOC_REDIS_PORT");
}

TEST(ConfigTest, MalformedYamlReportsTheLine) {
  const absl::StatusOr<Config> config = Config::FromString("a: 1\nb: [unclosed\n", "");
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("<string>:"), absl::string_view::npos) << config.status();
}

TEST(ConfigTest, AMalformedFileNamesTheFileAndLine) {
  const std::string path = ::testing::TempDir() + "/config_test_malformed.yaml";
  std::ofstream(path) << "a: 1\nb: [unclosed\n";
  const absl::StatusOr<Config> config = Config::Load(path, "ingest");
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message().rfind(path + ":", 0), 0u) << config.status();
  std::remove(path.c_str());
}

TEST(ConfigTest, AMissingFileCannotBeRead) {
  const std::string path = ::testing::TempDir() + "/config_test_missing.yaml";
  const absl::StatusOr<Config> config = Config::Load(path, "ingest");
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), path + ": cannot be read");
}

TEST(ConfigTest, MissingAddressIsAClearError) {
  Config config = Config::FromString(kYaml, "ingest").value();
  EXPECT_THROW(config.AddressOf("verification"), ConfigError);
}

}  // namespace
}  // namespace voc
