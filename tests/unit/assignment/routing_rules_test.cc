// The routing rules (config/routing.yaml), validated against the org
// directory on load: errors name the file and line.
#include "services/assignment/routing/routing_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using org::OrgDirectory;
using testing::kDirectoryYaml;

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
  const auto rules = RoutingRules::FromString(yaml, dir, "routing.yaml");
  ASSERT_FALSE(rules.ok()) << "expected an error";
  const std::string error(rules.status().message());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error.rfind("routing.yaml:6: ", 0), 0u) << error;
  EXPECT_NE(error.find("marketing"), std::string::npos) << error;
}

TEST(RoutingRulesTest, AnInactivePersonIsRefusedWithFileAndLine) {
  const OrgDirectory dir = OrgDirectory::Parse(kDirectoryYaml).value();
  const auto rules = RoutingRules::FromString(
      "detractor_callback:\n"                              // 1
      "  owners: [account_manager, person:p-am-left]\n"    // 2
      "red_line:\n  owners: [department_head:legal]\n"
      "complaint:\n  default_department: customer_service\n",
      dir, "routing.yaml");
  ASSERT_FALSE(rules.ok());
  const std::string error(rules.status().message());
  EXPECT_EQ(error.rfind("routing.yaml:2: ", 0), 0u) << error;
  EXPECT_NE(error.find("p-am-left' is not active"), std::string::npos) << error;
}

TEST(RoutingRulesTest, ChainMustEndWithAFixedOwnerAndDurationsMustParse) {
  const OrgDirectory dir = OrgDirectory::Parse(kDirectoryYaml).value();
  EXPECT_FALSE(RoutingRules::FromString("detractor_callback:\n  owners: [account_manager]\n"
                                        "red_line:\n  owners: [department_head:legal]\n"
                                        "complaint:\n  default_department: customer_service\n",
                                        dir)
                   .ok());
  const auto bad_sla = RoutingRules::FromString("detractor_callback:\n  sla: soon\n"
                                                "  owners: [department_head:customer_success]\n"
                                                "red_line:\n  owners: [department_head:legal]\n"
                                                "complaint:\n  default_department: customer_service\n",
                                                dir, "routing.yaml");
  ASSERT_FALSE(bad_sla.ok());
  const std::string error(bad_sla.status().message());
  EXPECT_EQ(error.rfind("routing.yaml:2: ", 0), 0u) << error;
}

TEST(RoutingRulesTest, TheShippedFilesLoad) {
  // ctest runs from the source root.
  const OrgDirectory dir = OrgDirectory::Load("config/directory.yaml").value();
  const RoutingRules rules = RoutingRules::LoadFile("config/routing.yaml", dir).value();
  EXPECT_EQ(rules.detractor_callback.sla, std::chrono::hours(24));
  EXPECT_EQ(rules.red_line.owners.size(), 3u);
  EXPECT_GE(rules.rule_count(), 1);
  EXPECT_FALSE(dir.StoreRegionManagerOf("store-sh-001").empty());
}

TEST(RoutingRulesTest, AWildcardRuleMatchesTheTopicAndItsSubtopicsOnly) {
  RoutingRule rule;
  rule.topic = "app.*";
  EXPECT_TRUE(rule.Matches("app"));
  EXPECT_TRUE(rule.Matches("app.login"));
  EXPECT_FALSE(rule.Matches("application"));
  rule.topic = "service.staff_attitude";
  EXPECT_TRUE(rule.Matches("service.staff_attitude"));
  EXPECT_FALSE(rule.Matches("service.staff_attitude.rude"));
}

}  // namespace
}  // namespace voc::assignment
