#include <gtest/gtest.h>

#include "common/util/ids.h"
#include "proto/api/resource_names.h"
#include "common/util/utf8.h"

namespace voc {
namespace {

TEST(Utf8Test, AcceptsChineseEnglishAndEmoji) {
  EXPECT_TRUE(IsValidUtf8("快递三天没到 delivery late 😡"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));                // never valid
  EXPECT_FALSE(IsValidUtf8("\xe5\xbf"));            // truncated 3-byte sequence
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));            // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));        // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));    // above U+10FFFF
}

TEST(IdsTest, StableIdsAreStableAndDistinct) {
  EXPECT_EQ(StableId("callback:abc"), StableId("callback:abc"));
  EXPECT_NE(StableId("callback:abc"), StableId("redline:abc"));
  EXPECT_EQ(StableId("x").size(), 16u);
  EXPECT_NE(NewId(), NewId());
}

TEST(IdsTest, IdFromNameAcceptsBareIdsAndRejectsOtherCollections) {
  EXPECT_EQ(api::IdFromName("cases/123", "cases/"), "123");
  EXPECT_EQ(api::IdFromName("123", "cases/"), "123");
  EXPECT_EQ(api::IdFromName("projects/123", "cases/"), "");
}

}  // namespace
}  // namespace voc
