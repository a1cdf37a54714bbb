// Test helper: two similar-complaint indexes show the same clusters (what a
// restart must keep): the same counts, and for every cluster of `expected`
// the same size, first/last seen, kept members and topic counts.
#pragma once

#include <gtest/gtest.h>

#include "services/triage/analysis/clusters/similar_complaints.h"

namespace voc::triage {

inline void ExpectSameClusters(const ClusterIndex& actual, const ClusterIndex& expected) {
  EXPECT_EQ(actual.member_count(), expected.member_count());
  EXPECT_EQ(actual.cluster_count(), expected.cluster_count());
  for (const auto& cluster : expected.List(1)) {
    const auto again = actual.Get(cluster.id);
    ASSERT_TRUE(again.has_value()) << cluster.id;
    EXPECT_EQ(again->size, cluster.size) << cluster.id;
    EXPECT_EQ(again->first_seen, cluster.first_seen) << cluster.id;
    EXPECT_EQ(again->last_seen, cluster.last_seen) << cluster.id;
    EXPECT_EQ(again->member_ids, cluster.member_ids) << cluster.id;
    EXPECT_EQ(again->topic_counts, cluster.topic_counts) << cluster.id;
  }
}

}  // namespace voc::triage
