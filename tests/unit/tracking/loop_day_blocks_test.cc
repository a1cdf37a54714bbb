// LoopDayBlocksCovering (services/tracking/store/loop_rollup_store.h): the
// blocks a Loop report sums its duration histograms from must cover the
// range's opening days exactly once, and few of them.
#include <gtest/gtest.h>

#include <map>

#include "services/tracking/store/loop_rollup_store.h"

namespace voc::tracking {
namespace {

// How often each day is covered by the blocks.
std::map<std::int64_t, int> Coverage(const std::vector<LoopDayBlocks>& runs) {
  std::map<std::int64_t, int> covered;
  for (const LoopDayBlocks& run : runs) {
    for (std::int64_t block = run.first_block; block <= run.last_block; ++block) {
      for (std::int64_t day = block << run.span; day < (block + 1) << run.span; ++day) ++covered[day];
    }
  }
  return covered;
}

TEST(LoopDayBlocksTest, EveryRangeIsCoveredExactlyOnceByFewBlocks) {
  // Day 20,400 is in 2025; ranges of every length up to the report's 366
  // days, starting at every offset within a 64-day block.
  for (std::int64_t first = 20400; first < 20400 + 64; ++first) {
    for (std::int64_t length = 1; length <= 366; ++length) {
      const std::int64_t last = first + length - 1;
      const std::vector<LoopDayBlocks> runs = LoopDayBlocksCovering(first, last);
      const std::map<std::int64_t, int> covered = Coverage(runs);
      ASSERT_EQ(covered.size(), static_cast<std::size_t>(length)) << first << ".." << last;
      EXPECT_EQ(covered.begin()->first, first);
      EXPECT_EQ(covered.rbegin()->first, last);
      int blocks = 0;
      for (const auto& [day, times] : covered) ASSERT_EQ(times, 1) << "day " << day << " in " << first << ".." << last;
      for (const LoopDayBlocks& run : runs) blocks += static_cast<int>(run.last_block - run.first_block + 1);
      // At most one block of each smaller size on either side of the
      // 64-day blocks, so at most thirteen runs.
      EXPECT_LE(blocks, length / 64 + 12) << first << ".." << last;
      EXPECT_LE(runs.size(), 13u) << first << ".." << last;
    }
  }
}

TEST(LoopDayBlocksTest, AlignedRangesAreOneBlock) {
  EXPECT_EQ(LoopDayBlocksCovering(64 * 320, 64 * 321 - 1), (std::vector<LoopDayBlocks>{{6, 320, 320}}));
  EXPECT_EQ(LoopDayBlocksCovering(16 * 5, 16 * 6 - 1), (std::vector<LoopDayBlocks>{{4, 5, 5}}));
  EXPECT_EQ(LoopDayBlocksCovering(7, 7), (std::vector<LoopDayBlocks>{{0, 7, 7}}));
  // 5..12: day 5, the 2-day block 6..7, the 4-day block 8..11, then 12.
  EXPECT_EQ(LoopDayBlocksCovering(5, 12),
            (std::vector<LoopDayBlocks>{{0, 5, 5}, {1, 3, 3}, {2, 2, 2}, {0, 12, 12}}));
}

}  // namespace
}  // namespace voc::tracking
