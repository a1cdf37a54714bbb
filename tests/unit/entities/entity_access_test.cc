#include "services/entities/entity_access.h"

#include <gtest/gtest.h>

#include "tests/support/test_principals.h"

namespace voc::entities {
namespace {

using testing::ApiKeyCaller;
using testing::DemoPerson;

TEST(EntityAccessTest, ImportNeedsEntitiesWriteOrAnAnalystOrAdmin) {
  EXPECT_TRUE(MayImportEntities(ApiKeyCaller({"entities:write"})).ok());
  EXPECT_EQ(MayImportEntities(ApiKeyCaller({"feedback:write"})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayImportEntities(ApiKeyCaller({"entities:read"})).code(), absl::StatusCode::kPermissionDenied);
  // A key says what it does: admin alone does not import.
  EXPECT_EQ(MayImportEntities(ApiKeyCaller({"admin"})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayImportEntities(DemoPerson("p-emily-carter")).ok());   // analyst
  EXPECT_TRUE(MayImportEntities(DemoPerson("p-sun-li")).ok());         // admin
  EXPECT_EQ(MayImportEntities(DemoPerson("p-chen-jianguo")).code(),    // executive
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayImportEntities(DemoPerson("p-xu-gang")).code(), absl::StatusCode::kPermissionDenied);  // member
}

TEST(EntityAccessTest, ReadsNeedEntitiesReadOrAnAnalystExecutiveOrAdmin) {
  EXPECT_TRUE(MayReadEntities(ApiKeyCaller({"entities:read"})).ok());
  EXPECT_TRUE(MayReadEntities(ApiKeyCaller({"entities:write"})).ok());
  EXPECT_EQ(MayReadEntities(ApiKeyCaller({"feedback:write"})).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayReadEntities(DemoPerson("p-chen-jianguo")).ok());
  EXPECT_EQ(MayReadEntities(DemoPerson("p-xu-gang")).code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace voc::entities
