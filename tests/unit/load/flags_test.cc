#include "tools/load/flags.h"

#include <gtest/gtest.h>

namespace voc::load {
namespace {

TEST(LoadFlagsTest, ReadsSubmitOptionsInBothSpellings) {
  const auto o = ParseOptions("submit", {"--target", "127.0.0.1:7101", "--in-flight=64", "--seconds", "2.5",
                                         "--csv", "a.csv", "--text-column", "review", "--with-echo"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->target, "127.0.0.1:7101");
  EXPECT_EQ(o->in_flight, 64);
  EXPECT_DOUBLE_EQ(o->seconds, 2.5);
  EXPECT_EQ(o->csv, "a.csv");
  EXPECT_EQ(o->text_column, "review");
  EXPECT_TRUE(o->with_echo);
}

TEST(LoadFlagsTest, BatchDefaultsToBatchesOf500) {
  const auto o = ParseOptions("batch", {"--target", "x:1", "--count", "1000", "--csv", "a.csv"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->batch_size, 500);
  EXPECT_EQ(o->count, 1000);
}

TEST(LoadFlagsTest, SoakTakesTotalAndSamples) {
  const auto o = ParseOptions("soak", {"--ingest", "x:1", "--total", "1000000", "--rate", "5000", "--csv", "a.csv",
                                       "--samples", "out.csv", "--pids", "ingest=1"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->count, 1000000);
  EXPECT_DOUBLE_EQ(o->rate, 5000);
  EXPECT_EQ(o->samples_csv, "out.csv");
}

TEST(LoadFlagsTest, RefusesWhatItCannotRun) {
  auto error = [](const std::string& mode, const std::vector<std::string>& args) {
    const auto o = ParseOptions(mode, args);
    return o.ok() ? std::string("accepted") : std::string(o.status().message());
  };
  EXPECT_EQ(error("echo", {"--in-flight", "8"}), "--count or --seconds is required");
  EXPECT_EQ(error("echo", {"--count", "ten"}), "--count: 'ten' is not a number");
  EXPECT_EQ(error("echo", {"--count", "10", "--in-flight", "0"}), "--in-flight must be at least 1");
  EXPECT_EQ(error("echo", {"--count", "10", "--bogus", "1"}), "unknown option --bogus");
  EXPECT_EQ(error("echo", {"--count"}), "--count needs a value");
  EXPECT_EQ(error("submit", {"--count", "10", "--csv", "a.csv"}), "--target is required");
  EXPECT_EQ(error("e2e", {"--ingest", "x:1", "--count", "10", "--csv", "a.csv"}), "--tracking is required");
  EXPECT_EQ(error("soak", {"--ingest", "x:1", "--csv", "a.csv"}), "--total is required");
  EXPECT_EQ(error("submit", {"--target", "x:1", "--count", "1", "--csv", "a", "--channel", "fax"}).rfind(
                "--channel must be one of", 0),
            0u);
}

}  // namespace
}  // namespace voc::load
