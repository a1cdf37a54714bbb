// Who may call which IngestService RPC (services/ingest/ingest_access.h),
// with the demo's people from config/directory.yaml and config/roles.yaml.
#include "services/ingest/ingest_access.h"

#include <gtest/gtest.h>

#include "common/auth/role_book.h"
#include "common/org/org_directory.h"

namespace voc::ingest {
namespace {

auth::Principal Key(std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kApiKey;
  p.id = "key:k1";
  p.scopes = std::move(scopes);
  return p;
}

auth::Principal Person(const std::string& id) {
  auto directory = std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Load("config/directory.yaml").value());
  return auth::RoleBook::Load(directory, "config/roles.yaml").value().PersonPrincipal(id).value();
}

TEST(IngestAccessTest, OnlyFeedbackWriteSubmits) {
  EXPECT_TRUE(MaySubmitFeedback(Key({"feedback:write"})).ok());
  const absl::Status reader = MaySubmitFeedback(Key({"feedback:read", "cases:write"}));
  EXPECT_EQ(reader.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(reader.message().find("feedback:write"), std::string::npos) << reader;
  // People never submit through the gateway, analysts and admins included.
  EXPECT_EQ(MaySubmitFeedback(Person("p-emily-carter")).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MaySubmitFeedback(Person("p-sun-li")).code(), absl::StatusCode::kPermissionDenied);
}

TEST(IngestAccessTest, ReadingFeedbackNeedsFeedbackReadOrAnAnalystOrExecutive) {
  EXPECT_TRUE(MayReadFeedback(Key({"feedback:read"})).ok());
  const absl::Status writer = MayReadFeedback(Key({"feedback:write"}));
  EXPECT_EQ(writer.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(writer.message().find("feedback:read"), std::string::npos) << writer;
  EXPECT_TRUE(MayReadFeedback(Person("p-emily-carter")).ok());   // analyst
  EXPECT_TRUE(MayReadFeedback(Person("p-chen-jianguo")).ok());   // executive
  EXPECT_EQ(MayReadFeedback(Person("p-xu-gang")).code(), absl::StatusCode::kPermissionDenied);   // member
  EXPECT_EQ(MayReadFeedback(Person("p-wang-lei")).code(), absl::StatusCode::kPermissionDenied);  // head
}

}  // namespace
}  // namespace voc::ingest
