// Every shipped taxonomy (config/taxonomy.yaml and config/taxonomies/*.yaml)
// loads with the taxonomy loader, maps each topic to a department of the org
// directory, and reads its industry's typical complaint clause by clause.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/org/org_directory.h"
#include "services/triage/analysis/topics/taxonomy.h"

namespace voc::triage {
namespace {

std::vector<std::string> ShippedFiles() {
  std::vector<std::string> files{"config/taxonomy.yaml"};
  for (const auto& entry : std::filesystem::directory_iterator("config/taxonomies"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  std::sort(files.begin() + 1, files.end());
  return files;
}

// The topic ids found in the clauses of `text` (already normalised: lower-case).
std::set<std::string> Found(const Taxonomy& t, const std::string& text) {
  std::vector<ClauseTopic> found;
  t.MatchClauses(text, text::SplitClauses(text), found);
  std::set<std::string> ids;
  for (const auto& f : found) ids.insert(t.topics()[f.topic].id);
  return ids;
}

TEST(ShippedTaxonomiesTest, EveryFileLoadsAndRoutesToKnownDepartments) {
  const auto directory = org::OrgDirectory::Load("config/directory.yaml").value();
  const auto files = ShippedFiles();
  EXPECT_GE(files.size(), 8u) << "the demo and seven industries";
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    const auto loaded = Taxonomy::LoadFile(file);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    const Taxonomy& t = **loaded;
    EXPECT_FALSE(t.topics().empty());
    for (const auto& topic : t.topics()) {
      EXPECT_NE(directory.FindDepartment(topic.department), nullptr) << topic.id << " -> " << topic.department;
      EXPECT_FALSE(topic.name_zh.empty()) << topic.id;
      EXPECT_FALSE(topic.name_en.empty()) << topic.id;
    }
  }
}

TEST(ShippedTaxonomiesTest, IndustriesReadTheirTypicalComplaints) {
  const auto load = [](const std::string& name) { return Taxonomy::LoadFile("config/taxonomies/" + name).value(); };
  const auto food = load("food_delivery.yaml");
  EXPECT_EQ(Found(*food, "送餐速度超级慢"), (std::set<std::string>{"delivery.late"}));  // not food
  EXPECT_TRUE(Found(*food, "三份饭,一双筷子都没有").count("order.missing_item"));
  const auto hotels = load("hotels.yaml");
  EXPECT_TRUE(Found(*hotels, "房间临街,太吵了").count("noise"));
  EXPECT_TRUE(Found(*hotels, "前台说信用卡担保的订单没查到").count("front_desk.booking"));
  EXPECT_TRUE(Found(*hotels, "地毯很脏").count("cleanliness"));
  const auto airlines = load("airlines.yaml");
  EXPECT_TRUE(Found(*airlines, "@united my flight was delayed 3 hours").count("flight.delay"));
  EXPECT_TRUE(Found(*airlines, "on hold for two hours").count("service.hold"));
  EXPECT_TRUE(Found(*airlines, "you lost my bag").count("baggage.lost"));
  const auto shop = load("ecommerce.yaml");
  EXPECT_TRUE(Found(*shop, "尺码偏小,穿不上").count("product.fit"));
  EXPECT_TRUE(Found(*shop, "买完两天就降价了").count("price.dropped_after_purchase"));
  EXPECT_TRUE(Found(*shop, "手机系统老是重启").count("product.defect"));
  const auto cars = load("automotive.yaml");
  EXPECT_TRUE(Found(*cars, "这车油耗太高了").count("vehicle.fuel_economy"));
  const auto apps = load("apps.yaml");
  EXPECT_TRUE(Found(*apps, "app一打开就闪退").count("app.crash"));
  EXPECT_TRUE(Found(*apps, "so many credit card apps and none work").count("app.payment") == 0);
  const auto stores = load("retail_stores.yaml");
  EXPECT_TRUE(Found(*stores, "买的草莓都烂了").count("product.fresh_food"));
}

}  // namespace
}  // namespace voc::triage
