// The overdue digest's settings (services.tracking.overdue_digest_*): the
// defaults, "off", and a mistake refused naming its key; and the request a
// department's digest becomes.
#include <gtest/gtest.h>

#include "common/config/config.h"
#include "services/tracking/overdue_digest.h"
#include "voc/v1/feedback.pb.h"
#include "voc/v1/tracking.pb.h"

namespace voc::tracking {
namespace {

absl::StatusOr<std::optional<OverdueDigestSettings>> From(const std::string& tracking_yaml) {
  return OverdueDigestSettingsFrom(Config::FromString("services:\n  tracking:\n" + tracking_yaml, "tracking").value());
}

TEST(OverdueDigestSettings, DefaultsToHalfPastEightInShanghaiWithTenCases) {
  const auto s = From("    listen: 127.0.0.1:0\n").value();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->minute_of_day, 510);
  EXPECT_EQ(s->zone.name(), "Asia/Shanghai");
  EXPECT_EQ(s->max_cases, 10);
  const auto set = From("    overdue_digest_at: \"07:05\"\n    overdue_digest_time_zone: Europe/Berlin\n"
                        "    overdue_digest_cases: 3\n")
                       .value();
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->minute_of_day, 425);
  EXPECT_EQ(set->zone.name(), "Europe/Berlin");
  EXPECT_EQ(set->max_cases, 3);
  EXPECT_FALSE(From("    overdue_digest_at: \"off\"\n").value().has_value());
}

TEST(OverdueDigestSettings, AMistakeIsRefusedNamingItsKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"    overdue_digest_at: \"8:30\"\n", "services.tracking.overdue_digest_at"},
      {"    overdue_digest_at: \"25:00\"\n", "services.tracking.overdue_digest_at"},
      {"    overdue_digest_time_zone: Mars/Olympus\n", "services.tracking.overdue_digest_time_zone"},
      {"    overdue_digest_cases: 0\n", "services.tracking.overdue_digest_cases"},
      {"    overdue_digest_cases: 51\n", "services.tracking.overdue_digest_cases"},
  };
  for (const auto& [yaml, key] : cases) {
    const auto s = From(yaml);
    ASSERT_FALSE(s.ok()) << yaml;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(key), std::string::npos) << s.status().message();
  }
}

TEST(DigestNotification, CarriesTheCountTheListedCasesAndAStableId) {
  DepartmentOverdue overdue;
  overdue.count = 12;
  overdue.oldest.push_back({"c-1", "Parcel late", v1::CASE_KIND_RED_LINE, v1::PRIORITY_P1,
                            1'796'342'400'000, "legal", ""});
  const Notification n =
      DigestNotification("logistics", "2026-12-04", overdue, sla::LocalZone::Make("Asia/Shanghai").value());
  EXPECT_EQ(n.kind, "overdue_digest");
  EXPECT_EQ(n.id, "overdue_digest:2026-12-04:logistics");
  EXPECT_EQ(n.department, "logistics");
  EXPECT_TRUE(n.recipients.empty());
  EXPECT_EQ(n.params.at("overdue_count"), "12");
  EXPECT_EQ(n.params.at("listed_count"), "1");
  EXPECT_EQ(n.params.at("day"), "2026-12-04");
  EXPECT_EQ(n.params.at("time_zone"), "Asia/Shanghai");
  EXPECT_EQ(n.params.at("case_1_kind"), "red_line");
  EXPECT_EQ(n.params.at("case_1_priority"), "p1");
  EXPECT_EQ(n.params.at("case_1_due_time"), "2026-12-04T08:00:00+08:00");
  EXPECT_EQ(n.params.at("case_1_owner_department"), "legal");
  EXPECT_EQ(n.params.at("case_1_owner_person"), "");
}

}  // namespace
}  // namespace voc::tracking
