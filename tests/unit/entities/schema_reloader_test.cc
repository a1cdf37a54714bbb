// Reloading config/entities.yaml: a valid edit is swapped in, a refused one
// keeps the schema in force (and says the file and line), and the same
// broken text is reported once.
#include "services/entities/schema_reloader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/servers.h"

namespace voc::entities {
namespace {

constexpr char kOne[] = "entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n    link: {vin: vin}\n";
constexpr char kTwo[] =
    "entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: string\n      model: string\n"
    "    link: {vin: vin}\n";
constexpr char kBroken[] =
    "entities:\n  vehicle:\n    key: vin\n    attributes:\n      vin: strng\n    link: {vin: vin}\n";

TEST(SchemaReloaderTest, AValidEditIsSwappedInAndARefusedOneKeepsTheSchemaInForce) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/entities.yaml";
  std::ofstream(path) << kOne;
  SchemaHolder holder(std::make_shared<const EntitySchema>(*EntitySchema::FromString(kOne, path)));
  SchemaReloader reloader(path, holder, kOne);
  const auto first = holder.Get();

  EXPECT_TRUE(reloader.CheckOnce().ok());  // unchanged
  EXPECT_EQ(holder.Get(), first);

  std::ofstream(path) << kTwo;
  ASSERT_TRUE(reloader.CheckOnce().ok());
  const auto second = holder.Get();
  ASSERT_NE(second, first);
  EXPECT_NE(second->Find("vehicle")->Find("model"), nullptr);
  // Whoever held the first schema (an import under way) still has it whole.
  EXPECT_EQ(first->Find("vehicle")->Find("model"), nullptr);

  std::ofstream(path) << kBroken;
  const absl::Status refused = reloader.CheckOnce();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find(path + ":5: entities.vehicle.attributes.vin: unknown type 'strng'"),
            std::string::npos)
      << refused;
  EXPECT_EQ(holder.Get(), second);
  EXPECT_TRUE(reloader.CheckOnce().ok());  // the same broken text: reported once
  EXPECT_EQ(holder.Get(), second);
}

}  // namespace
}  // namespace voc::entities
