#include "common/org/org_directory.h"

#include "common/config/config.h"

#include <gtest/gtest.h>

#include "services/assignment/routing/routing_rules.h"
#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using org::OrgDirectory;
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

TEST(RoutingRulesTest, UnknownDepartmentFailsWithFileAndLine) {
  const OrgDirectory dir = OrgDirectory::Parse(kDirectoryYaml).value();
  const std::string yaml =
      "detractor_callback:\n"                                  // 1
      "  owners: [account_manager, department_head:customer_success]\n"  // 2
      "red_line:\n"                                            // 3
      "  owners:\n"                                            // 4
      "    - department_head:legal\n"                          // 5
      "    - department_head:marketing\n"                      // 6
      "complaint:\n"                                           // 7
      "  default_department: customer_service\n";              // 8
  try {
    RoutingRules::FromString(yaml, dir, "routing.yaml");
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("routing.yaml:6: ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("marketing"), std::string::npos) << e.what();
  }
}

TEST(RoutingRulesTest, ChainMustEndWithAFixedOwnerAndDurationsMustParse) {
  const OrgDirectory dir = OrgDirectory::Parse(kDirectoryYaml).value();
  EXPECT_THROW(RoutingRules::FromString("detractor_callback:\n  owners: [account_manager]\n"
                                        "red_line:\n  owners: [department_head:legal]\n"
                                        "complaint:\n  default_department: customer_service\n",
                                        dir),
               ConfigError);
  try {
    RoutingRules::FromString("detractor_callback:\n  sla: soon\n"
                             "  owners: [department_head:customer_success]\n"
                             "red_line:\n  owners: [department_head:legal]\n"
                             "complaint:\n  default_department: customer_service\n",
                             dir, "routing.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("routing.yaml:2: ", 0), 0u) << e.what();
  }
}

TEST(RoutingRulesTest, TheShippedFilesLoad) {
  // ctest runs from the source root.
  const OrgDirectory dir = OrgDirectory::Load("config/directory.yaml").value();
  const RoutingRules rules = RoutingRules::LoadFile("config/routing.yaml", dir);
  EXPECT_EQ(rules.detractor_callback.sla, std::chrono::hours(24));
  EXPECT_EQ(rules.red_line.owners.size(), 3u);
  EXPECT_GE(rules.rule_count(), 1);
  EXPECT_FALSE(dir.StoreRegionManagerOf("store-sh-001").empty());
}

}  // namespace
}  // namespace voc::assignment
