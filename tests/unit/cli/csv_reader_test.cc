#include "cli/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace voc::cli {
namespace {

struct Read {
  std::vector<CsvRecord> records;
  std::vector<std::pair<int, std::string>> errors;  // line, error
};

Read ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  Read read;
  CsvRecord record;
  std::string error;
  while (reader.Next(&record, &error)) {
    if (error.empty()) {
      read.records.push_back(record);
    } else {
      read.errors.emplace_back(record.line, error);
    }
  }
  return read;
}

using Fields = std::vector<std::string>;

TEST(CsvReaderTest, PlainFieldsAndLineEnds) {
  auto read = ReadAll("a,b,c\r\n1,,3\n");
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(read.records[1].fields, (Fields{"1", "", "3"}));
  EXPECT_EQ(read.records[1].line, 2);
}

TEST(CsvReaderTest, LastLineWithoutNewline) {
  auto read = ReadAll("a,b\nc,d");
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[1].fields, (Fields{"c", "d"}));
}

TEST(CsvReaderTest, QuotedCommasQuotesAndNewlines) {
  auto read = ReadAll("id,text\n1,\"He said \"\"no\"\", then, left\"\n2,\"line one\r\nline two\"\n3,\"\"\n");
  ASSERT_EQ(read.records.size(), 4u);
  EXPECT_EQ(read.records[1].fields, (Fields{"1", "He said \"no\", then, left"}));
  EXPECT_EQ(read.records[2].fields, (Fields{"2", "line one\r\nline two"}));
  EXPECT_EQ(read.records[2].line, 3);
  EXPECT_EQ(read.records[3].fields, (Fields{"3", ""}));
  EXPECT_EQ(read.records[3].line, 5);  // the embedded newline moved it down
}

TEST(CsvReaderTest, ChineseTextAndBom) {
  auto read = ReadAll("\xEF\xBB\xBFid,text\n1,\"快递太慢，差评\"\n");
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[0].fields[0], "id");
  EXPECT_EQ(read.records[1].fields[1], "快递太慢，差评");
}

TEST(CsvReaderTest, SkipsBlankLines) {
  auto read = ReadAll("a\n\n\r\nb\n");
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[1].line, 4);
}

TEST(CsvReaderTest, ReportsMalformedRecordsAndGoesOn) {
  auto read = ReadAll("a,b\nx\"y,1\n\"ok\"junk,2\nfine,3\n");
  ASSERT_EQ(read.errors.size(), 2u);
  EXPECT_EQ(read.errors[0].first, 2);
  EXPECT_NE(read.errors[0].second.find("quote inside an unquoted field"), std::string::npos);
  EXPECT_EQ(read.errors[1].first, 3);
  EXPECT_NE(read.errors[1].second.find("after a closing quote"), std::string::npos);
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[1].fields, (Fields{"fine", "3"}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesWhereItOpened) {
  auto read = ReadAll("a,b\n1,\"never closed\nmore\n");
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].first, 2);
  EXPECT_NE(read.errors[0].second.find("opened on line 2"), std::string::npos);
}

}  // namespace
}  // namespace voc::cli
