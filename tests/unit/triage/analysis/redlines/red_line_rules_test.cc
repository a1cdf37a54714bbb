// The context rules of the red-line file, one false-alarm kind of issue 10 at
// a time, each next to the right reading of the same word.
#include <gtest/gtest.h>

#include <string>

#include "services/triage/analysis/redlines/red_lines.h"

namespace voc::triage {
namespace {

constexpr const char* kRules = R"(version: rules-test
contexts:
  food: [吃, 饭, 菜, 汤, 外卖]
  go_public: [找, 联系, 曝光]
categories:
  safety:
    - {term: 着火, except: [着火车]}   # the segmenter reads 紧挨|着火|车站
    - 电到
    - {term: 过敏, compounds: [皮肤过敏]}
    - 受伤
    - {term: 炸了, except: [气炸了, 油炸了]}
    - {term: "hospitali*", except: [hospitality]}
    - {term: injury, except: [insult to injury]}
    - injured
    - term: 蟑螂
      with: food
      near: 8
      otherwise: {level: watch, priority: P2, department: operations}
  legal:
    - {term: fraud, except: [fraud alert]}
    - {term: 律师, with: go_public, near: 4}
  regulatory:
    - {term: "315", number: true, with: [打315, 315晚会, 去315, 315投诉], near: 3}
    - {term: "12315", number: true}
  pr_crisis:
    - 媒体
    - 发微博
    - {term: 黑心, level: watch, priority: P3, department: quality}
)";

std::shared_ptr<const RedLineList> Rules() {
  auto list = RedLineList::Parse(kRules, "rules.yaml");
  EXPECT_TRUE(list.ok()) << list.status();
  return *list;
}

bool Flags(const std::string& text) { return !Rules()->Decide(text).red_lines.empty(); }

TEST(RedLineRulesTest, ChineseTermInsideALongerWordIsNoHit) {
  EXPECT_FALSE(Flags("地理位置很方便,就是紧挨着火车站,有点闹心"));  // an except
  EXPECT_FALSE(Flags("想念那种围着火炉吃雪糕的感觉"));            // 围|着|火炉
  EXPECT_TRUE(Flags("半夜房间里的插座着火了"));
  EXPECT_FALSE(Flags("多媒体触摸按钮很有新意"));                  // 多媒体
  EXPECT_TRUE(Flags("再不处理我就找媒体"));
  EXPECT_FALSE(Flags("手机充电到一半就没电了"));                  // 充电 | 到
  EXPECT_TRUE(Flags("洗澡的时候被热水器电到了"));
  EXPECT_FALSE(Flags("蒙牛真心不敢喝了啊 转发微博"));              // 转发 | 微博
  EXPECT_TRUE(Flags("不给退款我就发微博"));
}

TEST(RedLineRulesTest, NumberNotARegulatorIsNoHit) {
  EXPECT_FALSE(Flags("反正315房间的空调对着门吹"));
  EXPECT_FALSE(Flags("碰坏一个化妆镜,竟然索赔我315元"));
  EXPECT_FALSE(Flags("the room cost $315 a night"));
  EXPECT_FALSE(Flags("开了315公里就坏了"));
  EXPECT_FALSE(Flags("摄像头像素: 315万像素"));
  EXPECT_FALSE(Flags("订单 #315 还没发货"));
  EXPECT_FALSE(Flags("期待315早点到来"));  // the date, not the hotline
  EXPECT_TRUE(Flags("大堂经理说去315投诉吧"));
  EXPECT_TRUE(Flags("再不退款我就打315"));
  EXPECT_TRUE(Flags("这种事就该上315晚会"));
  EXPECT_TRUE(Flags("我要打12315投诉"));
  EXPECT_FALSE(Flags("订单号1231567"));
}

TEST(RedLineRulesTest, StemWithExceptionsDoesNotCatchPraise) {
  EXPECT_FALSE(Flags("@united amazing hospitality and helpfulness from anthony"));
  EXPECT_TRUE(Flags("my father was hospitalized after the flight"));
  EXPECT_FALSE(Flags("3 hours of delays and $35 to deliver my bags? insult to injury."));
  EXPECT_TRUE(Flags("the cart hit my knee, a serious injury"));
}

TEST(RedLineRulesTest, NegationAndHypotheticalsAreNoHit) {
  EXPECT_FALSE(Flags("裤子布料不错，穿起来没有过敏的感觉"));
  EXPECT_TRUE(Flags("穿了一天就皮肤过敏了"));
  EXPECT_FALSE(Flags("虽然我没有受伤，但是吓坏了"));
  EXPECT_TRUE(Flags("我的手受伤了"));
  EXPECT_FALSE(Flags("no one was injured, thankfully"));
  EXPECT_TRUE(Flags("my son was injured by the falling bag"));
  EXPECT_FALSE(Flags("真怕过敏"));  // a fear, not an event
  // A cue does not reach into the next clause, nor into an aside in brackets.
  EXPECT_TRUE(Flags("以后不会再买了（吃完过敏了）"));
  EXPECT_TRUE(Flags("没有送餐具，吃完过敏了"));
}

TEST(RedLineRulesTest, TopicWordIsNotAnAccusation) {
  EXPECT_FALSE(Flags("i was told my ticket had been refunded because my name had a fraud alert"));
  EXPECT_TRUE(Flags("charging me twice is fraud"));
  EXPECT_FALSE(Flags("这本书让想加入律师队伍的年轻人看到了司法界真实的一面"));
  EXPECT_TRUE(Flags("再不退款我就找律师"));
}

TEST(RedLineRulesTest, LiteralSenseIsNoHit) {
  EXPECT_FALSE(Flags("找到配送站一看给我气炸了"));
  EXPECT_FALSE(Flags("鸡腿油炸了两遍"));
  EXPECT_TRUE(Flags("充电宝充着充着炸了"));
  // 黑心 is a watch term: the rotten core of a fruit pages nobody.
  const auto d = Rules()->Decide("刚拿上打开第一个就黑心");
  EXPECT_TRUE(d.red_lines.empty());
  ASSERT_EQ(d.watch.size(), 1u);
  EXPECT_EQ(d.watch[0].priority, Priority::kP3);
}

TEST(RedLineRulesTest, CockroachInTheRoomIsAWatchInTheFoodARedLine) {
  const auto room = Rules()->Decide("房间的衣柜里还有蟑螂，我当场拍死了一只");
  EXPECT_TRUE(room.red_lines.empty());
  ASSERT_EQ(room.watch.size(), 1u);
  EXPECT_EQ(room.watch[0].level, RedLineLevel::kWatch);
  EXPECT_EQ(room.watch[0].priority, Priority::kP2);
  EXPECT_EQ(room.watch[0].department, "operations");
  EXPECT_NE(room.watch[0].rule.find("without food"), std::string::npos) << room.watch[0].rule;

  const auto food = Rules()->Decide("奶油蘑菇汤里有只小蟑螂");
  ASSERT_EQ(food.red_lines.size(), 1u);
  EXPECT_TRUE(food.watch.empty());
  EXPECT_EQ(food.red_lines[0].category, RedLineCategory::kSafety);
  EXPECT_NE(food.red_lines[0].rule.find("with \"汤\" (food)"), std::string::npos) << food.red_lines[0].rule;
  EXPECT_EQ(food.red_lines[0].rule.rfind("rules.yaml:", 0), 0u) << food.red_lines[0].rule;
}

TEST(RedLineRulesTest, SentimentRequirementNeedsTheContext) {
  auto list = RedLineList::Parse(R"(version: s
categories:
  pr_crisis:
    sentiment: negative
    terms: [tell everyone]
)", "s.yaml").value();
  const std::string text = "i always tell everyone to fly southwest";
  EXPECT_TRUE(list->Decide(text, RedLineContext{true, SentimentLabel::kPositive, 0}).red_lines.empty());
  EXPECT_EQ(list->Decide(text, RedLineContext{true, SentimentLabel::kNegative, 2}).red_lines.size(), 1u);
  // Without a sentiment (the preview) the rule cannot be checked and passes.
  EXPECT_EQ(list->Decide(text).red_lines.size(), 1u);
}

TEST(RedLineRulesTest, ExplainSaysWhyACandidateWasDropped) {
  const auto e = Rules()->Explain("多媒体功能差");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_FALSE(e[0].confirmed);
  EXPECT_NE(e[0].hit.rule.find("dropped: inside a longer word"), std::string::npos) << e[0].hit.rule;
}

TEST(RedLineRulesTest, WatchRaisesPriorityWithoutAPage) {
  Analysis a;
  a.priority = Priority::kP3;
  a.priority_reason = "negative";
  a.red_line_watch.push_back(RedLineHit{RedLineCategory::kSafety, "蟑螂", 0, 6, RedLineLevel::kWatch, "r", Priority::kP2,
                                        "operations"});
  ApplyRedLineWatch(a);
  EXPECT_EQ(a.priority, Priority::kP2);
  EXPECT_EQ(a.priority_reason, "red-line watch: safety \"蟑螂\"");
  EXPECT_TRUE(a.red_lines.empty());
  a.priority = Priority::kP1;  // never lowers
  ApplyRedLineWatch(a);
  EXPECT_EQ(a.priority, Priority::kP1);
}

// Third round (2026-12-08): the rules written from the held-out errors, each word in an incident and
// in a non-incident, read through the shipped file. {text, red lines, watch hits}.
struct Reading {
  const char* text;
  std::size_t red_lines, watch;
};

void ExpectReadings(const RedLineList& l, std::initializer_list<Reading> readings, const RedLineContext& context = {}) {
  for (const auto& r : readings) {
    const auto d = l.Decide(r.text, context);
    EXPECT_EQ(d.red_lines.size(), r.red_lines) << r.text;
    EXPECT_EQ(d.watch.size(), r.watch) << r.text;
  }
}

std::shared_ptr<const RedLineList> Shipped() {
  auto list = RedLineList::LoadFile("config/redlines.yaml");
  EXPECT_TRUE(list.ok()) << list.status();
  return *list;
}

TEST(RedLineRulesTest, QuestionRightAfterTheTermAsksUnlessRhetorical) {
  ExpectReadings(*Rules(), {
                               {"冷库着火了吗？怎么全是坏的", 0, 0},    // a question: nothing burnt
                               {"冷库着火了，货全烧坏了", 1, 0},
                               {"吃完过敏了好几天，能退吗", 1, 0},      // the question is in the next clause
                               {"吃完会过敏吗", 0, 0},
                               {"洗完头就痒，还起了包，难道过敏了吗", 1, 0},  // 难道…吗 asserts
                           });
  auto list = RedLineList::Parse(R"(version: q
defaults:
  negation: [不是, 没有]
  question: [吗]
categories:
  legal: [欺诈]
)", "q.yaml").value();
  ExpectReadings(*list, {
                            {"说好的赠品不给，这不是欺诈吗", 1, 0},  // 不是…吗 asserts
                            {"这算欺诈吗", 0, 0},
                            {"这是欺诈，赔钱吗", 1, 0},             // the question is in another clause
                            {"没有欺诈", 0, 0},
                        });
  const auto why = list->Decide("这不是欺诈吗").red_lines;
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].rule.find("rhetorical question"), std::string::npos) << why[0].rule;
  // Switched off per term.
  auto off = RedLineList::Parse("version: q\ncategories:\n  legal:\n    - {term: 欺诈, question: false}\n", "q.yaml").value();
  EXPECT_EQ(off->Decide("这算欺诈吗").red_lines.size(), 1u);
}

TEST(RedLineRulesTest, ShippedThirdRoundDeviceLeakSpoiledFood) {
  ExpectReadings(*Shipped(), {
                                 // 炸了 with a device near it is an incident; a wish or an insult a watch.
                                 {"充电器插上就炸了，冒了一股黑烟", 1, 0},
                                 {"网太卡了，气得我想炸了它", 0, 1},
                                 // A leak that hurt; a leak a technician diagnosed.
                                 {"热水器漏电，洗澡时手被电了一下", 1, 0},
                                 {"售后检测说主板漏电，同意换机", 0, 1},
                                 // Spoiled food in a meal; a rotten fruit.
                                 {"送来的肉都变质了，一股味", 1, 0},
                                 {"六个火龙果有一个已经变质了", 0, 0},
                                 {"冷库着火了吗？苹果全烂了", 0, 0},
                                 // Foreign objects and meat gone off in a meal; the same words elsewhere.
                                 {"米饭里全是沙子，硌牙", 1, 0},
                                 {"酒店离海边很近，沙子很细", 0, 0},
                                 {"菜里吃到一块塑料", 1, 0},
                                 {"用塑料袋装的，汤都洒了", 0, 0},
                                 {"送来的肉是臭的", 1, 0},
                                 {"房间是臭的，换了一间", 0, 0},
                             });
}

TEST(RedLineRulesTest, ShippedThirdRoundBodilyReactions) {
  ExpectReadings(*Shipped(), {
                                 // Diarrhoea, as customers type it; a cold as the cause is not the meal.
                                 {"连喝了两天酸奶，我就啦肚子了", 1, 0},
                                 {"出差有些感冒，拉肚子，前台还送了药", 0, 0},
                                 {"昨晚吃完他家的烤肉一直闹肚子", 1, 0},
                                 // The stomach after eating; the stomach as the reason to order.
                                 {"喝了他家的奶茶胃疼了一晚上", 1, 0},
                                 {"胃疼的时候点了一份小米粥，送得很快", 0, 0},
                                 // Itching after sleeping in / using the product; bites from outside.
                                 {"被子不干净，睡了一晚全身都痒", 1, 0},
                                 {"山里蚊子多，全身痒", 0, 0},
                                 {"用了这瓶洗发水头皮痒得不行", 1, 0},
                                 {"冬天天气干，头皮痒，想找款温和的", 0, 0},
                                 // English: sick from what was served; someone else being sick.
                                 {"i threw up after eating the chicken wrap they served", 1, 0},
                                 {"the kid next to me threw up, gross", 0, 0},
                                 {"we made an emergency landing in denver, smoke in the cabin", 2, 0},  // both
                                 {"news says a plane made an emergency landing", 0, 0},
                             });
}

TEST(RedLineRulesTest, ShippedThirdRoundAuthoritiesAndAccusations) {
  ExpectReadings(*Shipped(), {
                                 // The consumer association the customer went to, with no complaint word near.
                                 {"机器刚买就坏了，结果消协也没有什么办法", 1, 0},
                                 {"消协的标志是蓝色的", 0, 0},
                                 // The tax office over a refused invoice; a hotel next to it.
                                 {"不给开发票，我要找税务局", 1, 0},
                                 {"酒店就在税务局旁边，交通方便", 0, 0},
                                 // Reporting someone; a button or a suggestion.
                                 {"我已经向平台举报了这家店", 1, 0},
                                 {"京东最好开一个举报的专栏", 0, 0},
                                 {"手机用两天就坏了，举报315", 2, 0},     // 举报 and 315 both
                                 // Going public; photography.
                                 {"再不处理我就曝光你们", 1, 0},
                                 {"夜景拍照曝光严重，照片发白", 0, 0},
                                 // An accusation; a hedge.
                                 {"发来的和宣传的完全不一样，这就是欺诈消费者", 1, 0},
                                 {"包装写两个接口客服说三个，有点欺诈的嫌疑了", 0, 0},
                                 {"衣服掉色，是仿冒的", 1, 0},
                                 // A refurbished phone sold as new; the shop's promise that it is not.
                                 {"打开一看里面有别人的照片，是翻新机", 1, 0},
                                 {"保证不是翻新机，很放心", 0, 0},
                                 // Cheated in general words: the legal owner looks, no page.
                                 {"说好的赠品没送，骗人", 0, 1},
                                 // English: theft from the customer's bag; a fear of it.
                                 {"my wallet was stolen from my bag on the plane", 1, 0},
                                 {"i hope my bag is not lost or stolen", 0, 0},
                             });
  // Knock-offs elsewhere in a positive review, and a praised book about lawsuits, are no accusation.
  const RedLineContext positive{true, SentimentLabel::kPositive, 0}, negative{true, SentimentLabel::kNegative, 2};
  ExpectReadings(*Shipped(), {{"线下冒牌的太多，来京东买放心", 0, 0}, {"这本书讲民事诉讼的真实案例，很好看", 0, 0}},
                 positive);
  ExpectReadings(*Shipped(), {{"买到冒牌货了，和专柜的完全不一样", 1, 0}, {"再不退款就提起诉讼", 1, 0}}, negative);
}

// A malformed context rule is refused with its file and line.
void ExpectRejected(const std::string& yaml, const std::string& expected) {
  auto list = RedLineList::Parse(yaml, "bad.yaml");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(list.status().message()).find(expected), std::string::npos) << list.status();
}

TEST(RedLineRulesTest, MalformedContextRulesAreRejectedWithTheirLine) {
  ExpectRejected("version: x\ncategories:\n  safety:\n    - 起火\n    - {term: 蟑螂, with: kitchen}\n",
                 "bad.yaml:5: safety[1] ('蟑螂').with: unknown context 'kitchen'");
  ExpectRejected("version: x\ncategories:\n  safety:\n    - {term: 蟑螂, level: page}\n",
                 "bad.yaml:4: safety[0] ('蟑螂'): unknown level 'page'");
  ExpectRejected("version: x\ncategories:\n  pr_crisis:\n\n    - {term: 发微博, except: [转发朋友圈]}\n",
                 "bad.yaml:5: pr_crisis[0] ('发微博'): except '转发朋友圈' does not contain the term '发微博'");
  ExpectRejected("version: x\ncategories:\n  safety:\n    - {term: 蟑螂, otherwise: {level: watch}}\n",
                 "bad.yaml:4: safety[0] ('蟑螂'): 'otherwise' needs 'with'");
  ExpectRejected("version: x\ncategories:\n  regulatory:\n    - {term: 消协, number: true}\n",
                 "bad.yaml:4: regulatory[0] ('消协'): 'number: true' needs a term with digits");
  ExpectRejected("version: x\ncategories:\n  safety:\n    - {term: 起火, nearby: 3}\n",
                 "bad.yaml:4: unknown key 'nearby'");
  ExpectRejected("version: x\ncategories:\n  safety:\n    - {term: 起火, priority: P2}\n",
                 "'priority' is only for level watch");
  ExpectRejected("version: x\ncategories:\n  regulatory:\n    - 举报\n    - {term: \"12315\", second_stage: sometimes}\n",
                 "bad.yaml:5: regulatory[1] ('12315').second_stage must be true or false");
  ExpectRejected("version: x\ncategories:\n  safety:\n    - 起火\n    - {term: 着火, question: maybe}\n",
                 "bad.yaml:5: safety[1] ('着火').question must be true or false");
  ExpectRejected("version: x\ndefaults:\n  questions: [吗]\ncategories:\n  safety: [起火]\n",
                 "bad.yaml:3: unknown key 'questions'");
}

TEST(RedLineRulesTest, ShippedFileLoadsAndDecides) {
  auto list = RedLineList::LoadFile("config/redlines.yaml");
  ASSERT_TRUE(list.ok()) << list.status();
  const auto& l = **list;
  // text, red lines, watch hits. X炸了 after an adjective is a degree; a charger that burnt black is an
  // incident, burnt rice is not; the consumer-rights hotline by another name is a step to a regulator,
  // 维权 alone a watch.
  const struct {
    const char* text;
    std::size_t red_lines, watch;
  } kCases[] = {
      {"订单#315怎么还没到", 0, 0},       {"住在315房间，空调很吵", 0, 0},
      {"我要打12315投诉", 1, 0},          {"brakes failed on the highway", 1, 0},
      {"房间里有蟑螂", 0, 1},             {"米饭里有一只蟑螂", 1, 0},
      {"这条裤子裤腿长炸了", 0, 0},       {"手机充电时炸了,吓死我了", 1, 0},
      {"充电器和插口都烧黑了", 1, 0},     {"米饭都烧焦了,没法吃", 0, 0},
      {"插座烧焦了,一股糊味", 1, 0},      {"只能打消费者维权电话了", 1, 1},
      {"我们要维权", 0, 1},
  };
  for (const auto& c : kCases) {
    const auto d = l.Decide(c.text);
    EXPECT_EQ(d.red_lines.size(), c.red_lines) << c.text;
    EXPECT_EQ(d.watch.size(), c.watch) << c.text;
  }
  // Unambiguous terms are not left to the trained second stage; ambiguous ones are.
  for (const char* text : {"我要打12315投诉", "brakes failed on the highway", "高速上刹车失灵了", "全家食物中毒进了医院"}) {
    const auto d = l.Decide(text);
    ASSERT_EQ(d.red_lines.size(), 1u) << text;
    EXPECT_FALSE(d.red_lines[0].second_stage) << text;
  }
  for (const char* text : {"吃完就拉肚子", "我要找媒体曝光你们"}) {
    const auto d = l.Decide(text);
    ASSERT_FALSE(d.red_lines.empty()) << text;
    EXPECT_TRUE(d.red_lines[0].second_stage) << text;
  }
}

}  // namespace
}  // namespace voc::triage
