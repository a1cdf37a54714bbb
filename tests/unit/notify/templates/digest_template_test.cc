// The overdue digest as voc-notify renders it: the case list built from the
// request's case_<i>_* params in the recipient's language (kinds, owners and
// departments by name, local due times), the link of each case only when a
// link base is set, "and N more" when the count is larger than the list, and
// the same text in the robots' markdown.
#include <gtest/gtest.h>

#include "services/notify/templates.h"

namespace voc::notify {
namespace {

constexpr char kDirectoryYaml[] = R"(
departments:
  - {id: logistics, name: {zh: 物流部, en: Logistics}, head: p-wang}
people:
  - {id: p-wang, name: 王磊, department: logistics}
  - {id: p-xu, name: 徐刚, department: logistics, manager: p-wang}
)";

v1::NotificationRequest Digest() {
  v1::NotificationRequest r;
  r.set_id("overdue_digest:2026-12-04:logistics");
  r.set_event("overdue_digest");
  r.set_department("logistics");
  auto& p = *r.mutable_params();
  p["overdue_count"] = "12";
  p["listed_count"] = "1";
  p["case_1_id"] = "c-7";
  p["case_1_title"] = "resolution";  // a title that is also a code word stays as written
  p["case_1_kind"] = "detractor_callback";
  p["case_1_priority"] = "p2";
  p["case_1_due_time"] = "2026-12-03T10:00:00+08:00";
  p["case_1_owner_person"] = "p-xu";
  p["case_1_owner_department"] = "logistics";
  return r;
}

TEST(DigestTemplate, ListsTheCasesInChineseWithoutLinksWhenNoBaseIsSet) {
  const org::OrgDirectory dir = org::OrgDirectory::Parse(kDirectoryYaml, "d.yaml").value();
  const RenderedMessage m = Render(Digest(), {"zh", "王磊", "m-1", ""}, dir);
  EXPECT_EQ(m.subject, "【每日逾期汇总】物流部有 12 个逾期工单");
  EXPECT_EQ(m.text,
            "王磊，您好：\n物流部当前有 12 个逾期工单，最早到期的 1 个如下：\n"
            "1. 【P2·差评回访】resolution（工单 c-7），2026-12-03 10:00（UTC+08:00） 到期，负责人：徐刚（物流部）\n"
            "……另有 11 个逾期工单，请在工作台查看。\n");
  EXPECT_NE(m.markdown.find(m.text), std::string::npos) << "the robots carry the same list";
  EXPECT_TRUE(m.link.empty()) << "the digest is about no single case";
}

TEST(DigestTemplate, ListsTheCasesInEnglishWithTheirLinks) {
  const org::OrgDirectory dir = org::OrgDirectory::Parse(kDirectoryYaml, "d.yaml").value();
  v1::NotificationRequest one = Digest();
  (*one.mutable_params())["overdue_count"] = "1";
  const RenderedMessage m = Render(one, {"en", "Wang Lei", "m-2", "https://voc.example.com"}, dir);
  EXPECT_EQ(m.subject, "[Daily overdue digest] Logistics has 1 overdue case");
  EXPECT_EQ(m.text,
            "Hello Wang Lei,\nLogistics has 1 overdue case; the 1 due longest ago:\n"
            "1. [P2 · detractor callback] resolution (case c-7), due 2026-12-03 10:00 (UTC+08:00), "
            "owner: 徐刚 (Logistics)\n"
            "   Open: https://voc.example.com/#case=c-7\n");
  EXPECT_NE(m.html.find("https://voc.example.com/#case=c-7"), std::string::npos);
}

}  // namespace
}  // namespace voc::notify
