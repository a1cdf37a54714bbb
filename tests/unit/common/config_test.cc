#include "common/config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

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
  Config config = Config::FromString(kYaml, "ingest");
  EXPECT_EQ(config.GetInt("redis.port", 0), 6390);
  EXPECT_TRUE(config.GetBool("dev_clock", false));
  EXPECT_EQ(config.GetString("missing.key", "fallback"), "fallback");
  EXPECT_EQ(config.ServiceString("listen"), "127.0.0.1:7101");
  EXPECT_EQ(config.AddressOf("tracking"), "tracking.voc.svc:7104");
  EXPECT_FALSE(config.Has("services.triage"));
}

TEST(ConfigTest, ResolvesSqlitePathsUnderDataDir) {
  Config config = Config::FromString(kYaml, "ingest");
  EXPECT_EQ(config.DatabaseUrl(), "sqlite3:///srv/voc/ingest.db");
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  setenv("VOC_REDIS_PORT", "7000", 1);
  setenv("VOC_DATABASE_URL", "postgresql://host=db dbname=ingest", 1);
  Config config = Config::FromString(kYaml, "ingest");
  EXPECT_EQ(config.GetInt("redis.port", 0), 7000);
  EXPECT_EQ(config.DatabaseUrl(), "postgresql://host=db dbname=ingest");
  unsetenv("VOC_REDIS_PORT");
  unsetenv("VOC_DATABASE_URL");
}

TEST(ConfigTest, WrongTypesNameTheKey) {
  Config config = Config::FromString("redis: {port: six}", "");
  try {
    config.GetInt("redis.port", 0);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("redis.port"), std::string::npos);
  }
}

TEST(ConfigTest, MalformedYamlReportsTheLine) {
  try {
    Config::FromString("a: 1\nb: [unclosed\n", "");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":"), std::string::npos);
  }
}

TEST(ConfigTest, MissingAddressIsAClearError) {
  Config config = Config::FromString(kYaml, "ingest");
  EXPECT_THROW(config.AddressOf("verification"), ConfigError);
}

}  // namespace
}  // namespace voc
