// `voc cases list`'s table: columns stay aligned on display width whatever
// the owner or title holds.
#include "cli/case_table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/util/time.h"
#include "common/util/utf8.h"

namespace voc::cli {
namespace {

v1::Case MakeCase(const std::string& id, const std::string& department, const std::string& person,
                  const std::string& title) {
  v1::Case c;
  c.set_id(id);
  c.set_priority(v1::PRIORITY_P2);
  c.set_state(v1::CASE_STATE_IN_PROGRESS);
  auto* owner = c.add_owners();
  owner->set_department(department);
  owner->set_person(person);
  c.set_title(title);
  return c;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The display column where `needle` starts in `line`.
std::size_t ColumnOf(const std::string& line, const std::string& needle) {
  const auto at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " not in: " << line;
  return DisplayWidth(std::string_view(line).substr(0, at));
}

TEST(CaseTableTest, ALongOwnerIsCutAndTheDueColumnStaysInPlace) {
  const TimePoint now = FromMillis(1772409600000LL);
  auto short_owner = MakeCase("c-1", "cs", "p-am", "late delivery");
  auto long_owner = MakeCase("c-2", "customer_success_north_east_region", "p-very-long-person-id",
                             "late delivery");
  const auto lines = Lines(FormatCaseTable({short_owner, long_owner}, now));
  ASSERT_EQ(lines.size(), 3u);
  const std::size_t due = ColumnOf(lines[0], "DUE");
  EXPECT_EQ(ColumnOf(lines[1], " - "), due - 1);
  EXPECT_EQ(ColumnOf(lines[2], " - "), due - 1) << lines[2];
  EXPECT_NE(lines[2].find("customer_success_north_e..."), std::string::npos) << lines[2];
  EXPECT_EQ(ColumnOf(lines[1], "late delivery"), ColumnOf(lines[0], "TITLE"));
  EXPECT_EQ(ColumnOf(lines[2], "late delivery"), ColumnOf(lines[0], "TITLE"));
}

TEST(CaseTableTest, ChineseOwnersAndTitlesAreMeasuredInColumnsNotBytes) {
  const TimePoint now = FromMillis(1772409600000LL);
  // 13 wide characters and a person: 29 columns, more than the owner column
  // holds, and 43 bytes, which a byte count would cut inside a character.
  auto wide = MakeCase("c-3", "客户成功部华东区域大客户组", "王", "快递三天还没到，太慢了");
  const auto lines = Lines(FormatCaseTable({wide}, now));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(IsValidUtf8(lines[1]));
  EXPECT_EQ(ColumnOf(lines[1], " - "), ColumnOf(lines[0], "DUE") - 1) << lines[1];
  EXPECT_EQ(ColumnOf(lines[1], "快递三天还没到，太慢了"), ColumnOf(lines[0], "TITLE"));
  EXPECT_EQ(lines[1].find("P2 "), 18u);
  EXPECT_NE(lines[1].find("in_progress"), std::string::npos);
}

TEST(CaseTableTest, ACaseWithoutOwnerOrPriorityShowsDashes) {
  v1::Case c;
  c.set_id("c-4");
  c.set_state(v1::CASE_STATE_OPEN);
  const auto lines = Lines(FormatCaseTable({c}, FromMillis(0)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("c-4" + std::string(15, ' ') + "-   open", 0), 0u) << lines[1];
}

}  // namespace
}  // namespace voc::cli
