// What an RPC caller sees when a handler throws.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "common/rpc/status.h"

namespace voc::rpc {
namespace {

TEST(ClientSafeErrorTest, DropsTheStatementAndBoundValuesSociAppends) {
  const std::string what =
      "Cannot execute query. Fatal error. ERROR:  relation \"rule_versions\" does not exist\n"
      "LINE 1: INSERT INTO rule_versions ...\n while executing \"INSERT ...\" with :yaml=\"version: 1 ...\"";
  EXPECT_EQ(ClientSafeError(what), "Cannot execute query. Fatal error. ERROR:  relation \"rule_versions\" does not exist");
  EXPECT_EQ(ClientSafeError("no such table: items while executing \"SELECT * FROM items\""), "no such table: items");
}

TEST(ClientSafeErrorTest, CutsLongMessagesOnACharacterBoundary) {
  std::string what;
  for (int i = 0; i < 200; ++i) what += "快";  // 3 bytes each
  const std::string safe = ClientSafeError(what, 10);
  EXPECT_EQ(safe, "快快快...");  // 9 bytes of whole characters, never half of one
  EXPECT_EQ(ClientSafeError("short", 10), "short");
}

TEST(GuardTest, AThrowingHandlerBecomesInternalWithABoundedMessage) {
  const std::string huge(100000, 'x');
  const grpc::Status status =
      Guard("UpdateTaxonomy", [&]() -> grpc::Status { throw std::runtime_error("disk full while executing " + huge); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "UpdateTaxonomy failed: disk full (details in the service log)");
  EXPECT_TRUE(Guard("Ok", [] { return grpc::Status::OK; }).ok());
}

}  // namespace
}  // namespace voc::rpc
