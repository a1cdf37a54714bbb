// The org directory (common/org): who manages whom, department heads,
// regions and account managers, and errors that name the file and line.
#include "common/org/org_directory.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/org_fixture.h"

namespace voc::org {
namespace {

using testing::kDirectoryYaml;

std::string LoadError(const std::string& yaml) {
  return std::string(OrgDirectory::Parse(yaml, "directory.yaml").status().message());
}

TEST(OrgDirectoryTest, ResolvesManagersHeadsRegionsAndAccountManagers) {
  const OrgDirectory dir = OrgDirectory::Parse(kDirectoryYaml).value();
  EXPECT_EQ(dir.HeadOf("legal"), "p-counsel");
  EXPECT_EQ(dir.ManagerOf("p-am"), "p-head-cs");
  EXPECT_EQ(dir.StoreRegionManagerOf("store-sh-001"), "p-east");
  EXPECT_EQ(dir.AccountManagerOf("c-with-am"), "p-am");
  EXPECT_EQ(dir.AccountManagerOf("c-no-am"), "");
  EXPECT_EQ(dir.FindDepartment("pr")->name_en, "PR");
  EXPECT_EQ(dir.EscalationTargetFor("customer_success", "p-am"), "p-head-cs");
  EXPECT_EQ(dir.EscalationTargetFor("customer_success", ""), "p-head-cs");
  EXPECT_EQ(dir.EscalationTargetFor("executive", "p-ceo"), "") << "nobody above the CEO";
  EXPECT_EQ(dir.department_count(), 7u);
}

TEST(OrgDirectoryTest, UnknownManagerFailsWithFileAndLine) {
  const std::string yaml =
      "departments:\n"                                     // 1
      "  - {id: d, name: D, head: p-a}\n"                  // 2
      "people:\n"                                          // 3
      "  - id: p-a\n"                                      // 4
      "    name: A\n"                                      // 5
      "    department: d\n"                                // 6
      "    manager: p-nobody\n";                           // 7
  const std::string error = LoadError(yaml);
  EXPECT_EQ(error.rfind("directory.yaml:7: ", 0), 0u) << error;
  EXPECT_NE(error.find("p-nobody"), std::string::npos) << error;
}

TEST(OrgDirectoryTest, OtherValidationErrorsNameTheLine) {
  EXPECT_EQ(LoadError("departments:\n  - {id: d, head: p-x}\npeople: []\n").rfind(
                "directory.yaml:2: ", 0),
            0u);
  const std::string duplicate =
      LoadError("departments:\n  - {id: d, head: p-a}\npeople:\n  - {id: p-a, department: d}\n"
                "  - {id: p-a, department: d}\n");
  EXPECT_EQ(duplicate.rfind("directory.yaml:5: ", 0), 0u) << duplicate;
  EXPECT_NE(duplicate.find("defined twice"), std::string::npos);
  const std::string missing_field = LoadError("departments:\n  - {id: d}\npeople: []\n");
  EXPECT_NE(missing_field.find("head is required"), std::string::npos) << missing_field;
  const std::string syntax = LoadError("departments: [\n  {id: d\n");
  EXPECT_EQ(syntax.rfind("directory.yaml:", 0), 0u) << syntax;
  const std::string bad_store = LoadError(
      "departments:\n  - {id: d, head: p-a}\npeople:\n  - {id: p-a, department: d}\n"
      "stores:\n  - {id: s, region: nowhere}\n");
  EXPECT_EQ(bad_store.rfind("directory.yaml:6: ", 0), 0u) << bad_store;
}

// p-left (inactive) manages p-worker and heads ops; above them p-boss.
constexpr char kWithInactive[] =
    "departments:\n"
    "  - {id: top, head: p-boss}\n"
    "  - {id: ops, head: p-left}\n"
    "people:\n"
    "  - {id: p-boss, name: Boss, department: top}\n"
    "  - {id: p-left, name: Left, department: ops, manager: p-boss, active: false}\n"
    "  - {id: p-worker, name: Worker, department: ops, manager: p-left, active: true}\n";

TEST(OrgDirectoryTest, APersonIsActiveUnlessTheFileSaysOtherwise) {
  const OrgDirectory dir = OrgDirectory::Parse(kWithInactive).value();
  EXPECT_TRUE(dir.FindPerson("p-boss")->active) << "active is the default";
  EXPECT_TRUE(dir.FindPerson("p-worker")->active);
  ASSERT_NE(dir.FindPerson("p-left"), nullptr) << "an inactive person stays findable for history";
  EXPECT_FALSE(dir.FindPerson("p-left")->active);
  EXPECT_EQ(dir.FindActivePerson("p-left"), nullptr);
  EXPECT_NE(dir.FindActivePerson("p-worker"), nullptr);
  EXPECT_EQ(dir.FindActivePerson("p-nobody"), nullptr);
}

TEST(OrgDirectoryTest, EscalationSkipsAnInactiveManagerUpTheChain) {
  const OrgDirectory dir = OrgDirectory::Parse(kWithInactive).value();
  EXPECT_EQ(dir.ManagerOf("p-worker"), "p-boss") << "p-left is inactive";
  EXPECT_EQ(dir.EscalationTargetFor("ops", "p-worker"), "p-boss");
  EXPECT_EQ(dir.EscalationTargetFor("ops", ""), "p-boss") << "ops' head p-left is inactive";
  EXPECT_EQ(dir.ActiveOrAbove("p-left"), "p-boss");
  EXPECT_EQ(dir.ActiveOrAbove("p-worker"), "p-worker");
  EXPECT_EQ(dir.UnlessInactive("p-left"), "p-boss");
  EXPECT_EQ(dir.UnlessInactive("p-worker"), "p-worker");
  EXPECT_EQ(dir.UnlessInactive("p-elsewhere"), "p-elsewhere") << "unknown here: left to its loader";
  EXPECT_EQ(dir.HeadOf("ops"), "p-left") << "the configured head is still reported as such";
}

TEST(OrgDirectoryTest, ActiveMustBeTrueOrFalse) {
  const std::string error = LoadError(
      "departments:\n"                                   // 1
      "  - {id: d, head: p-a}\n"                         // 2
      "people:\n"                                        // 3
      "  - {id: p-a, department: d, active: maybe}\n");  // 4
  EXPECT_EQ(error.rfind("directory.yaml:4: ", 0), 0u) << error;
  EXPECT_NE(error.find("people[0].active must be true or false"), std::string::npos) << error;
}

TEST(OrgDirectoryTest, DepartmentsKeepTheOrderOfTheFile) {
  const auto dir = OrgDirectory::Parse(
      "departments:\n"
      "  - {id: zeta, head: p1}\n"
      "  - {id: alpha, head: p1}\n"
      "  - {id: mu, head: p1}\n"
      "people:\n"
      "  - {id: p1, name: P, department: alpha}\n");
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::vector<std::string> ids;
  for (const auto* d : dir->Departments()) ids.push_back(d->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"zeta", "alpha", "mu"}));
}

}  // namespace
}  // namespace voc::org
