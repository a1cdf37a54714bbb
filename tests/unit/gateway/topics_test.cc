#include "services/gateway/topics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace voc::gateway {
namespace {

TEST(GatewayTopicCatalog, ChildrenInheritTheirParentsDepartment) {
  auto catalog = TopicCatalog::Parse(R"(version: 1
topics:
  - id: service
    name: {zh: 服务, en: Service}
    department: customer_service
  - id: service.response_time
    name: {zh: 响应速度, en: Response time}
  - id: service.after_sales
    name: {zh: 售后, en: After-sales}
    department: after_sales
  - id: service.after_sales.repair
    name: Repair
)");
  EXPECT_EQ(catalog.size(), 4u);
  EXPECT_EQ(catalog.Find("service.response_time")->department, "customer_service");
  EXPECT_EQ(catalog.Find("service.after_sales.repair")->department, "after_sales");
  EXPECT_EQ(catalog.Find("service.after_sales.repair")->name_zh, "Repair");
  EXPECT_EQ(catalog.Find("service.response_time")->name_en, "Response time");
  EXPECT_EQ(catalog.Find("nothing"), nullptr);
  EXPECT_EQ(catalog.DepartmentOf("service.response_time.night"), "customer_service") << "nearest known ancestor";
  EXPECT_EQ(catalog.DepartmentOf("unknown.topic"), "");

  EXPECT_EQ(catalog.RootsOf("customer_service"), std::vector<std::string>{"service"});
  EXPECT_EQ(catalog.RootsOf("after_sales"), std::vector<std::string>{"service.after_sales"});
  EXPECT_TRUE(catalog.RootsOf("legal").empty());
  EXPECT_TRUE(catalog.AnyOwnedBy("after_sales", {"logistics", "service.after_sales.repair"}));
  EXPECT_FALSE(catalog.AnyOwnedBy("customer_service", {"service.after_sales"}));

  auto names = catalog.NamesJson({"service", "unknown"});
  EXPECT_EQ(names.size(), 1u);
  EXPECT_EQ(names["service"]["zh"], "服务");
  EXPECT_EQ(names["service"]["department"], "customer_service");
}

TEST(GatewayTopicCatalog, RejectsWhatIsNotATaxonomy) {
  EXPECT_THROW(TopicCatalog::Parse("topics: [unclosed"), std::runtime_error);
  EXPECT_THROW(TopicCatalog::Parse("version: 1"), std::runtime_error);
  EXPECT_THROW(TopicCatalog::Parse("- a\n- b"), std::runtime_error);
}

TEST(GatewayTopicCatalog, ReadsTheShippedTaxonomy) {
  // Tests run from the source tree (tests/CMakeLists.txt WORKING_DIRECTORY).
  std::ifstream in("config/taxonomy.yaml");
  ASSERT_TRUE(in) << "config/taxonomy.yaml";
  std::stringstream text;
  text << in.rdbuf();
  auto catalog = TopicCatalog::Parse(text.str());
  EXPECT_GT(catalog.size(), 10u);
  const auto roots = catalog.RootsOf("logistics");
  ASSERT_FALSE(roots.empty());
  EXPECT_EQ(roots.front(), "logistics");
  EXPECT_EQ(catalog.Find("logistics.delivery_delay")->department, "logistics");
  EXPECT_EQ(catalog.Find("logistics.delivery_delay")->name_zh, "配送延迟");
  EXPECT_EQ(catalog.Find("service.after_sales")->department, "after_sales");
}

}  // namespace
}  // namespace voc::gateway
