#include "services/entities/schema.h"

#include <gtest/gtest.h>

namespace voc::entities {
namespace {

constexpr char kGood[] = R"(entities:
  store_day:
    key: [store, day]
    attributes:
      store: string
      day: date
      staff_on_shift: {type: int, history: true}
    link: {store: store, occurred_day: day}
)";

std::string ErrorOf(const std::string& text) {
  auto schema = EntitySchema::FromString(text, "entities.yaml");
  EXPECT_FALSE(schema.ok()) << text;
  return schema.ok() ? "" : std::string(schema.status().message());
}

TEST(EntitySchemaTest, ReadsKeysTypesHistoryAndLinks) {
  auto schema = EntitySchema::FromString(kGood, "entities.yaml");
  ASSERT_TRUE(schema.ok()) << schema.status();
  const EntityDef* e = schema->Find("store_day");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->key, (std::vector<std::string>{"store", "day"}));
  ASSERT_EQ(e->attributes.size(), 3u);
  EXPECT_EQ(e->Find("day")->type, AttributeType::kDate);
  EXPECT_TRUE(e->Find("staff_on_shift")->history);
  EXPECT_FALSE(e->Find("store")->history);
  ASSERT_EQ(e->links.size(), 2u);
  EXPECT_EQ(e->links[1].feedback_field, "occurred_day");
  EXPECT_EQ(e->links[1].attribute, "day");
  EXPECT_EQ(schema->Find("nothing"), nullptr);
  EXPECT_FALSE(schema->version().empty());
}

TEST(EntitySchemaTest, TheShippedSchemaLoadsWithTheDemoEntities) {
  auto schema = EntitySchema::Load("config/entities.yaml");
  ASSERT_TRUE(schema.ok()) << schema.status();
  for (const char* name : {"vehicle", "order", "store_day", "app_build", "customer"}) {
    EXPECT_NE(schema->Find(name), nullptr) << name;
  }
  EXPECT_EQ(schema->Find("vehicle")->Find("compressor_supplier")->type, AttributeType::kString);
}

TEST(EntitySchemaTest, MistakesAreRefusedWithTheirLine) {
  // An unknown type, on line 6.
  EXPECT_EQ(ErrorOf("entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n"
                    "      build_date: datetime\n    link: {vin: vin}\n"),
            "entities.yaml:6: entities.vehicle.attributes.build_date: unknown type 'datetime' "
            "(string, int, float, date, timestamp, bool)");
  // A key that is not an attribute, on line 3.
  EXPECT_EQ(ErrorOf("entities:\n  vehicle:\n    key: vim\n    attributes:\n      vin: string\n    link: {vin: vin}\n"),
            "entities.yaml:3: entities.vehicle.key: 'vim' is not one of its attributes");
  // A link that does not give the whole key.
  EXPECT_EQ(ErrorOf("entities:\n  store_day:\n    key: [store, day]\n    attributes:\n      store: string\n"
                    "      day: date\n    link: {store: store}\n"),
            "entities.yaml:7: entities.store_day.link: no feedback field gives key attribute 'day'");
  // An unknown field of an entity.
  EXPECT_EQ(ErrorOf("entities:\n  vehicle:\n    key: vin\n    histroy: true\n    attributes:\n      vin: string\n"
                    "    link: {vin: vin}\n"),
            "entities.yaml:4: unknown key 'histroy' in entities.vehicle (allowed: description, key, attributes, link, lookup)");
  // history that is not a boolean.
  EXPECT_EQ(ErrorOf("entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n"
                    "      supplier: {type: string, history: sometimes}\n    link: {vin: vin}\n"),
            "entities.yaml:6: entities.vehicle.attributes.supplier.history must be true or false");
  // A float key, a history key.
  EXPECT_NE(ErrorOf("entities:\n  x:\n    key: v\n    attributes:\n      v: float\n    link: {v: v}\n")
                .find("entities.yaml:3: entities.x.key: 'v' is a float"),
            std::string::npos);
  EXPECT_NE(ErrorOf("entities:\n  x:\n    key: v\n    attributes:\n      v: {type: string, history: true}\n"
                    "    link: {v: v}\n")
                .find("entities.yaml:3:"),
            std::string::npos);
  // A bad entity name, a YAML syntax error, an empty file.
  EXPECT_NE(ErrorOf("entities:\n  Vehicle:\n    key: vin\n    attributes: {vin: string}\n    link: {vin: vin}\n")
                .find("entities.yaml:2: entity name 'Vehicle'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("entities:\n  vehicle: [\n").find("entities.yaml:"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("entities"), std::string::npos);
  EXPECT_NE(ErrorOf("entities: {}\n").find("entities must be a non-empty map"), std::string::npos);
}

// Issue 13: `lookup` joins a feedback without the link's fields to every
// row whose attribute equals one of its fields (a customer's vehicles).
TEST(EntitySchemaTest, ALookupNamesAnyAttributeAndIsChecked) {
  auto schema = EntitySchema::Load("config/entities.yaml");
  ASSERT_TRUE(schema.ok()) << schema.status();
  const EntityDef* vehicle = schema->Find("vehicle");
  ASSERT_EQ(vehicle->lookups.size(), 1u);
  EXPECT_EQ(vehicle->lookups[0].feedback_field, "customer_id");
  EXPECT_EQ(vehicle->lookups[0].attribute, "owner_customer_id");
  EXPECT_TRUE(schema->Find("order")->lookups.empty());

  const std::string head = "entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n"
                           "      owner: string\n      weight: float\n    link: {vin: vin}\n";
  EXPECT_EQ(ErrorOf(head + "    lookup: {customer_id: owners}\n"),
            "entities.yaml:9: entities.vehicle.lookup.customer_id: 'owners' is not one of its attributes");
  EXPECT_EQ(ErrorOf(head + "    lookup: {vin: owner}\n"),
            "entities.yaml:9: entities.vehicle.lookup: 'vin' is already a link field");
  EXPECT_EQ(ErrorOf(head + "    lookup: {customer_id: weight}\n"),
            "entities.yaml:9: entities.vehicle.lookup.customer_id: 'weight' is a float; values are matched as text");
  EXPECT_NE(ErrorOf(head + "    lookup: owner\n").find("entities.yaml:9: entities.vehicle.lookup must map"),
            std::string::npos);
  EXPECT_TRUE(EntitySchema::FromString(head + "    lookup: {customer_id: owner}\n", "entities.yaml").ok());
}

TEST(EntitySchemaTest, AMissingFileSaysWhich) {
  auto schema = EntitySchema::Load("/nonexistent/entities.yaml");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("/nonexistent/entities.yaml"), std::string::npos);
}

}  // namespace
}  // namespace voc::entities
