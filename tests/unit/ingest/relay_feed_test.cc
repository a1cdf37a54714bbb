// RelayFeed alone: what it hands out continues the watermark exactly, and
// whatever it cannot vouch for (a gap, a stale erasure generation, a full
// feed) is left to the table.
#include "services/ingest/store/relay_feed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voc::ingest {
namespace {

std::vector<RelayFeed::Row> Rows(std::int64_t first, int n) {
  std::vector<RelayFeed::Row> rows;
  for (int i = 0; i < n; ++i) rows.push_back({first + i, {{"feedback_id", "f" + std::to_string(first + i)}}});
  return rows;
}

std::vector<std::int64_t> RowIds(const RelayFeed::Taken& taken) {
  std::vector<std::int64_t> ids;
  for (const auto& row : taken.rows) ids.push_back(row.rowid);
  return ids;
}

TEST(RelayFeedTest, TakesRowsThatContinueTheWatermarkAcrossCommits) {
  RelayFeed feed(100);
  feed.Push(Rows(1, 3), 0);
  feed.Push(Rows(4, 2), 0);
  auto taken = feed.Take(0, 4, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_FALSE(taken.gap);
  EXPECT_EQ(taken.rows[3].message.at("feedback_id"), "f4");
  EXPECT_EQ(feed.rows(), 1u);
  taken = feed.Take(4, 10, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{5}));
  EXPECT_FALSE(taken.gap) << "nothing left behind";
  EXPECT_EQ(feed.rows(), 0u);
}

TEST(RelayFeedTest, StopsAtAGapAndSaysSo) {
  RelayFeed feed(100);
  feed.Push(Rows(1, 2), 0);
  feed.Push(Rows(5, 2), 0);  // 3 and 4 were committed but never pushed
  auto taken = feed.Take(0, 10, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(taken.gap);
  // Nothing at the front continues 2: the caller reads the table.
  taken = feed.Take(2, 10, 0);
  EXPECT_TRUE(taken.rows.empty());
  EXPECT_TRUE(taken.gap);
  // Once the table gave 3..4, the feed goes on from 5.
  taken = feed.Take(4, 10, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{5, 6}));
}

TEST(RelayFeedTest, APushThatArrivesLateIsTakenInRowidOrder) {
  RelayFeed feed(100);
  feed.Push(Rows(3, 2), 0);
  feed.Push(Rows(1, 2), 0);  // committed first, pushed second
  EXPECT_EQ(RowIds(feed.Take(0, 10, 0)), (std::vector<std::int64_t>{1, 2, 3, 4}));
}

TEST(RelayFeedTest, DropsRowsAtOrBelowTheWatermark) {
  RelayFeed feed(100);
  feed.Push(Rows(1, 5), 0);
  // The table already gave 1..3 (the push came after a read of the table).
  auto taken = feed.Take(3, 10, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(feed.rows(), 0u);
}

TEST(RelayFeedTest, RowsPushedBeforeAnErasureAreDroppedNotHandedOut) {
  RelayFeed feed(100);
  feed.Push(Rows(1, 2), 0);
  feed.Push(Rows(3, 2), 1);  // pushed after the erasure
  auto taken = feed.Take(0, 10, 1);
  EXPECT_TRUE(taken.rows.empty()) << "1..2 may hold erased text: the table has them as they are now";
  EXPECT_TRUE(taken.gap);
  EXPECT_EQ(feed.rows(), 2u);
  EXPECT_EQ(RowIds(feed.Take(2, 10, 1)), (std::vector<std::int64_t>{3, 4}));
}

TEST(RelayFeedTest, HoldsAtMostItsBound) {
  RelayFeed feed(4);
  feed.Push(Rows(1, 3), 0);
  feed.Push(Rows(4, 3), 0);  // would make 6: dropped whole
  EXPECT_EQ(feed.rows(), 3u);
  auto taken = feed.Take(0, 10, 0);
  EXPECT_EQ(RowIds(taken), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(taken.gap) << "4..6 were dropped: the caller reads them from the table";
  EXPECT_TRUE(feed.Take(3, 10, 0).gap);
  EXPECT_FALSE(feed.Take(6, 10, 0).gap) << "once the table gave them";
  feed.Push(Rows(7, 4), 0);
  EXPECT_EQ(feed.rows(), 4u);
}

TEST(RelayFeedTest, HoldsAtMostItsBytes) {
  RelayFeed feed(100, 12);  // "f1".."f9": 2 bytes a row
  feed.Push(Rows(1, 5), 0);
  EXPECT_EQ(feed.bytes(), 10u);
  feed.Push(Rows(6, 2), 0);  // would make 14: dropped
  EXPECT_EQ(feed.rows(), 5u);
  auto taken = feed.Take(0, 2, 0);
  EXPECT_EQ(feed.bytes(), 6u);
  EXPECT_TRUE(feed.Take(2, 10, 0).gap) << "6..7 were dropped";
  EXPECT_EQ(feed.bytes(), 0u);
}

TEST(RelayFeedTest, ALimitSplitsAnEntry) {
  RelayFeed feed(100);
  feed.Push(Rows(1, 5), 0);
  EXPECT_EQ(RowIds(feed.Take(0, 2, 0)), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(RowIds(feed.Take(2, 2, 0)), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(RowIds(feed.Take(4, 2, 0)), (std::vector<std::int64_t>{5}));
}

}  // namespace
}  // namespace voc::ingest
