// The de-identification masker (common/privacy): what it masks in Chinese
// and English text, what it must leave alone, which language its tokens
// speak, names from a directory, and that masking twice changes nothing.
#include "common/privacy/masker.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/org/org_directory.h"

namespace voc::privacy {
namespace {

struct Case {
  const char* text;
  const char* masked;
};

// The names a test directory would give: people and customers, zh and en.
const std::vector<std::string> kNames = {"王磊", "李晓雨", "陈建国", "Emily Carter", "Ryan O'Connor", "Hannah Schmidt"};

void ExpectMasks(const Masker& masker, const std::vector<Case>& cases) {
  for (const auto& c : cases) EXPECT_EQ(masker.Mask(c.text), c.masked) << "text: " << c.text;
}

// ------------------------------------------------------------- Chinese

TEST(MaskerTest, MasksMainlandMobileNumbersInChineseText) {
  ExpectMasks(Masker(), {
                            {"我的手机13812345678，请回电", "我的手机【手机号】，请回电"},
                            {"电话 138 1234 5678 谢谢", "电话 【手机号】 谢谢"},
                            {"联系方式：138-1234-5678。", "联系方式：【手机号】。"},
                            {"请打+86 138 1234 5678", "请打【手机号】"},
                            {"请打+86-138-1234-5678", "请打【手机号】"},
                            {"0086-13812345678 找我", "【手机号】 找我"},
                            {"号码+8613812345678", "号码【手机号】"},
                            {"手机19912345678和15012345678都行", "手机【手机号】和【手机号】都行"},
                            {"打13812345678 2 次都没人接", "打【手机号】 2 次都没人接"},
                            {"号码13812345678,13912345678", "号码【手机号】,【手机号】"},
                        });
}

TEST(MaskerTest, MasksLandlinesAndServiceNumbers) {
  ExpectMasks(Masker(), {
                            {"客服电话010-12345678", "客服电话【电话】"},
                            {"门店电话(021) 1234 5678，", "门店电话【电话】，"},
                            {"门店电话(021)12345678", "门店电话【电话】"},
                            {"电话0755-1234567打不通", "电话【电话】打不通"},
                            {"座机02112345678", "座机【电话】"},
                            {"热线400-820-8820，4008208820，800 810 8888", "热线【电话】，【电话】，【电话】"},
                            {"打+86 21 1234 5678", "打【电话】"},
                        });
}

TEST(MaskerTest, MasksEmailAddresses) {
  ExpectMasks(Masker(), {
                            {"邮箱li.na@example.com。", "邮箱【邮箱】。"},
                            {"发到 zhang_wei+voc@mail.example.com.cn 吧", "发到 【邮箱】 吧"},
                            {"邮箱13812345678@163.com", "邮箱【邮箱】"},
                        });
}

TEST(MaskerTest, MasksResidentIdNumbersWithAValidBirthDate) {
  ExpectMasks(Masker(), {
                            {"身份证号110105199003071234", "身份证号【身份证号】"},
                            {"身份证11010519900307123X，", "身份证【身份证号】，"},
                            {"身份证 11010519900307123x", "身份证 【身份证号】"},
                            {"旧证110105900307123", "旧证【身份证号】"},
                            {"证件 110105 19900307 1234", "证件 【身份证号】"},
                            {"生于闰日 110105200002291234", "生于闰日 【身份证号】"},
                        });
}

TEST(MaskerTest, AnEighteenDigitNumberWithoutAValidDateIsAnOrderNotAnId) {
  ExpectMasks(Masker(), {
                            {"流水123456202613451234", "流水【订单号】"},  // month 13
                            {"流水110105199002301234", "流水【订单号】"},  // 30 February
                            {"流水110105190102291234", "流水【订单号】"},  // 1901 was no leap year
                            {"流水000105199003071234", "流水【订单号】"},  // no region 00
                        });
}

TEST(MaskerTest, MasksLicencePlates) {
  ExpectMasks(Masker(), {
                            {"车牌京A12345被剐了", "车牌【车牌】被剐了"},
                            {"新能源粤B·D12345", "新能源【车牌】"},
                            {"粤BD12345停在门口", "【车牌】停在门口"},
                            {"教练车沪A-1234学", "教练车【车牌】"},
                            {"川A 8888B 挡住了", "【车牌】 挡住了"},
                            {"苏e12345", "【车牌】"},
                        });
}

TEST(MaskerTest, MasksOrderNumbersAfterAKeywordAndLongBareRuns) {
  ExpectMasks(Masker(), {
                            {"订单号：2026120100012345", "订单号：【订单号】"},
                            {"订单JD20261201123456还没到", "订单【订单号】还没到"},
                            {"单号是 SO-2026-000123", "单号是 【订单号】"},
                            {"订单编号 1234567890 有误", "订单编号 【订单号】 有误"},
                            {"订单号13812345678", "订单号【订单号】"},  // shaped like a mobile, but an order
                            {"快递773012345678还没到", "快递【订单号】还没到"},
                            {"运单＃ 1234567890", "运单＃ 【订单号】"},
                        });
}

TEST(MaskerTest, MasksNamesFromTheDirectoryInChineseText) {
  ExpectMasks(Masker(kNames), {
                                  {"王磊已经联系了客户", "【姓名】已经联系了客户"},
                                  {"客户李晓雨投诉", "客户【姓名】投诉"},
                                  {"陈先生说不满意，王女士也是", "【姓名】先生说不满意，【姓名】女士也是"},
                                  {"联系 Emily Carter 处理", "联系 【姓名】 处理"},
                              });
}

// ------------------------------------------------------------- English

TEST(MaskerTest, MasksPhoneNumbersInEnglishText) {
  ExpectMasks(Masker(), {
                            {"Call me at 138 1234 5678 please", "Call me at [phone] please"},
                            {"Phone +1 415 555 0100 today", "Phone [phone] today"},
                            {"or (415) 555-0100 or 415-555-0100", "or [phone] or [phone]"},
                            {"or 1-800-555-0100 or 415.555.0100", "or [phone] or [phone]"},
                            {"UK +44 20 7946 0958, DE +49 30 12345678", "UK [phone], DE [phone]"},
                            {"tel:+14155550100", "tel:[phone]"},
                            {"Phone +1 415 555 0100 2 times", "Phone [phone] 2 times"},
                        });
}

TEST(MaskerTest, MasksEmailIdsPlatesAndOrdersInEnglishText) {
  ExpectMasks(Masker(), {
                            {"Email emily.carter@example.co.uk.", "Email [email]."},
                            {"Order no. 2026120100012345 was late", "Order no. [order] was late"},
                            {"order #JD20261201123456 and order number 1234567890", "order #[order] and order number [order]"},
                            {"Order ID: SO-2026-000123", "Order ID: [order]"},
                            {"ticket #1234567890 again", "ticket #[order] again"},
                            {"ID 110105199003071234 on file", "ID [id-number] on file"},
                            {"plate 京A12345 was hit", "plate [plate] was hit"},
                            {"tracking 773012345678901234", "tracking [order]"},
                        });
}

TEST(MaskerTest, MasksNamesFromTheDirectoryInEnglishText) {
  ExpectMasks(Masker(kNames), {
                                  {"Emily Carter called", "[name] called"},
                                  {"EMILY CARTER again", "[name] again"},
                                  {"Ms. Carter said so", "Ms. [name] said so"},
                                  {"Mrs Schmidt wrote", "Mrs [name] wrote"},
                                  {"Mr. O'Connor's car", "Mr. [name]'s car"},
                                  {"Ryan O'Connor, Hannah Schmidt", "[name], [name]"},
                                  {"Contact 王磊 today", "Contact [name] today"},
                              });
}

// ------------------------------------------------------ left alone

TEST(MaskerTest, LeavesPricesDatesTimesPercentagesAndModelNamesAlone) {
  const Masker masker(kNames);
  for (const char* text : {
           "¥299，299元，$1,299.00，￥12999，12999.00 元",
           "2026-12-01 2026/12/01 2026年12月1日 20261201 2026.12.01",
           "10:30 10:30:45 10:00-12:00 下午3点",
           "12.5% 99% 降价30%",
           "Model Y 星辰 S7 iPhone 15 Pro X200 P60 Pro+",
           "3 件 第2次 4.8 分 等了 45 分钟 1,380,000 km",
           "12345678901 1234567890 12345678 555-0100",
           "X200-1234567890 SN13812345678 v1.2.3 192.168.100.200 3.14159265358979",
           "沪A股 京东 新品 粤语 川菜 苏ABCDE",
           "订单已发货 订单 2026-12-01 的 order confirmation #1 seller order 12345",
           "Emily alone, Carterville, emily carters, Mr Smith, Dr. Who",
           "这位先生 首先生产 客户说很好",
           "Great product, fast delivery, 5 stars!",
           "快递三天还没到，物流信息一直不更新，太慢了",
           "好评666666666666666 手动10000000000000个赞 888888888888888888",
       }) {
    EXPECT_EQ(masker.Mask(text), text);
  }
}

TEST(MaskerTest, ShortNamesAndSingleWordNamesAreNotLearned) {
  const Masker masker({"王", "Apple", "  ", "Will"});
  EXPECT_EQ(masker.Mask("王先生买了 Apple 手表，Will 说好"), "王先生买了 Apple 手表，Will 说好");
}

// ------------------------------------------------ the token language

TEST(MaskerTest, TheNearestLetterDecidesTheTokenLanguage) {
  const Masker masker(kNames);
  // A Chinese letter on either side wins, past digits, spaces and ASCII punctuation.
  EXPECT_EQ(masker.Mask("Please call 13812345678，谢谢"), "Please call 【手机号】，谢谢");
  EXPECT_EQ(masker.Mask("电话: 13812345678 (mobile)"), "电话: 【手机号】 (mobile)");
  // Latin letters on both sides: English, even for a Chinese name.
  EXPECT_EQ(masker.Mask("Hi 王磊, your order 1234567890123 from 京东 shipped"),
            "Hi [name], your order [order] from 京东 shipped");
  // No letter near: the text decides.
  EXPECT_EQ(masker.Mask("13812345678"), "[phone]");
  EXPECT_EQ(masker.Mask("13812345678 -- -- -- -- -- -- -- -- 好"), "【手机号】 -- -- -- -- -- -- -- -- 好");
  EXPECT_EQ(masker.Mask("好 -- -- -- -- -- -- -- -- 13812345678"), "好 -- -- -- -- -- -- -- -- 【手机号】");
}

// -------------------------------------------------- the directory

TEST(MaskerTest, FromDirectoryLearnsPeoplesAndCustomersNames) {
  const auto directory = org::OrgDirectory::Parse(
      "departments:\n"
      "  - {id: logistics, name: {zh: 物流部, en: Logistics}, head: p-wang}\n"
      "people:\n"
      "  - {id: p-wang, name: 王磊, email: wang@example.com, department: logistics}\n"
      "  - {id: p-emily, name: Emily Carter, email: emily@example.com, department: logistics}\n"
      "customers:\n"
      "  - {id: c-1, name: 李娜, tier: vip, account_manager: p-wang}\n"
      "  - {id: c-2, name: Hannah Schmidt, tier: regular}\n");
  ASSERT_TRUE(directory.ok()) << directory.status();
  const Masker masker = Masker::FromDirectory(*directory);
  EXPECT_EQ(masker.Mask("王磊给李娜回了电话"), "【姓名】给【姓名】回了电话");
  EXPECT_EQ(masker.Mask("Emily Carter called Hannah Schmidt"), "[name] called [name]");
  EXPECT_EQ(masker.Mask("陈先生来电"), "陈先生来电") << "陈 is no surname of this directory";
  EXPECT_EQ(masker.Mask("李女士来电"), "【姓名】女士来电");
}

TEST(MaskerTest, TheLongestKnownNameWins) {
  const Masker masker({"王建", "王建华"});
  EXPECT_EQ(masker.Mask("王建华和王建"), "【姓名】和【姓名】");
}

// ------------------------------------------------------ idempotence

TEST(MaskerTest, MaskingAMaskedTextChangesNothing) {
  const Masker masker(kNames);
  for (const char* text : {
           "王磊说客户李晓雨（手机 138 1234 5678，邮箱 li.xy@example.com）的订单号 JD20261201123456 还没到",
           "身份证110105199003071234，车牌粤B·D12345，座机(021) 1234 5678，热线400-820-8820",
           "Emily Carter (+1 415 555 0100, emily@example.com) says order #2026120100012345 is late",
           "Ms. Carter's plate 京A12345; ID 11010519900307123X; tracking 773012345678901234",
           "陈先生13812345678王女士", "#2026120100.13812345678", ")#2026-12-0138+861381234",
       }) {
    const std::string once = masker.Mask(text);
    EXPECT_NE(once, text);
    EXPECT_EQ(masker.Mask(once), once) << "text: " << text;
  }
}

// Texts made of pieces that sit next to each other in ways the cases above
// do not try (digits beside separators, letters, plates, '@', names, tokens):
// masking any of them twice gives what masking once gave.
TEST(MaskerTest, MaskingIsIdempotentOnGeneratedTexts) {
  const Masker masker(kNames);
  const std::vector<std::string> pieces = {
      "1", "38", "1381234", "5678", "0", "010", "86", "+", "(", ")", " ", "-", ".", "X", "x", "@", "a", "Mr. ",
      "example.com", "订单号", "order ", "#", "京", "A", "·", "学", "王磊", "Emily Carter", "陈", "先生", "，",
      "【手机号】", "[phone]", "¥", "%", "2026-12-01", "SN", "\xE7"};
  std::mt19937 random(9);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(random() % 14);
    for (int p = 0; p < n; ++p) text += pieces[random() % pieces.size()];
    const std::string once = masker.Mask(text);
    ASSERT_EQ(masker.Mask(once), once) << "text: " << text;
  }
}

TEST(MaskerTest, TokensAreNeverMaskedAgain) {
  const Masker masker(kNames);
  const std::string tokens = "【手机号】【电话】【邮箱】【身份证号】【车牌】【订单号】【姓名】先生 "
                             "[phone] [email] [id-number] [plate] [order] Mr. [name] 订单号【订单号】 order #[order]";
  EXPECT_EQ(masker.Mask(tokens), tokens);
}

TEST(MaskerTest, EmptyAndMalformedTextPassThrough) {
  const Masker masker(kNames);
  EXPECT_EQ(masker.Mask(""), "");
  const std::string malformed = "abc\xE7\x8E 13812345678 \xFF";
  EXPECT_EQ(masker.Mask(malformed), "abc\xE7\x8E [phone] \xFF");
}

}  // namespace
}  // namespace voc::privacy
