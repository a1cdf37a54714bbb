#include "services/entities/row_check.h"

#include <gtest/gtest.h>

namespace voc::entities {
namespace {

EntityDef StoreDay() {
  auto schema = EntitySchema::Load("config/entities.yaml");
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *schema->Find("store_day");
}

EntityDef Build() { return *EntitySchema::Load("config/entities.yaml")->Find("app_build"); }

TEST(RowCheckTest, ValuesBecomeCanonicalTextSoTheSameValueIsStoredOnce) {
  const EntityDef build = Build();
  auto row = CheckRow(build, {{"version", "5.2.0"}, {"crash_free_rate", "0.9870"}, {"rolled_back", "TRUE"},
                              {"release_date", "2026-11-20"}, {"platform", ""}});
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->key, "5.2.0");
  EXPECT_EQ(row->Values(build).at("crash_free_rate"), "0.987");
  EXPECT_EQ(row->Values(build).at("rolled_back"), "true");
  EXPECT_EQ(row->Values(build).count("platform"), 0u);
  EXPECT_EQ(row->Cleared(build), (std::set<std::string>{"platform"}));

  const AttributeDef ts{"t", AttributeType::kTimestamp, false};
  EXPECT_EQ(CanonicalValue(ts, "2026-12-01T08:00:00+08:00").value(), "2026-12-01T00:00:00.000Z");
  const AttributeDef n{"n", AttributeType::kInt, false};
  EXPECT_EQ(CanonicalValue(n, "007").value(), "7");
}

TEST(RowCheckTest, BadKeysAndTypesAreRefusedNamingTheAttribute) {
  const EntityDef day = StoreDay();
  auto ok = CheckRow(day, {{"store", "S001"}, {"day", "2026-12-01"}, {"staff_on_shift", "4"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->key, "S001|2026-12-01");
  EXPECT_EQ(SplitKey(day, ok->key), (std::vector<std::string>{"S001", "2026-12-01"}));

  auto message = [&](std::map<std::string, std::string> values) {
    auto r = CheckRow(day, values);
    EXPECT_FALSE(r.ok());
    return std::string(r.status().message());
  };
  EXPECT_EQ(message({{"store", "S001"}}), "day: key value missing");
  EXPECT_EQ(message({{"store", ""}, {"day", "2026-12-01"}}), "store: key value must not be empty");
  EXPECT_EQ(message({{"store", "S001"}, {"day", "2026-02-30"}}), "day: not a date (YYYY-MM-DD): '2026-02-30'");
  EXPECT_EQ(message({{"store", "S001"}, {"day", "2026-12-01"}, {"staff_on_shift", "four"}}),
            "staff_on_shift: not a whole number: 'four'");
  EXPECT_EQ(message({{"store", "S|1"}, {"day", "2026-12-01"}}),
            "store: a value of a composite key must not contain '|'");
  EXPECT_EQ(message({{"store", "S001"}, {"day", "2026-12-01"}, {"weather", "rain"}}),
            "weather: unknown attribute of store_day (known: store, day, staff_on_shift, staff_planned, visitors)");
}

TEST(RowCheckTest, StoredKeyChecksTheKeyValuesOfGetEntity) {
  const EntityDef day = StoreDay();
  EXPECT_EQ(StoredKey(day, {"S001", "2026-12-01"}).value(), "S001|2026-12-01");
  EXPECT_EQ(StoredKey(day, {"S001"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(StoredKey(day, {"S001", "1.12.2026"}).status().message()),
            "key: day: not a date (YYYY-MM-DD): '1.12.2026'");
}

}  // namespace
}  // namespace voc::entities
