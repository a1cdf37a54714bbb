// Who may call which IngestService RPC (services/ingest/ingest_access.h),
// with the demo's people from config/directory.yaml and config/roles.yaml.
#include "services/ingest/ingest_access.h"

#include <gtest/gtest.h>

#include "tests/support/test_principals.h"


namespace voc::ingest {
namespace {

TEST(IngestAccessTest, OnlyFeedbackWriteSubmits) {
  EXPECT_TRUE(MaySubmitFeedback(testing::ApiKeyCaller({"feedback:write"})).ok());
  const absl::Status reader = MaySubmitFeedback(testing::ApiKeyCaller({"feedback:read", "cases:write"}));
  EXPECT_EQ(reader.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(reader.message().find("feedback:write"), std::string::npos) << reader;
  // People never submit through the gateway, analysts and admins included.
  EXPECT_EQ(MaySubmitFeedback(testing::DemoPerson("p-emily-carter")).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MaySubmitFeedback(testing::DemoPerson("p-sun-li")).code(), absl::StatusCode::kPermissionDenied);
}

TEST(IngestAccessTest, ReadingFeedbackNeedsFeedbackReadOrAnAnalystOrExecutive) {
  EXPECT_TRUE(MayReadFeedback(testing::ApiKeyCaller({"feedback:read"})).ok());
  const absl::Status writer = MayReadFeedback(testing::ApiKeyCaller({"feedback:write"}));
  EXPECT_EQ(writer.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(writer.message().find("feedback:read"), std::string::npos) << writer;
  EXPECT_TRUE(MayReadFeedback(testing::DemoPerson("p-emily-carter")).ok());   // analyst
  EXPECT_TRUE(MayReadFeedback(testing::DemoPerson("p-chen-jianguo")).ok());   // executive
  EXPECT_EQ(MayReadFeedback(testing::DemoPerson("p-xu-gang")).code(), absl::StatusCode::kPermissionDenied);   // member
  EXPECT_EQ(MayReadFeedback(testing::DemoPerson("p-wang-lei")).code(), absl::StatusCode::kPermissionDenied);  // head
}

}  // namespace
}  // namespace voc::ingest
