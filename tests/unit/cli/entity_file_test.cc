// `voc data import` file reading (issue 13): CSV with a header, JSONL of
// flat objects, rows that cannot be read reported with their line.
#include "cli/entity_file.h"

#include <gtest/gtest.h>

#include <sstream>

namespace voc::cli {
namespace {

std::vector<EntityFileRow> ReadAll(const std::string& text, ImportFormat format, std::string* fatal = nullptr,
                                   std::vector<std::string>* header = nullptr) {
  std::istringstream in(text);
  EntityFileReader reader(in, format);
  std::vector<EntityFileRow> rows;
  EntityFileRow row;
  while (reader.Next(&row)) rows.push_back(row);
  if (fatal) *fatal = reader.fatal_error();
  if (header) *header = reader.header();
  return rows;
}

TEST(EntityFileTest, CsvRowsCarryTheirLineAndCellsInTheHeadersOrder) {
  std::vector<std::string> header;
  const auto rows = ReadAll(
      "vin,model,note\nLVV1,E7,\"two\nlines\"\n\nLVV2,E5,\nLVV3,E5\n", ImportFormat::kCsv, nullptr, &header);
  EXPECT_EQ(header, (std::vector<std::string>{"vin", "model", "note"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"LVV1", "E7", "two\nlines"}));
  EXPECT_EQ(rows[1].line, 5);
  EXPECT_EQ(rows[1].cells[2], "");  // empty: clears the attribute
  EXPECT_EQ(rows[2].line, 6);
  EXPECT_EQ(rows[2].error, "has 2 fields, the header 3");
}

TEST(EntityFileTest, ACsvWithoutAUsableHeaderIsRefusedAsAWhole) {
  std::string fatal;
  EXPECT_TRUE(ReadAll("", ImportFormat::kCsv, &fatal).empty());
  EXPECT_NE(fatal.find("empty"), std::string::npos);
  EXPECT_TRUE(ReadAll("vin,vin\nA,B\n", ImportFormat::kCsv, &fatal).empty());
  EXPECT_EQ(fatal, "line 1: the header names 'vin' twice");
}

TEST(EntityFileTest, JsonlValuesBecomeTextAndNestedValuesAreRefused) {
  const auto rows = ReadAll(
      "{\"vin\":\"LVV1\",\"doors\":4,\"rate\":0.5,\"electric\":true,\"note\":null}\n"
      "\n"
      "{\"vin\":\"LVV2\",\"parts\":[1,2]}\n"
      "not json\n",
      ImportFormat::kJsonl);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_TRUE(rows[0].ok()) << rows[0].error;
  EXPECT_EQ(rows[0].values.at("doors"), "4");
  EXPECT_EQ(rows[0].values.at("rate"), "0.5");
  EXPECT_EQ(rows[0].values.at("electric"), "true");
  EXPECT_EQ(rows[0].values.at("note"), "");
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_EQ(rows[1].error, "parts: must be a string, number, boolean or null");
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_NE(rows[2].error.find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace voc::cli
