#include "tools/load/corpus.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/servers.h"

namespace voc::load {
namespace {

class CorpusTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_.path() + "/corpus.csv";
    std::ofstream(path) << text;
    return path;
  }
  voc::testing::TempDir dir_;
};

TEST_F(CorpusTest, ReadsTheNamedColumnSkippingEmptyTexts) {
  const auto path = Write("label,text,topic\npositive,很快，好吃,\nnegative,,x\nnegative,\"late, and \"\"cold\"\"\",Late Flight\n");
  const auto texts = LoadTexts(path, "text");
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_EQ(*texts, (std::vector<std::string>{"很快，好吃", "late, and \"cold\""}));
}

TEST_F(CorpusTest, StopsAtTheLimit) {
  const auto texts = LoadTexts(Write("text\na\nb\nc\n"), "text", 2);
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_EQ(texts->size(), 2u);
}

TEST_F(CorpusTest, NamesWhatIsWrong) {
  EXPECT_EQ(LoadTexts(dir_.path() + "/missing.csv", "text").status().code(), absl::StatusCode::kNotFound);
  const auto no_column = LoadTexts(Write("label,review\na,b\n"), "text");
  EXPECT_EQ(no_column.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_column.status().message().find("no column named 'text'"), std::string::npos);
  EXPECT_EQ(LoadTexts(Write("text\n\n"), "text").status().code(), absl::StatusCode::kInvalidArgument);
  const auto malformed = LoadTexts(Write("text\n\"never closed\n"), "text");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::load
