// common/auth: the permission rules, the roles file, the principals table and
// the caller decision (tokens, acting-for), without a network: API keys are
// checked by a fake of voc-identity (the outside edge).
#include <gtest/gtest.h>

#include "common/auth/authenticator.h"
#include "common/auth/policy.h"
#include "common/auth/role_book.h"
#include "common/auth/scopes.h"
#include "common/clock/clock.h"

namespace voc::auth {
namespace {

constexpr char kDirectory[] = R"(
departments:
  - {id: logistics, name: {zh: 物流部, en: Logistics}, head: p-head}
  - {id: app_engineering, name: {zh: App 研发部, en: App Engineering}, head: p-app-head}
people:
  - {id: p-head, name: 王磊, email: h@example.com, department: logistics}
  - {id: p-member, name: 徐刚, email: m@example.com, department: logistics, manager: p-head}
  - {id: p-app-head, name: 周凯, email: a@example.com, department: app_engineering}
  - {id: p-analyst, name: Emily, email: e@example.com, department: app_engineering, roles: [analyst]}
  - {id: p-exec, name: 陈建国, email: c@example.com, department: app_engineering}
)";

std::shared_ptr<const org::OrgDirectory> Directory() {
  auto d = org::OrgDirectory::Parse(kDirectory);
  EXPECT_TRUE(d.ok()) << d.status();
  return std::make_shared<const org::OrgDirectory>(*std::move(d));
}

RoleBook Book() {
  auto book = RoleBook::Parse(Directory(), "people:\n  p-exec: [executive]\n", "roles.yaml");
  EXPECT_TRUE(book.ok()) << book.status();
  return *std::move(book);
}

TEST(RoleBookTest, PeopleGetDepartmentsHeadshipAndRoles) {
  RoleBook book = Book();
  auto head = book.PersonPrincipal("p-head");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->HasRole(Role::kDepartmentHead));
  EXPECT_EQ(head->head_of, std::set<std::string>{"logistics"});
  EXPECT_EQ(head->Actor(), "p-head");
  EXPECT_TRUE(book.PersonPrincipal("p-analyst")->HasRole(Role::kAnalyst));  // from the directory
  EXPECT_TRUE(book.PersonPrincipal("p-exec")->HasRole(Role::kExecutive));   // from the file
  EXPECT_EQ(book.PersonPrincipal("p-nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST(RoleBookTest, MistakesNameTheFileAndLine) {
  auto unknown_person = RoleBook::Parse(Directory(), "people:\n  p-ghost: [analyst]\n", "roles.yaml");
  EXPECT_EQ(unknown_person.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown_person.status().message().find("roles.yaml:2"), std::string::npos) << unknown_person.status();
  auto unknown_role = RoleBook::Parse(Directory(), "people:\n  p-head: [overlord]\n", "roles.yaml");
  EXPECT_NE(unknown_role.status().message().find("unknown role 'overlord'"), std::string::npos);
}

TEST(PolicyTest, MembersSeeAndActOnTheirDepartmentOnly) {
  RoleBook book = Book();
  const Principal member = *book.PersonPrincipal("p-member");
  const CaseScope logistics{"logistics", {}};
  const CaseScope app{"app_engineering", {}};
  EXPECT_TRUE(CanReadCase(member, logistics));
  EXPECT_TRUE(CanActOnCase(member, logistics));
  EXPECT_FALSE(CanReadCase(member, app));
  EXPECT_FALSE(CanActOnCase(member, app));
  EXPECT_TRUE(CanActOnCase(member, CaseScope{"app_engineering", {"p-member"}}));  // an owner
  EXPECT_FALSE(CanReassignCase(member, logistics, "logistics"));
  const CaseVisibility seen = VisibleCases(member);
  EXPECT_FALSE(seen.all);
  EXPECT_EQ(seen.departments, std::set<std::string>{"logistics"});
  EXPECT_EQ(seen.owner_person, "p-member");
}

TEST(PolicyTest, HeadsReassignWithinTheirDepartment) {
  const Principal head = *Book().PersonPrincipal("p-head");
  EXPECT_TRUE(CanReassignCase(head, CaseScope{"logistics", {}}, "logistics"));
  EXPECT_FALSE(CanReassignCase(head, CaseScope{"logistics", {}}, "app_engineering"));
  EXPECT_TRUE(CanReadProject(head, {"pricing", "logistics"}));
  EXPECT_FALSE(CanReadProject(head, {"pricing"}));
}

TEST(PolicyTest, AnalystsReadAllButActOnlyWhereTheyBelongOrOwn) {
  RoleBook book = Book();
  const Principal analyst = *book.PersonPrincipal("p-analyst");
  EXPECT_TRUE(CanReadCase(analyst, CaseScope{"logistics", {}}));
  EXPECT_FALSE(CanActOnCase(analyst, CaseScope{"logistics", {}}));
  EXPECT_TRUE(CanActOnCase(analyst, CaseScope{"logistics", {"p-analyst"}}));
  EXPECT_TRUE(CanWriteRules(analyst));
  EXPECT_TRUE(CanManageProjects(analyst));
  EXPECT_FALSE(SeesPersonalData(analyst, CaseScope{"logistics", {}}));
  const Principal exec = *book.PersonPrincipal("p-exec");
  EXPECT_TRUE(VisibleCases(exec).all);
  EXPECT_FALSE(CanWriteRules(exec));
  EXPECT_FALSE(CanWriteRules(*book.PersonPrincipal("p-member")));
}

TEST(PolicyTest, KeysAreDecidedByScopes) {
  Principal feedback_only{PrincipalKind::kApiKey, "key:k1", "crm", "", {kFeedbackWrite}};
  EXPECT_FALSE(CanReadCase(feedback_only, CaseScope{"logistics", {}}));
  EXPECT_FALSE(VisibleCases(feedback_only).all);
  EXPECT_TRUE(VisibleCases(feedback_only).departments.empty());
  EXPECT_FALSE(CanWriteRules(feedback_only));
  Principal reader{PrincipalKind::kApiKey, "key:k2", "bi", "", {kCasesRead}};
  EXPECT_TRUE(CanReadCase(reader, CaseScope{"logistics", {}}));
  EXPECT_FALSE(CanActOnCase(reader, CaseScope{"logistics", {}}));
}

TEST(ScopesTest, UnknownScopesAreRefusedByName) {
  EXPECT_TRUE(ParseScopeList("cases:read, feedback:write", "scopes").ok());
  auto bad = ParseScopeList("cases:read, cases:everything", "scopes");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'cases:everything'"), std::string::npos);
}

TEST(PrincipalsTest, ConfigErrorsNameTheKey) {
  auto config = Config::FromString("auth:\n  principals:\n    gateway: {scopes: \"act_as_person\", token_sha256: \"xyz\"}\n", "");
  ASSERT_TRUE(config.ok());
  auto principals = ServicePrincipalsFrom(*config);
  EXPECT_EQ(principals.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(principals.status().message().find("auth.principals.gateway.token_sha256"), std::string::npos);
  auto unprovisioned = Config::FromString("auth:\n  principals:\n    gateway: {scopes: \"act_as_person\"}\n", "");
  EXPECT_TRUE(ServicePrincipalsFrom(*unprovisioned)->empty());  // no hash: nobody logs in as it
}

class FakeIdentity final : public ApiKeyVerifier {
 public:
  absl::StatusOr<Principal> Verify(const std::string& token) override {
    if (token != "vk_k1_secret") return absl::UnauthenticatedError("unknown");
    return Principal{PrincipalKind::kApiKey, "key:k1", "crm", "", {kFeedbackWrite}};
  }
};

class RecordingAudit final : public AuditSink {
 public:
  void Record(const AuditRecord& r) override { records.push_back(r); }
  std::vector<AuditRecord> records;
};

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() {
    std::map<std::string, ServicePrincipal> principals;
    principals[Sha256Hex("gateway-token")] = {"gateway", {kActAsPerson, kSessions}};
    principals[Sha256Hex("assignment-token")] = {"assignment", {kCasesCreate}};
    audit_ = std::make_shared<RecordingAudit>();
    auth_ = std::make_unique<CallerAuthenticator>(principals, std::make_shared<FakeIdentity>(),
                                                  std::make_shared<const RoleBook>(Book()), audit_);
  }
  std::shared_ptr<RecordingAudit> audit_;
  std::unique_ptr<CallerAuthenticator> auth_;
};

TEST_F(AuthenticatorTest, NoOrUnknownCredentialIsUnauthenticatedAndAudited) {
  EXPECT_EQ(auth_->AuthenticateToken("", "", "GetCase", "1.2.3.4").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateToken("guess", "", "GetCase", "1.2.3.4").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateToken("vk_k1_wrong", "", "GetCase", "").status().code(),
            absl::StatusCode::kUnauthenticated);
  ASSERT_EQ(audit_->records.size(), 3u);
  EXPECT_EQ(audit_->records[0].kind, "unauthenticated");
  EXPECT_EQ(audit_->records[0].client_address, "1.2.3.4");
}

TEST_F(AuthenticatorTest, ServicesAndKeysAreThemselves) {
  auto service = auth_->AuthenticateToken("assignment-token", "", "CreateCases", "");
  ASSERT_TRUE(service.ok());
  EXPECT_EQ(service->id, "service:assignment");
  EXPECT_TRUE(service->HasScope(kCasesCreate));
  EXPECT_FALSE(service->HasScope(kCasesRead));
  auto key = auth_->AuthenticateToken("vk_k1_secret", "", "SubmitFeedback", "");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->Actor(), "key:k1");
}

TEST_F(AuthenticatorTest, OnlyTheGatewayMayActForAPerson) {
  auto person = auth_->AuthenticateToken("gateway-token", "p-member", "ResolveCase", "");
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_TRUE(person->is_person());
  EXPECT_EQ(person->Actor(), "p-member");
  EXPECT_EQ(person->via, "service:gateway");
  EXPECT_FALSE(person->HasScope(kActAsPerson));  // the person does not inherit the gateway's scopes

  auto forged = auth_->AuthenticateToken("assignment-token", "p-head", "ResolveCase", "");
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kPermissionDenied);
  auto forged_by_key = auth_->AuthenticateToken("vk_k1_secret", "p-head", "ResolveCase", "");
  EXPECT_EQ(forged_by_key.status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_FALSE(audit_->records.empty());
  EXPECT_EQ(audit_->records.back().kind, "permission_denied");
  EXPECT_EQ(audit_->records.back().principal, "key:k1");

  EXPECT_EQ(auth_->AuthenticateToken("gateway-token", "p-ghost", "GetCase", "").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokensTest, RandomTokensAreLongAndDistinct) {
  const std::string a = RandomToken();
  EXPECT_EQ(a.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_NE(a, RandomToken());
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace voc::auth
