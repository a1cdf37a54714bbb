#include "tools/load/process_memory.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace voc::load {
namespace {

TEST(ProcessMemoryTest, ReadsThisProcessResidentMemory) {
  const auto kb = ResidentKb(getpid());
  ASSERT_TRUE(kb.ok()) << kb.status();
  EXPECT_GT(*kb, 0);
}

TEST(ProcessMemoryTest, AGoneProcessIsNotFound) {
  // pid_max is at most 2^22 on Linux.
  EXPECT_EQ(ResidentKb(1 << 23).status().code(), absl::StatusCode::kNotFound);
}

TEST(ProcessMemoryTest, FindsThisTestByItsProgramName) {
  const auto pids = FindProcesses("load_tool_unit_test");
  EXPECT_NE(std::find(pids.begin(), pids.end(), getpid()), pids.end());
}

TEST(ProcessMemoryTest, ParsesPidListsAndPidFiles) {
  const auto listed = ParsePidList("voc-ingest=12,voc-triage=34");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->at("voc-ingest"), 12);
  EXPECT_EQ(listed->at("voc-triage"), 34);
  const auto file = ParsePidList("redis-server=1\nvoc-ingest=2\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->size(), 2u);
  EXPECT_EQ(ParsePidList("voc-ingest").status().message(), "pids: 'voc-ingest' is not name=pid");
  EXPECT_FALSE(ParsePidList("voc-ingest=x").ok());
  EXPECT_FALSE(ParsePidList("=5").ok());
}

}  // namespace
}  // namespace voc::load
