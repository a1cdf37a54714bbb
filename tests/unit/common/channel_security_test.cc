// Which token a process sends on its channels (common/rpc/channel.h): the
// one reader of VOC_SERVICE_TOKEN and VOC_API_KEY, shared by the services,
// the CLI and the load tool.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <optional>
#include <string>

#include "common/config/config.h"
#include "common/rpc/channel.h"

namespace voc::rpc {
namespace {

// Sets or clears both variables for one test and restores them after.
class TokenEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    Save(kServiceTokenEnv, saved_service_);
    Save(kApiKeyEnv, saved_key_);
    unsetenv(kServiceTokenEnv);
    unsetenv(kApiKeyEnv);
  }
  void TearDown() override {
    Restore(kServiceTokenEnv, saved_service_);
    Restore(kApiKeyEnv, saved_key_);
  }

 private:
  static void Save(const char* name, std::optional<std::string>& into) {
    if (const char* v = getenv(name)) into = v;
  }
  static void Restore(const char* name, const std::optional<std::string>& value) {
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  std::optional<std::string> saved_service_, saved_key_;
};

TEST_F(TokenEnvironment, NeitherSetMeansNoToken) {
  EXPECT_EQ(ApiKeyFromEnvironment(), "");
  EXPECT_EQ(CallerTokenFromEnvironment(), "");
}

TEST_F(TokenEnvironment, AToolSendsItsApiKey) {
  setenv(kApiKeyEnv, "vk_k1_secret", 1);
  EXPECT_EQ(ApiKeyFromEnvironment(), "vk_k1_secret");
  EXPECT_EQ(CallerTokenFromEnvironment(), "vk_k1_secret");
}

TEST_F(TokenEnvironment, AServiceTokenWinsOverAnApiKey) {
  setenv(kApiKeyEnv, "vk_k1_secret", 1);
  setenv(kServiceTokenEnv, "service-token", 1);
  EXPECT_EQ(CallerTokenFromEnvironment(), "service-token");
  EXPECT_EQ(ApiKeyFromEnvironment(), "vk_k1_secret");
}

TEST_F(TokenEnvironment, AnEmptyServiceTokenFallsBackToTheApiKey) {
  setenv(kServiceTokenEnv, "", 1);
  setenv(kApiKeyEnv, "vk_k1_secret", 1);
  EXPECT_EQ(CallerTokenFromEnvironment(), "vk_k1_secret");
}

TEST_F(TokenEnvironment, TheChannelSecurityCarriesTheCallerToken) {
  setenv(kServiceTokenEnv, "service-token", 1);
  const Config config = Config::FromString("tls:\n  enabled: false\n", "ingest").value();
  const auto security = ChannelSecurityFrom(config);
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_EQ(security->bearer_token, "service-token");
  EXPECT_FALSE(security->tls);
}

}  // namespace
}  // namespace voc::rpc
