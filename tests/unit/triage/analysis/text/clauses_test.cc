#include "services/triage/analysis/text/clauses.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voc::triage::text {
namespace {

std::vector<std::string> Clauses(std::string_view text) {
  std::vector<std::string> out;
  for (const ClauseSpan& c : SplitClauses(text)) out.emplace_back(text.substr(c.begin, c.end - c.begin));
  return out;
}

TEST(ClausesTest, SplitsOnChinesePunctuationAndCommas) {
  EXPECT_EQ(Clauses("便宜,送餐快,难吃"), (std::vector<std::string>{"便宜", "送餐快", "难吃"}));
  EXPECT_EQ(Clauses("味道一般。送的时间太长了!!包装还不错"),
            (std::vector<std::string>{"味道一般", "送的时间太长了", "包装还不错"}));
  EXPECT_EQ(Clauses("房间小、吵;早餐凉"), (std::vector<std::string>{"房间小", "吵", "早餐凉"}));
}

TEST(ClausesTest, ContrastConnectiveOpensTheNextClause) {
  EXPECT_EQ(Clauses("价格便宜但是很难吃"), (std::vector<std::string>{"价格便宜", "但是很难吃"}));
  EXPECT_EQ(Clauses("东西好吃不过送得太慢"), (std::vector<std::string>{"东西好吃", "不过送得太慢"}));
  EXPECT_EQ(Clauses("环境好却很吵"), (std::vector<std::string>{"环境好", "却很吵"}));
  EXPECT_EQ(Clauses("the food was great but the delivery was late"),
            (std::vector<std::string>{"the food was great", "but the delivery was late"}));
  EXPECT_EQ(Clauses("nice crew. however, we sat for 2 hours"),
            (std::vector<std::string>{"nice crew", "however", "we sat for 2 hours"}));
}

TEST(ClausesTest, ConnectiveLookalikesDoNotSplit) {
  // 不但 (not only), 不过分 (not excessive), 冷却 (cooling), "butter".
  EXPECT_EQ(Clauses("不但贵而且难吃"), (std::vector<std::string>{"不但贵而且难吃"}));
  EXPECT_EQ(Clauses("这个价格一点都不过分"), (std::vector<std::string>{"这个价格一点都不过分"}));
  EXPECT_EQ(Clauses("冷却系统有问题"), (std::vector<std::string>{"冷却系统有问题"}));
  EXPECT_EQ(Clauses("the butter was rancid"), (std::vector<std::string>{"the butter was rancid"}));
  // A connective at the very start opens the first clause, it does not make an empty one.
  EXPECT_EQ(Clauses("但是太慢了"), (std::vector<std::string>{"但是太慢了"}));
}

TEST(ClausesTest, NumbersAndEnglishSpacesStayWhole) {
  EXPECT_EQ(Clauses("花了1,000元买了3.5斤"), (std::vector<std::string>{"花了1,000元买了3.5斤"}));
  EXPECT_EQ(Clauses("on hold for 2 hours"), (std::vector<std::string>{"on hold for 2 hours"}));
  // A space between Han characters is a comma.
  EXPECT_EQ(Clauses("质量差 很失望"), (std::vector<std::string>{"质量差", "很失望"}));
  EXPECT_TRUE(Clauses("").empty());
  EXPECT_TRUE(Clauses(",,。!").empty());
}

TEST(ClausesTest, ClauseIndexAtFindsTheHoldingClause) {
  const std::string text = "便宜,送餐快,难吃";
  const auto clauses = SplitClauses(text);
  ASSERT_EQ(clauses.size(), 3u);
  EXPECT_EQ(ClauseIndexAt(clauses, text.find("送餐")), 1u);
  EXPECT_EQ(ClauseIndexAt(clauses, text.find("难吃")), 2u);
  EXPECT_EQ(ClauseIndexAt(clauses, 0), 0u);
}

TEST(ClausesTest, NegationScope) {
  const auto negated = [](std::string_view text, std::string_view term) {
    const auto clauses = SplitClauses(text);
    const std::size_t at = text.find(term);
    return InNegationScope(text, clauses[ClauseIndexAt(clauses, at)], at);
  };
  EXPECT_TRUE(negated("包装没有破损", "破损"));
  EXPECT_TRUE(negated("没有任何破损", "破损"));
  EXPECT_FALSE(negated("包装破损了", "破损"));
  EXPECT_FALSE(negated("没有破损,但是很慢", "很慢"));  // the scope ends with the clause
  EXPECT_FALSE(negated("菜不好吃", "不好吃"));          // the negator is part of the term
  EXPECT_TRUE(negated("no one was injured", "injured"));
  EXPECT_TRUE(negated("the bag was not damaged", "damaged"));
  EXPECT_TRUE(negated("it wasn't delayed", "delayed"));
  EXPECT_FALSE(negated("my bag was damaged", "damaged"));
}

}  // namespace
}  // namespace voc::triage::text
