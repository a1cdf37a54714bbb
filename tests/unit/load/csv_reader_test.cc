#include "tools/load/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace voc::load {
namespace {

using Records = std::vector<std::vector<std::string>>;

absl::StatusOr<Records> ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvRecords reader(in);
  Records out;
  while (true) {
    auto record = reader.Next();
    if (!record.ok()) return record.status();
    if (!*record) return out;
    out.push_back(**record);
  }
}

TEST(LoadCsvReaderTest, ReadsPlainQuotedAndEmptyFields) {
  const auto records = ReadAll("label,text,topic\r\nnegative,\"late, \"\"cold\"\"\",\npositive,好吃,x\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(*records, (Records{{"label", "text", "topic"}, {"negative", "late, \"cold\"", ""}, {"positive", "好吃", "x"}}));
}

TEST(LoadCsvReaderTest, KeepsLineBreaksInsideQuotesAndSkipsBlankLines) {
  std::istringstream in("\xEF\xBB\xBFtext\n\n\"two\nlines\"\nlast");
  CsvRecords reader(in);
  EXPECT_EQ(**reader.Next(), std::vector<std::string>{"text"});
  EXPECT_EQ(**reader.Next(), std::vector<std::string>{"two\nlines"});
  EXPECT_EQ(reader.line(), 3);
  EXPECT_EQ(**reader.Next(), std::vector<std::string>{"last"});  // no final line break
  EXPECT_EQ(reader.line(), 5);
  EXPECT_FALSE(reader.Next()->has_value());
}

TEST(LoadCsvReaderTest, NamesTheLineOfAMalformedRecord) {
  EXPECT_EQ(ReadAll("a\n\"open\n").status().message(), "line 2: a quote is never closed");
  EXPECT_EQ(ReadAll("a\nb\n\"x\"y\n").status().message(), "line 3: text after a closing quote");
}

}  // namespace
}  // namespace voc::load
