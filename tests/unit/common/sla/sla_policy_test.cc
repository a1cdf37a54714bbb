// The policy file: the shipped defaults, which policy a key finds, and every
// kind of mistake in a policy, calendar or holiday file refused with its
// file:line.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/sla/sla_policy.h"
#include "tests/support/servers.h"

namespace voc::sla {
namespace {

constexpr DurationMs kHour = 3'600'000;

TEST(ShippedSlaPoliciesTest, DemoDefaults) {
  auto loaded = LoadSlaPolicies("config/sla_policies.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const SlaPolicies& p = **loaded;

  auto callback = p.Find({"detractor_callback", "p2", "customer_success", "nps_survey"});
  ASSERT_TRUE(callback.ok()) << callback.status();
  EXPECT_EQ((*callback)->id, "detractor-callback");
  EXPECT_EQ((*callback)->first_response.target, 24 * kHour);
  EXPECT_EQ((*callback)->calendar, "24x7");
  ASSERT_EQ((*callback)->first_response.warnings.size(), 2u);
  EXPECT_EQ((*callback)->first_response.warnings[0].id, "75pct");
  EXPECT_DOUBLE_EQ((*callback)->first_response.warnings[0].fraction, 0.75);
  EXPECT_EQ((*callback)->first_response.warnings[1].id, "2h-before");
  EXPECT_EQ((*callback)->first_response.warnings[1].before, 2 * kHour);
  ASSERT_EQ((*callback)->first_response.escalation.size(), 3u);
  EXPECT_EQ((*callback)->first_response.escalation[0].target, "manager");
  EXPECT_EQ((*callback)->first_response.escalation[1].target, "manager_of_manager");
  EXPECT_EQ((*callback)->first_response.escalation[1].after_breach, 4 * kHour);
  EXPECT_EQ((*callback)->first_response.escalation[2].target.rfind("person:", 0), 0u);

  auto red = p.Find({"red_line", "p1", "legal", ""});
  ASSERT_TRUE(red.ok());
  EXPECT_EQ((*red)->first_response.target, 1 * kHour);
  EXPECT_EQ((*red)->calendar, "24x7");

  auto complaint = p.Find({"complaint", "p3", "logistics", "email"});
  ASSERT_TRUE(complaint.ok());
  EXPECT_EQ((*complaint)->id, "complaint");
  EXPECT_EQ((*complaint)->calendar, "cn-office");
  EXPECT_NE(p.FindCalendar((*complaint)->calendar), nullptr);

  auto task = p.Find({"task", "p3", "", ""});
  ASSERT_TRUE(task.ok());
  EXPECT_EQ((*task)->first_response.target, 0);  // a due time only
  EXPECT_GT((*task)->resolution.target, 0);
  EXPECT_TRUE(p.Find({"action_item", "", "", ""}).ok());
  EXPECT_EQ(p.FindCalendar("no-such-calendar"), nullptr);
}

TEST(ShippedSlaPoliciesTest, MostSpecificPolicyWins) {
  auto loaded = LoadSlaPolicies("config/sla_policies.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const SlaPolicies& p = **loaded;
  EXPECT_EQ((*p.Find({"complaint", "p1", "pricing", "email"}))->id, "complaint-urgent");  // priority narrows
  EXPECT_EQ((*p.Find({"complaint", "p3", "pricing", "social"}))->id, "complaint-social");  // channel narrows
  // Channel narrows more than priority.
  EXPECT_EQ((*p.Find({"complaint", "p1", "pricing", "social"}))->id, "complaint-social");
  // Names as the proto enums spell them are found too.
  EXPECT_EQ((*p.Find({"COMPLAINT", "P1", "pricing", "EMAIL"}))->id, "complaint-urgent");
}


class PolicyFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // Loads a policy file with `text` and returns the status message.
  absl::Status Load(const std::string& text) { return LoadSlaPolicies(Write("sla_policies.yaml", text)).status(); }
  std::string PolicyFile() const { return dir_.path() + "/sla_policies.yaml"; }
  voc::testing::TempDir dir_;
};

const char kCalendars[] =
    "version: 1\n"                                     // 1
    "calendars:\n"                                     // 2
    "  - id: always\n"                                 // 3
    "    type: always_on\n"                            // 4
    "  - id: office\n"                                 // 5
    "    type: working_hours\n"                        // 6
    "    hours: [\"09:00-12:00\", \"13:00-18:00\"]\n"  // 7
    "policies:\n";                                     // 8

std::string Policy(const std::string& id, const std::string& match, const std::string& target = "24h") {
  return "  - id: " + id + "\n    " + match + "\n    calendar: always\n    first_response: { target: 1h }\n" +
         "    resolution: { target: " + target + " }\n";
}

TEST_F(PolicyFileTest, DepartmentNarrowsMoreThanChannelAndPriority) {
  ASSERT_TRUE(Load(std::string(kCalendars) + Policy("base", "kind: complaint") +
                   Policy("by-priority", "priority: P2\n    kind: complaint") +
                   Policy("by-channel", "channel: chat\n    kind: complaint") +
                   Policy("by-department", "department: logistics\n    kind: complaint") +
                   Policy("by-both", "department: logistics\n    channel: chat\n    kind: complaint"))
                  .ok());
  auto p = *LoadSlaPolicies(PolicyFile());
  EXPECT_EQ((*p->Find({"complaint", "p4", "pricing", "email"}))->id, "base");
  EXPECT_EQ((*p->Find({"complaint", "p2", "pricing", "email"}))->id, "by-priority");
  EXPECT_EQ((*p->Find({"complaint", "p2", "pricing", "chat"}))->id, "by-channel");
  EXPECT_EQ((*p->Find({"complaint", "p2", "logistics", "email"}))->id, "by-department");
  EXPECT_EQ((*p->Find({"complaint", "p2", "logistics", "chat"}))->id, "by-both");
  auto none = p->Find({"red_line", "p1", "", ""});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("red_line"), std::string_view::npos);
}

// Each broken file, and the line and words its error must carry.
struct Broken {
  const char* name;
  std::string text;
  int line;
  const char* words;
};

TEST_F(PolicyFileTest, MistakesNameFileAndLine) {
  const std::string head = kCalendars;
  const Broken cases[] = {
      {"unknown top-level key", "version: 1\nrules: []\n", 2, "unknown key 'rules'"},
      {"bad duration", head + "  - id: a\n    kind: complaint\n    calendar: always\n"
                              "    first_response: { target: 1d }\n    resolution: { target: 24h }\n",
       12, "'1d' is not a duration"},
      {"unknown calendar", head + "  - id: a\n    kind: complaint\n    calendar: office-typo\n"
                                  "    first_response: { target: 1h }\n    resolution: { target: 24h }\n",
       11, "'office-typo' is not in calendars"},
      {"unknown kind", head + Policy("a", "kind: complaints"), 10, "kind 'complaints' must be one of"},
      {"unknown priority", head + Policy("a", "kind: complaint\n    priority: P9"), 11, "priority 'p9'"},
      {"unknown channel", head + Policy("a", "kind: complaint\n    channel: fax"), 11, "channel 'fax'"},
      {"duplicate match", head + Policy("a", "kind: complaint") + Policy("b", "kind: complaint"), 14,
       "matches exactly what 'a' (line 9)"},
      {"duplicate id", head + Policy("a", "kind: complaint") + Policy("a", "kind: red_line"), 14,
       "policy id 'a' is used twice"},
      {"missing first response", head + "  - id: a\n    kind: complaint\n    calendar: always\n"
                                        "    resolution: { target: 24h }\n",
       9, "needs first_response"},
      {"warning after the target",
       head + "  - id: a\n    kind: red_line\n    calendar: always\n"
              "    first_response:\n      target: 1h\n      warnings:\n        - { before: 2h }\n"
              "    resolution: { target: 24h }\n",
       15, "before must be more than 0 and less than the target"},
      {"warning percentage", head + "  - id: a\n    kind: red_line\n    calendar: always\n"
                                    "    first_response:\n      target: 1h\n      warnings:\n        - { at: 120% }\n"
                                    "    resolution: { target: 24h }\n",
       15, "between 0% and 100%"},
      {"levels out of order",
       head + "  - id: a\n    kind: red_line\n    calendar: always\n"
              "    first_response:\n      target: 1h\n      escalation:\n"
              "        - { level: 1, target: manager }\n        - { level: 3, target: department_head }\n"
              "    resolution: { target: 24h }\n",
       16, "levels are numbered 1, 2, 3"},
      {"unknown escalation target",
       head + "  - id: a\n    kind: red_line\n    calendar: always\n"
              "    first_response:\n      target: 1h\n      escalation:\n        - { level: 1, target: boss }\n"
              "    resolution: { target: 24h }\n",
       15, "target 'boss' must be one of"},
      {"first response longer than resolution", head + Policy("a", "kind: complaint", "30m"), 12,
       "first_response.target is longer than resolution.target"},
      {"unknown time zone", "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n"
                            "    time_zone: Asia/Atlantis\n    hours: [\"09:00-17:00\"]\npolicies: []\n",
       5, "time zone 'Asia/Atlantis' is unknown"},
      {"overlapping hours", "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n"
                            "    hours:\n      - \"09:00-12:30\"\n      - \"12:00-18:00\"\npolicies: []\n",
       7, "overlaps"},
      {"bad hours", "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n    hours: [\"9-17\"]\n", 5,
       "'9-17' is not HH:MM-HH:MM"},
      {"bad weekday", "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n    weekdays: [mon, fry]\n"
                      "    hours: [\"09:00-17:00\"]\n",
       5, "'fry' is not mon..sun"},
      {"missing holiday file", "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n"
                               "    hours: [\"09:00-17:00\"]\n    holidays: [calendars/cn-2031.yaml]\n",
       6, "cn-2031.yaml cannot be read"},
      {"YAML syntax", "version: 1\ncalendars:\n  - id: [x\n", 4, "YAML syntax error"},
  };
  for (const Broken& c : cases) {
    const absl::Status status = Load(c.text);
    ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << status;
    const std::string where = PolicyFile() + ":" + std::to_string(c.line) + ": ";
    EXPECT_EQ(std::string(status.message()).rfind(where, 0), 0u) << c.name << ": " << status << "\n wanted " << where;
    EXPECT_NE(status.message().find(c.words), std::string_view::npos) << c.name << ": " << status;
  }
}

TEST_F(PolicyFileTest, HolidayFileMistakesNameTheHolidayFileAndLine) {
  const std::string policy =
      "version: 1\ncalendars:\n  - id: x\n    type: working_hours\n    hours: [\"09:00-17:00\"]\n"
      "    holidays: [h.yaml]\npolicies:\n" +
      std::string("  - id: a\n    kind: task\n    calendar: x\n    resolution: { target: 8h }\n");
  const Broken cases[] = {
      {"not a date", "year: 2026\nholidays:\n  - { name: x, date: 2026-13-01 }\n", 3, "'2026-13-01' is not a date"},
      {"no such day", "year: 2026\nholidays:\n  - { name: x, date: 2026-02-30 }\n", 3, "is not a date"},
      {"other year", "year: 2026\nholidays:\n  - { name: x, from: 2026-12-31, to: 2027-01-02 }\n", 3,
       "2027-01-02 is not in the file's year 2026"},
      {"reversed range", "year: 2026\nholidays:\n  - { name: x, from: 2026-05-05, to: 2026-05-01 }\n", 3,
       "is before from"},
      {"twice a holiday",
       "year: 2026\nholidays:\n  - { name: a, date: 2026-05-01 }\n  - { name: b, from: 2026-04-30, to: 2026-05-02 }\n",
       4, "2026-05-01 is already a holiday"},
      {"adjusted day on a weekday",
       "year: 2026\nholidays: []\nworkdays:\n  - { name: x, date: 2026-10-09 }\n", 4,
       "2026-10-09 is already a working weekday"},
      {"adjusted day also a holiday",
       "year: 2026\nholidays:\n  - { name: a, date: 2026-10-10 }\nworkdays:\n  - { name: x, date: 2026-10-10 }\n", 5,
       "also listed as a holiday"},
      {"bad status", "year: 2026\nstatus: guessed\nholidays: []\n", 2, "status 'guessed'"},
      {"unknown key", "year: 2026\nholidays: []\nworkday: []\n", 3, "unknown key 'workday'"},
  };
  Write("sla_policies.yaml", policy);
  for (const Broken& c : cases) {
    Write("h.yaml", c.text);
    const absl::Status status = LoadSlaPolicies(PolicyFile()).status();
    ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << status;
    const std::string where = dir_.path() + "/h.yaml:" + std::to_string(c.line) + ": ";
    EXPECT_EQ(std::string(status.message()).rfind(where, 0), 0u) << c.name << ": " << status << "\n wanted " << where;
    EXPECT_NE(status.message().find(c.words), std::string_view::npos) << c.name << ": " << status;
  }
  // And the same files, fixed, load.
  Write("h.yaml", "year: 2026\nholidays:\n  - { name: a, date: 2026-10-09 }\nworkdays:\n  - { name: b, date: 2026-10-10 }\n");
  auto fixed = LoadSlaPolicies(PolicyFile());
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  const BusinessCalendar* x = (*fixed)->FindCalendar("x");
  // Friday 2026-10-09 09:00 Beijing is a holiday, Saturday 10-10 a working day.
  const TimeMs friday_9_utc = 1791507600000;  // 2026-10-09T01:00:00Z
  EXPECT_FALSE(x->IsWorkingTime(friday_9_utc));
  EXPECT_TRUE(x->IsWorkingTime(friday_9_utc + 24 * kHour));
}

TEST_F(PolicyFileTest, ARefusedReloadLeavesThePoliciesInForceUntouched) {
  ASSERT_TRUE(Load(std::string(kCalendars) + Policy("base", "kind: complaint")).ok());
  auto in_force = *LoadSlaPolicies(PolicyFile());
  // The operator breaks the file; the reload is refused with its line...
  const absl::Status reload = Load(std::string(kCalendars) + Policy("base", "kind: complaint", "24 hours"));
  ASSERT_EQ(reload.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(reload.message().find(":13: "), std::string_view::npos) << reload;
  // ... and what was loaded before still answers.
  auto found = in_force->Find({"complaint", "p3", "", ""});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->resolution.target, 24 * kHour);
  EXPECT_NE(in_force->FindCalendar("office"), nullptr);
}

}  // namespace
}  // namespace voc::sla
